#include "hexa/auth/base64.hpp"

#include <array>
#include <cstdint>

namespace hexa::auth {
namespace {

constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Value of each character in an alphabet whose last two characters are `c62` and `c63`; -1: none.
constexpr std::array<int, 256> decoding_table(char c62, char c63) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 62; ++i) table[static_cast<unsigned char>(kUrlAlphabet[i])] = i;
  table[static_cast<unsigned char>(c62)] = 62;
  table[static_cast<unsigned char>(c63)] = 63;
  return table;
}

constexpr auto kUrlTable = decoding_table('-', '_');
constexpr auto kStdTable = decoding_table('+', '/');

std::optional<std::string> decode(std::string_view text, const std::array<int, 256>& table) {
  if (text.size() % 4 == 1) return std::nullopt;  // 6 bits cannot end a byte
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (const unsigned char c : text) {
    const int value = table[c];
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  if ((bits & ((1u << count) - 1)) != 0) return std::nullopt;  // a second spelling of the same bytes
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t bits = 0;
  int count = 0;
  for (const unsigned char b : bytes) {
    bits = (bits << 8) | b;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kUrlAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kUrlAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) { return decode(text, kUrlTable); }

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return decode(text, kStdTable);
}

}  // namespace hexa::auth
