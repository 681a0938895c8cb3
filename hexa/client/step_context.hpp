#pragma once
// What a remote step of a policy is given (svc.when<E>().call(...)): when it must be done by,
// and the key that makes it safe to repeat. The key is the event id and the step's place in
// the policy ("<event id>:<step>"): a redelivered or retried event sends the same key, so a
// callee that honours `Idempotency-Key` acts once however often it is asked.
#include <cstdint>
#include <string>

namespace hexa {

// The header a remote step's key travels in (the IETF draft's name, as Stripe uses it).
inline constexpr const char* kIdempotencyKeyHeader = "Idempotency-Key";

struct StepContext {
  std::int64_t deadline_ms = 0;  // epoch ms
  std::string idempotency_key;
};

}  // namespace hexa
