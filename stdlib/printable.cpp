// Escaping of untrusted bytes for messages: controls and invalid UTF-8 as `\xNN`.
#include "stdlib/printable.h"

#include <cstdint>

#include <fmt/format.h>

namespace writ::stdlib {
namespace {

// The length of the valid UTF-8 sequence at `text[i]`, or 0 if there is none.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  std::uint8_t b0 = byte(i);
  std::size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  if (n == 2 && b0 < 0xC2) return 0;                                           // overlong
  if (n == 3 && b0 == 0xE0 && byte(i + 1) < 0xA0) return 0;                    // overlong
  if (n == 3 && b0 == 0xED && byte(i + 1) >= 0xA0) return 0;                   // a surrogate
  if (n == 4 && b0 == 0xF0 && byte(i + 1) < 0x90) return 0;                    // overlong
  if (n == 4 && (b0 > 0xF4 || (b0 == 0xF4 && byte(i + 1) >= 0x90))) return 0;  // past U+10FFFF
  return n;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<std::uint8_t>(text[i]);
    std::size_t n = utf8_sequence(text, i);
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F || n == 0) {
      out += fmt::format("\\x{:02X}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace writ::stdlib
