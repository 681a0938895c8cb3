#pragma once
// A REST resource over a declared aggregate, with Spring Data REST's conventions:
// POST 201 + Location, GET item / collection (_embedded, page, paging, sorting), PUT, PATCH,
// DELETE where allowed (else 405 with the reason), _links.self.href, search/findByXxx, and
// Spring Boot's error JSON. Works on Records; Resource<T> (resource.hpp) is its typed face.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hexa/domain/transactor.hpp"
#include "hexa/http/message.hpp"
#include "hexa/model/model.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/runtime/router.hpp"

namespace hexa::rest {

using RecordHook = std::function<void(Record&, UnitOfWork&)>;

// PATCH {field: value} runs a domain command instead of a plain assignment.
struct Command {
  std::string field;
  std::string value;
  RecordHook run;
};

// A creation that needs another service's yes before it counts (contract -> pay). The new row
// is kept pending (invisible) while asking; `confirm` throws Unavailable for a certain no and
// Uncertain when the far side may have acted. Pending rows whose caller is gone are settled by
// a reconciler asking `confirmed`: yes completes them, no deletes them, nullopt asks again later.
struct Guard {
  std::function<void(const Record&, std::int64_t deadline_ms)> confirm;
  std::function<std::optional<bool>(const Record&)> confirmed;
  std::string fallback_message;
  std::int64_t timeout_ms = 2000;
};

struct ResourceSpec {
  const ModelInfo* model = nullptr;
  std::function<Record()> blank;  // a new aggregate's defaults
  RecordHook on_created;          // after insert, same transaction (JPA's @PostPersist)
  RecordHook on_updated;          // after a plain PUT/PATCH change (@PostUpdate)
  std::vector<Command> commands;
  std::map<http::Verb, std::string> denied;  // verb -> reason for 405
  std::vector<std::string> finders;          // findByXxx fields
  std::optional<std::string> idempotent_on;  // POST with a known value answers the existing row
  std::optional<Guard> guard;
  std::optional<std::string> owner;          // the field naming each row's owner (ownership.hpp)
};

class ResourceCore {
 public:
  ResourceCore(ResourceSpec spec, Transactor& transactor);
  void add_routes(Router& router);
  Schema storage_schema() const;  // the model's schema, plus the pending marker when guarded
  // Settles pending creations whose deadline has passed; returns how many were settled.
  int reconcile();

 private:
  http::Response create(const http::Request& req);
  http::Response get(const http::Request& req, std::int64_t id);
  http::Response list(const http::Request& req, Query query, const std::string& self_path);
  http::Response search(const http::Request& req, const std::string& finder);
  http::Response replace(const http::Request& req, std::int64_t id);
  http::Response patch(const http::Request& req, std::int64_t id);
  http::Response remove(const http::Request& req, std::int64_t id);

  // The caller's name when it may see only its own rows (ownership.hpp), else nullopt.
  using Owner = std::optional<std::string>;
  Owner owner_of_call(const http::Request& req) const;
  Record read_body(const http::Request& req, BodyMode mode, const Owner& owner) const;
  Record visible(Transaction& t, std::int64_t id, const Owner& owner) const;

  Record insert_pending(const Record& r, std::int64_t until_ms);
  Record complete(std::int64_t id);
  void apply_patch(Record& current, const Record& patch, UnitOfWork& uow);
  http::Response item_response(const http::Request& req, http::Status status, const Record& r);

  ResourceSpec spec_;
  Transactor& tx_;
  Schema schema_;
  std::string base_path_;
};

// The absolute URL prefix the caller used (Host / X-Forwarded-*), e.g. "http://localhost:8088".
std::string base_url(const http::Request& req);
std::int64_t parse_id(const std::string& text);  // throws NotFound for non-numbers
std::optional<std::int64_t> request_deadline(const http::Request& req);
inline constexpr const char* kDeadlineHeader = "X-Request-Deadline";

}  // namespace hexa::rest
