#include "hexa/events/event.hpp"

#include <array>
#include <chrono>
#include <random>

namespace hexa {

namespace {

// One engine per thread: no lock on the hot path and no state shared between threads.
// Seeded from the OS entropy source, so ids from different processes do not collide.
std::mt19937_64& engine() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return rng;
}

}  // namespace

// UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids made close
// in time sort close together, so a consumer's "handled" index (and any B-tree keyed by event
// id) grows at its right edge: random v4 ids scattered every insert over the whole tree, which
// made recording an event as handled the costliest step of a view under load.
std::string new_event_id() {
  std::array<unsigned char, 16> bytes{};
  auto& rng = engine();
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    std::uint64_t word = rng();
    for (std::size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
  }
  const auto ms = static_cast<std::uint64_t>(now_ms());
  for (std::size_t i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x70);  // version 7: time-ordered
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0x0f];
  }
  return out;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace hexa
