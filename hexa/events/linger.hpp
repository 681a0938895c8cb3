#pragma once
// How long a batching loop (the outbox relay, a log bus consumer) waits after a round before
// the next, so that under load each round carries more events: fewer transactions, fewer
// wake-ups. The wait grows with the round it follows: a lone event waits for nothing (light
// traffic keeps its latency), each further event adds `per_event`, up to `max`. A stream that
// fills rounds faster than they drain settles at `max`; one event a millisecond stays near no
// wait at all (a fixed wait would have fed on itself: every wait makes the next round larger).
// Car rental, interleaved runs: a fixed 1 ms -> this, 0.59-0.63 -> 0.49-0.56 ms CPU per flow.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace hexa {

struct Linger {
  std::chrono::microseconds per_event{1000};
  std::chrono::microseconds max{5000};

  std::chrono::microseconds after(std::size_t events) const {
    if (events <= 1) return std::chrono::microseconds{0};
    return std::min(max, per_event * static_cast<std::int64_t>(events - 1));
  }
};

}  // namespace hexa
