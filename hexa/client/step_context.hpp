#pragma once
// What a remote step carries: the deadline it must finish by (epoch ms) and the idempotency key
// the callee deduplicates it by (header Idempotency-Key), e.g. the event id plus the step.
#include <cstdint>
#include <string>

namespace hexa {

struct StepContext {
  std::int64_t deadline_ms;
  std::string idempotency_key;
};

}  // namespace hexa
