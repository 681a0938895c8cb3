#pragma once
// Client JSON, bounded. nlohmann's parser keeps its own stack, but what walks the value
// afterwards recurses (dump() in an error message, copies, comparisons): ~100,000 nested
// arrays in a 200 KB body took a service down with SIGSEGV. So every JSON a client sends is
// measured first, in one pass over its bytes, and refused beyond kMaxJsonDepth.
#include <cstddef>
#include <string_view>

#include "hexa/rest/json_mapping.hpp"

namespace hexa::rest {

// Arrays and objects inside one another; a record's body needs two or three.
inline constexpr std::size_t kMaxJsonDepth = 64;

// False when `text` opens more than `max_depth` arrays and objects inside one another
// (brackets inside strings do not count). Malformed text is left for the parser to judge.
bool within_json_depth(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// Parses JSON a client sent: a discarded value when malformed, hexa::Invalid when too deep.
Json parse_client_json(std::string_view text);

}  // namespace hexa::rest
