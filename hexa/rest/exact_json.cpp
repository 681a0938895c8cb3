#include "hexa/rest/exact_json.hpp"

#include <string_view>

namespace hexa::rest {

namespace {

// A control character no decimal text has; in dumped text it reads "\u0001decimal:".
constexpr std::string_view kMark = "\x01" "decimal:";
constexpr std::string_view kDumpedMark = "\"\\u0001decimal:";

// nlohmann's DOM builder, except for numbers whose digits a double would not print back.
class ExactNumbers : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;
  bool number_float(double d, const std::string& raw) {
    const auto exact = Decimal::parse(raw);  // none past kMaxExponent: the double it is
    if (!exact || Json(d).dump() == raw) return json_sax_dom_parser::number_float(d, raw);
    std::string marked = std::string(kMark) + exact->text();
    return string(marked);
  }
};

bool decimal_char(char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-'; }

}  // namespace

Json decimal_json(const Decimal& d) {
  const std::string& text = d.text();
  const Json plain = text.find('.') == std::string::npos ? Json::parse(text, nullptr, false) : Json(d.to_double());
  if (plain.is_number() && plain.dump() == text) return plain;
  return std::string(kMark) + text;
}

std::optional<Decimal> decimal_in(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  const auto& s = j.get_ref<const std::string&>();
  if (!s.starts_with(kMark)) return std::nullopt;
  return Decimal::parse(std::string_view(s).substr(kMark.size()));
}

std::string dump(const Json& j) {
  std::string text = j.dump();
  for (auto at = text.find(kDumpedMark); at != std::string::npos; at = text.find(kDumpedMark, at)) {
    const auto digits = at + kDumpedMark.size();
    auto end = digits;
    while (end < text.size() && decimal_char(text[end])) ++end;
    if (end == text.size() || text[end] != '"' || end == digits) {  // a text that looks like one
      at = end;
      continue;
    }
    text.replace(at, end + 1 - at, text, digits, end - digits);
  }
  return text;
}

Json parse(const std::string& text) {
  Json result;
  ExactNumbers builder(result, false);
  if (!Json::sax_parse(text, &builder) || builder.is_errored()) return Json(Json::value_t::discarded);
  return result;
}

}  // namespace hexa::rest
