#include "hexa/model/decimal.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace hexa {

namespace {

// Beyond this the text would be absurdly long ("1e999999999"); no amount needs it.
constexpr int kMaxExponent = 400;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view digits_at(std::string_view s, std::size_t& at) {
  const std::size_t from = at;
  while (at < s.size() && is_digit(s[at])) ++at;
  return s.substr(from, at - from);
}

std::optional<int> exponent_at(std::string_view s, std::size_t& at) {
  if (at == s.size()) return 0;
  if (s[at] != 'e' && s[at] != 'E') return std::nullopt;
  ++at;
  if (at < s.size() && s[at] == '+' && ++at < s.size() && s[at] == '-') return std::nullopt;  // from_chars takes no '+'
  int e = 0;
  const auto [end, ec] = std::from_chars(s.data() + at, s.data() + s.size(), e);
  if (ec != std::errc{} || end != s.data() + s.size() || std::abs(e) > kMaxExponent) return std::nullopt;
  at = s.size();
  return e;
}

// "<digits>" with the point `point` digits from its left (may be outside them), leading zeros gone.
std::string place_point(const std::string& digits, long point) {
  const long n = static_cast<long>(digits.size());
  std::string whole, fraction;
  if (point <= 0) {
    fraction = std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (point >= n) {
    whole = digits + std::string(static_cast<std::size_t>(point - n), '0');
  } else {
    whole = digits.substr(0, static_cast<std::size_t>(point));
    fraction = digits.substr(static_cast<std::size_t>(point));
  }
  const auto first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? "0" : whole.substr(first);
  return fraction.empty() ? whole : whole + "." + fraction;
}

struct Parts {
  bool negative;
  std::string_view whole, fraction;
};

Parts parts_of(const std::string& text) {
  std::string_view s = text;
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  const auto dot = s.find('.');
  if (dot == std::string_view::npos) return {negative, s, {}};
  return {negative, s.substr(0, dot), s.substr(dot + 1)};
}

std::weak_ordering compare_magnitude(const Parts& a, const Parts& b) {
  if (a.whole.size() != b.whole.size()) return a.whole.size() <=> b.whole.size();
  if (auto c = a.whole.compare(b.whole); c != 0) return c <=> 0;
  const std::size_t n = std::max(a.fraction.size(), b.fraction.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char x = i < a.fraction.size() ? a.fraction[i] : '0';
    const char y = i < b.fraction.size() ? b.fraction[i] : '0';
    if (x != y) return x <=> y;
  }
  return std::weak_ordering::equivalent;
}

}  // namespace

Decimal::Decimal(std::int64_t units) : text_(std::to_string(units)) {}

Decimal::Decimal(std::string_view text) {
  auto d = parse(text);
  if (!d) throw std::invalid_argument("'" + std::string(text) + "' is not a decimal number");
  *this = std::move(*d);
}

std::optional<Decimal> Decimal::parse(std::string_view s) {
  std::size_t at = 0;
  const bool negative = at < s.size() && s[at] == '-';
  if (at < s.size() && (s[at] == '-' || s[at] == '+')) ++at;
  const auto whole = digits_at(s, at);
  std::string_view fraction;
  if (at < s.size() && s[at] == '.') fraction = digits_at(s, ++at);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  const auto exponent = exponent_at(s, at);
  if (!exponent) return std::nullopt;
  std::string digits = std::string(whole) + std::string(fraction);
  std::string text = place_point(digits, static_cast<long>(whole.size()) + *exponent);
  const bool zero = digits.find_first_not_of('0') == std::string::npos;
  return Decimal(Exact{}, negative && !zero ? "-" + text : text);
}

std::optional<Decimal> Decimal::of(double d) {
  if (!std::isfinite(d)) return std::nullopt;
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  if (ec != std::errc{}) return std::nullopt;
  return parse(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

double Decimal::to_double() const {
  double d = 0;
  std::from_chars(text_.data(), text_.data() + text_.size(), d);
  return d;
}

std::weak_ordering operator<=>(const Decimal& a, const Decimal& b) {
  const Parts x = parts_of(a.text_), y = parts_of(b.text_);
  if (x.negative != y.negative) return x.negative ? std::weak_ordering::less : std::weak_ordering::greater;
  const auto magnitude = compare_magnitude(x, y);
  return x.negative ? 0 <=> magnitude : magnitude;
}

}  // namespace hexa
