#include "hexa/rest/json_mapping.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>

#include "hexa/model/errors.hpp"
#include "hexa/rest/json_limits.hpp"

namespace hexa::rest {

Json to_json(const Value& v) {
  return std::visit(
      [](const auto& x) -> Json {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::monostate>) return nullptr;
        else if constexpr (std::is_same_v<X, Decimal>) return decimal_json(x);
        else if constexpr (std::is_same_v<X, Timestamp>) return x.iso();
        else return x;
      },
      v);
}

Json to_json(const Record& r, const ModelInfo& m) {
  Json j = Json::object();
  if (auto it = r.find("id"); it != r.end()) j["id"] = to_json(it->second);
  for (const auto& f : m.fields) {
    if (f.name == "id") continue;
    auto it = r.find(f.name);
    j[f.name] = it == r.end() ? Json(nullptr) : to_json(it->second);
  }
  return j;
}

Value from_json(const Json& j) {
  if (auto d = decimal_in(j)) return *d;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number_float()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  return std::monostate{};
}

namespace {

const char* expected(Kind k) {
  switch (k) {
    case Kind::Integer: return "an integer";
    case Kind::Real: return "a number";
    case Kind::Boolean: return "a boolean";
    case Kind::Decimal: return "a decimal number";
    case Kind::Timestamp: return "a date (ISO-8601 or epoch milliseconds)";
    case Kind::Text: break;
  }
  return "text";
}

[[noreturn]] void wrong_type(const FieldInfo& f, const Json& j) {
  throw Invalid(fmt::format("field '{}' must be {}, got {}", f.name, expected(f.kind), dump(j)));
}

std::optional<std::int64_t> parse_integer(const std::string& s) {
  std::int64_t v{};
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || p != end || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> parse_real(const std::string& s) {
  try {
    std::size_t used = 0;
    double d = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(d)) return std::nullopt;
    return d;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Value coerce_integer(const Json& j, const FieldInfo& f) {
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > INT64_MAX) wrong_type(f, j);
    return j.get<std::int64_t>();
  }
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (std::trunc(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
  }
  if (j.is_string())
    if (auto v = parse_integer(j.get<std::string>())) return *v;
  wrong_type(f, j);
}

Value coerce_real(const Json& j, const FieldInfo& f) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string())
    if (auto v = parse_real(j.get<std::string>())) return *v;
  wrong_type(f, j);
}

Value coerce_text(const Json& j, const FieldInfo& f) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number()) return j.dump();  // Jackson accepts scalars as text
  wrong_type(f, j);
}

// A plain number prints as it came (parse() marked the others), so its text is exact.
Value coerce_decimal(const Json& j, const FieldInfo& f) {
  if (j.is_number() || j.is_string())
    if (auto d = Decimal::parse(j.is_string() ? j.get<std::string>() : j.dump())) return *d;
  wrong_type(f, j);
}

Value coerce_timestamp(const Json& j, const FieldInfo& f) {
  if (j.is_number_integer() && !(j.is_number_unsigned() && j.get<std::uint64_t>() > INT64_MAX))
    return Timestamp(j.get<std::int64_t>());
  if (j.is_string())
    if (auto t = Timestamp::parse(j.get<std::string>())) return *t;
  wrong_type(f, j);
}

Value coerce_boolean(const Json& j, const FieldInfo& f) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_string() && (j == "true" || j == "false")) return j == "true";
  wrong_type(f, j);
}

}  // namespace

Value coerce(const Json& j, const FieldInfo& f) {
  if (j.is_null()) return std::monostate{};
  if (auto d = decimal_in(j)) {  // a number with more digits than a double keeps
    if (f.kind == Kind::Decimal) return *d;
    if (f.kind == Kind::Text) return d->text();
    if (f.kind != Kind::Boolean) return coerce(Json(d->to_double()), f);
  }
  switch (f.kind) {
    case Kind::Integer: return coerce_integer(j, f);
    case Kind::Real: return coerce_real(j, f);
    case Kind::Text: return coerce_text(j, f);
    case Kind::Boolean: return coerce_boolean(j, f);
    case Kind::Decimal: return coerce_decimal(j, f);
    case Kind::Timestamp: return coerce_timestamp(j, f);
  }
  wrong_type(f, j);
}

namespace {

// A number against a rule's bound (decimals exactly); anything else is unordered: unchecked.
std::partial_ordering compare(const Value& v, double bound) {
  if (auto i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i) <=> bound;
  if (auto d = std::get_if<double>(&v)) return *d <=> bound;
  if (auto d = std::get_if<Decimal>(&v))
    if (auto b = Decimal::of(bound)) return *d <=> *b;
  return std::partial_ordering::unordered;
}

}  // namespace

void check_rules(const Value& v, const FieldInfo& f) {
  const Rules& r = f.rules;
  if (is_null(v)) return;
  if (r.min && compare(v, *r.min) < 0) throw Invalid(fmt::format("field '{}' must be at least {}", f.name, *r.min));
  if (r.max && compare(v, *r.max) > 0) throw Invalid(fmt::format("field '{}' must be at most {}", f.name, *r.max));
  if (!r.one_of.empty()) {
    const auto* s = std::get_if<std::string>(&v);
    bool allowed = s && std::find(r.one_of.begin(), r.one_of.end(), *s) != r.one_of.end();
    if (!allowed) throw Invalid(fmt::format("field '{}' must be one of: {}", f.name, fmt::join(r.one_of, ", ")));
  }
}

namespace {

bool missing(const Record& r, const FieldInfo& f) {
  auto it = r.find(f.name);
  if (it == r.end() || is_null(it->second)) return true;
  const auto* s = std::get_if<std::string>(&it->second);
  return s && s->empty();
}

}  // namespace

Json parse_object(const std::string& body) {
  if (body.empty()) throw Invalid("request body is missing: a JSON object is expected");
  Json j = parse_client_json(body);  // bounded (json_limits.hpp), decimals exact (exact_json.hpp)
  if (j.is_discarded()) throw Invalid("malformed JSON in request body");
  if (!j.is_object()) throw Invalid("request body must be a JSON object");
  return j;
}

Record parse_body(const std::string& body, const ModelInfo& m, BodyMode mode) {
  return validate_body(parse_object(body), m, mode);
}

Record validate_body(const Json& j, const ModelInfo& m, BodyMode mode) {
  Record r;
  for (const auto& f : m.fields) {
    if (f.name == "id") continue;
    auto it = j.find(f.name);
    if (it == j.end()) continue;
    if (f.rules.read_only && mode != BodyMode::Merge) continue;  // set by the domain only
    Value v = coerce(*it, f);
    check_rules(v, f);
    r[f.name] = std::move(v);
    if (mode == BodyMode::Merge && f.rules.required && missing(r, f))
      throw Invalid(fmt::format("field '{}' is required and cannot be emptied", f.name));
  }
  if (mode != BodyMode::Merge)
    for (const auto& f : m.fields)
      if (f.rules.required && !f.rules.read_only && missing(r, f))
        throw Invalid(fmt::format("field '{}' is required", f.name));
  return r;
}

}  // namespace hexa::rest
