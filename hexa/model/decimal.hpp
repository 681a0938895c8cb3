#pragma once
// An exact decimal number, kept as its text (Java's BigDecimal as the seeds' JSON carries it):
// "1000.50" stays 1000.50 through JSON, the stores and events; a double would print 1000.5.
// Compared by value (1.5 == 1.50, as BigDecimal.compareTo); no arithmetic, which money that
// only passes through needs none of.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hexa {

class Decimal {
 public:
  Decimal() = default;  // 0
  Decimal(std::int64_t units);  // NOLINT: a whole number is a decimal
  // Throws std::invalid_argument unless `text` is a decimal number ("1000.50", "-3", "1e3").
  explicit Decimal(std::string_view text);

  // Plain digits ("1e3" -> "1000", "+.5" -> "0.5"); the scale as given ("1000.50" keeps its 0).
  static std::optional<Decimal> parse(std::string_view text);
  // The shortest text that reads back as `d`; nullopt for NaN and infinities.
  static std::optional<Decimal> of(double d);

  const std::string& text() const { return text_; }
  double to_double() const;

  friend std::weak_ordering operator<=>(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return (a <=> b) == 0; }

 private:
  struct Exact {};
  Decimal(Exact, std::string text) : text_(std::move(text)) {}
  std::string text_ = "0";
};

}  // namespace hexa
