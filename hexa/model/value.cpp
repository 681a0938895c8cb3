#include "hexa/model/value.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace hexa {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Integer: return "integer";
    case Kind::Real: return "number";
    case Kind::Text: return "text";
    case Kind::Boolean: return "boolean";
    case Kind::Decimal: return "decimal";
    case Kind::Timestamp: return "timestamp";
  }
  return "value";
}

namespace {

std::int64_t to_integer(const Value& v) {
  if (auto i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto d = std::get_if<double>(&v); d && std::trunc(*d) == *d) return static_cast<std::int64_t>(*d);
  if (auto b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  if (auto t = std::get_if<Timestamp>(&v)) return t->epoch_ms();
  const auto* s = std::get_if<std::string>(&v);
  if (auto d = std::get_if<Decimal>(&v)) s = &d->text();
  if (s) {
    std::size_t used = 0;
    std::int64_t i = std::stoll(*s, &used);
    if (used == s->size()) return i;
  }
  throw std::invalid_argument("not an integer");
}

double to_real(const Value& v) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (auto d = std::get_if<Decimal>(&v)) return d->to_double();
  if (auto s = std::get_if<std::string>(&v)) {
    std::size_t used = 0;
    double d = std::stod(*s, &used);
    if (used == s->size()) return d;
  }
  throw std::invalid_argument("not a number");
}

std::string to_text(const Value& v) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto d = std::get_if<double>(&v))
    if (auto shortest = Decimal::of(*d)) return shortest->text();  // 1.5, not 1.500000
  if (auto d = std::get_if<Decimal>(&v)) return d->text();
  if (auto t = std::get_if<Timestamp>(&v)) return t->iso();
  throw std::invalid_argument("not text");
}

bool to_boolean(const Value& v) {
  if (auto b = std::get_if<bool>(&v)) return *b;
  if (auto i = std::get_if<std::int64_t>(&v)) return *i != 0;
  if (auto s = std::get_if<std::string>(&v); s && (*s == "true" || *s == "false")) return *s == "true";
  throw std::invalid_argument("not a boolean");
}

Decimal to_decimal(const Value& v) {
  if (auto d = std::get_if<Decimal>(&v)) return *d;
  if (auto i = std::get_if<std::int64_t>(&v)) return Decimal(*i);
  if (auto d = std::get_if<double>(&v))
    if (auto exact = Decimal::of(*d)) return *exact;
  if (auto s = std::get_if<std::string>(&v))
    if (auto d = Decimal::parse(*s)) return *d;
  throw std::invalid_argument("not a decimal");
}

Timestamp to_timestamp(const Value& v) {
  if (auto t = std::get_if<Timestamp>(&v)) return *t;
  if (auto i = std::get_if<std::int64_t>(&v)) return Timestamp(*i);
  if (auto d = std::get_if<double>(&v); d && std::trunc(*d) == *d && std::fabs(*d) < 9e15)
    return Timestamp(static_cast<std::int64_t>(*d));
  if (auto s = std::get_if<std::string>(&v))
    if (auto t = Timestamp::parse(*s)) return *t;
  throw std::invalid_argument("not a timestamp");
}

}  // namespace

Value convert(const Value& v, Kind kind) {
  if (is_null(v)) return v;
  switch (kind) {
    case Kind::Integer: return to_integer(v);
    case Kind::Real: return to_real(v);
    case Kind::Text: return to_text(v);
    case Kind::Boolean: return to_boolean(v);
    case Kind::Decimal: return to_decimal(v);
    case Kind::Timestamp: return to_timestamp(v);
  }
  return v;
}

}  // namespace hexa
