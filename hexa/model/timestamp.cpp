#include "hexa/model/timestamp.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace hexa {

namespace {

using namespace std::chrono;

// Reads exactly `n` digits at `at`.
std::optional<int> number_at(std::string_view s, std::size_t& at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[at + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  at += n;
  return v;
}

bool take(std::string_view s, std::size_t& at, char c) {
  if (at < s.size() && s[at] == c) return ++at, true;
  return false;
}

std::optional<std::int64_t> epoch_digits(std::string_view s) {
  std::int64_t ms = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return ms;
}

// ".123456" -> 123 (milliseconds; finer digits are dropped, as Jackson does).
std::optional<int> millis_at(std::string_view s, std::size_t& at) {
  if (!take(s, at, '.') && !take(s, at, ',')) return 0;
  int ms = 0, n = 0;
  for (; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++n)
    if (n < 3) ms = ms * 10 + (s[at] - '0');
  if (n == 0) return std::nullopt;
  for (; n < 3; ++n) ms *= 10;
  return ms;
}

// "Z", "+09:00", "+0900", "+09" or nothing (UTC, as Jackson's default time zone): the offset in minutes.
std::optional<int> offset_at(std::string_view s, std::size_t& at) {
  if (at == s.size() || take(s, at, 'Z')) return 0;
  const bool negative = s[at] == '-';
  if (!take(s, at, '+') && !take(s, at, '-')) return std::nullopt;
  const auto hours = number_at(s, at, 2);
  if (!hours || *hours > 23) return std::nullopt;
  int minutes = 0;
  if (at < s.size()) {
    take(s, at, ':');
    const auto m = number_at(s, at, 2);
    if (!m || *m > 59) return std::nullopt;
    minutes = *m;
  }
  const int total = *hours * 60 + minutes;
  return negative ? -total : total;
}

// "HH:MM[:SS[.fff]]" after the date; milliseconds into the day.
std::optional<std::int64_t> time_at(std::string_view s, std::size_t& at) {
  if (!take(s, at, 'T') && !take(s, at, ' ')) return 0;
  const auto h = number_at(s, at, 2);
  if (!h || *h > 23 || !take(s, at, ':')) return std::nullopt;
  const auto m = number_at(s, at, 2);
  if (!m || *m > 59) return std::nullopt;
  int sec = 0, ms = 0;
  if (take(s, at, ':')) {
    const auto given = number_at(s, at, 2);
    const auto fraction = given ? millis_at(s, at) : std::nullopt;
    if (!given || *given > 59 || !fraction) return std::nullopt;
    sec = *given;
    ms = *fraction;
  }
  return ((*h * 60 + *m) * 60 + sec) * 1000LL + ms;
}

}  // namespace

Timestamp Timestamp::now() {
  return Timestamp(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::optional<Timestamp> Timestamp::parse(std::string_view s) {
  if (auto ms = epoch_digits(s)) return Timestamp(*ms);
  std::size_t at = 0;
  const auto y = number_at(s, at, 4);
  if (!y || !take(s, at, '-')) return std::nullopt;
  const auto mo = number_at(s, at, 2);
  if (!mo || !take(s, at, '-')) return std::nullopt;
  const auto d = number_at(s, at, 2);
  if (!d) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const auto in_day = time_at(s, at);
  const auto offset = in_day ? offset_at(s, at) : std::nullopt;
  if (!offset || at != s.size()) return std::nullopt;
  const auto midnight = duration_cast<milliseconds>(sys_days{date}.time_since_epoch()).count();
  return Timestamp(midnight + *in_day - *offset * 60'000LL);
}

std::string Timestamp::iso() const {
  const sys_time<milliseconds> t{milliseconds{ms_}};
  const auto days = floor<std::chrono::days>(t);
  const year_month_day date{days};
  const hh_mm_ss clock{t - days};
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+00:00", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

}  // namespace hexa
