#include "hexa/rest/json_limits.hpp"

#include "hexa/rest/exact_json.hpp"

#include <fmt/format.h>

#include "hexa/model/errors.hpp"

namespace hexa::rest {

bool within_json_depth(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character, a quote included
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

Json parse_client_json(std::string_view text) {
  if (!within_json_depth(text))
    throw Invalid(fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth));
  return parse(std::string(text));  // exact_json.hpp: decimals keep their digits
}

}  // namespace hexa::rest
