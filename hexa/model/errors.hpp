#pragma once
// The framework's one error style: exceptions thrown by domain or framework code and turned
// into an answer (status + Spring Boot error JSON) only at the inbound adapter's edge.
#include <stdexcept>
#include <string>

namespace hexa {

class Error : public std::runtime_error {
 public:
  Error(int status, std::string message) : std::runtime_error(std::move(message)), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// Bad input: a field missing, of the wrong type or out of range (400).
struct Invalid : Error {
  explicit Invalid(std::string message) : Error(400, std::move(message)) {}
};
struct NotFound : Error {
  explicit NotFound(std::string message) : Error(404, std::move(message)) {}
};
struct NotAllowed : Error {  // a method the domain does not allow on a resource (405)
  explicit NotAllowed(std::string message) : Error(405, std::move(message)) {}
};
// A caller who may not ask this, such as a customer checking a guest out (403).
struct Forbidden : Error {
  explicit Forbidden(std::string message) : Error(403, std::move(message)) {}
};
// An illegal state transition, such as cancelling a cancelled contract (409).
struct Conflict : Error {
  explicit Conflict(std::string message) : Error(409, std::move(message)) {}
};
// Another service said no to a call (it answered 4xx: 400, 404, 409, ...): its domain refused,
// and asking again will not change that. A policy takes it as final (a saga runs its undo);
// status() is the callee's answer.
struct Refused : Error {
  Refused(int status, std::string message) : Error(status, std::move(message)) {}
};
// A dependency is down, slow or refusing: the fallback answer (503).
struct Unavailable : Error {
  explicit Unavailable(std::string message, int retry_after_s = 1)
      : Error(503, std::move(message)), retry_after_s(retry_after_s) {}
  int retry_after_s;
};

}  // namespace hexa

namespace hexa {
// A call whose outcome is unknown: it timed out or the connection broke after sending, so the
// far side may have acted. Callers must reconcile or compensate, never assume either way.
struct Uncertain : Unavailable {
  explicit Uncertain(std::string message) : Unavailable(std::move(message)) {}
};
}  // namespace hexa
