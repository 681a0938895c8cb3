#pragma once
// A point in time, to the millisecond (java.util.Date): epoch milliseconds inside, written as
// Jackson writes a Date in Spring Boot, "2026-12-02T07:15:30.123+00:00"; read from ISO-8601
// text (any offset, "Z", with or without fractions, a date alone) or epoch milliseconds.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hexa {

class Timestamp {
 public:
  constexpr Timestamp() = default;  // the epoch
  constexpr explicit Timestamp(std::int64_t epoch_ms) : ms_(epoch_ms) {}
  static Timestamp now();
  // ISO-8601 text or a string of digits (epoch ms, as Jackson reads one); nullopt otherwise.
  static std::optional<Timestamp> parse(std::string_view text);

  constexpr std::int64_t epoch_ms() const { return ms_; }
  std::string iso() const;  // UTC, milliseconds, "+00:00"

  friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;

 private:
  std::int64_t ms_ = 0;
};

}  // namespace hexa
