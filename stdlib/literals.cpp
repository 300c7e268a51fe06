// Decoding and re-encoding of Writ literal tokens.
#include "stdlib/literals.h"

#include <limits>

#include <fmt/format.h>

namespace writ::stdlib {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> decode_string_literal(std::string_view token, StringDecodeError& error) {
  std::string out;
  if (token.size() < 2) {
    error = {0, token.size(), "string literal is not terminated"};
    return std::nullopt;
  }
  std::string_view body = token.substr(1, token.size() - 2);
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    std::size_t at = i + 1;  // offset in token of the backslash
    if (i + 1 >= body.size()) {
      error = {at, 1, "a string cannot end with a lone `\\`"};
      return std::nullopt;
    }
    char e = body[++i];
    switch (e) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case '0':
        out.push_back('\0');
        break;
      case 'u': {
        // \u{XXXX}: one to six hex digits naming a Unicode scalar value.
        std::size_t close = body.find('}', i + 1);
        if (i + 1 >= body.size() || body[i + 1] != '{' || close == std::string_view::npos || close - i - 2 == 0 ||
            close - i - 2 > 6) {
          error = {at, 2, "expected `\\u{` followed by 1 to 6 hex digits and `}`"};
          return std::nullopt;
        }
        std::uint32_t cp = 0;
        for (std::size_t k = i + 2; k < close; ++k) {
          int h = hex_value(body[k]);
          if (h < 0) {
            error = {at, close - i + 2, "`\\u{...}` holds a character that is not a hex digit"};
            return std::nullopt;
          }
          cp = cp * 16 + static_cast<std::uint32_t>(h);
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          error = {at, close - i + 2, fmt::format("U+{:X} is not a Unicode scalar value", cp)};
          return std::nullopt;
        }
        append_utf8(out, cp);
        i = close;
        break;
      }
      default: {
        // Measure the escaped character so the span covers all of it.
        std::size_t len = 1;
        while (i + len < body.size() && (static_cast<unsigned char>(body[i + len]) & 0xC0) == 0x80) ++len;
        error = {at, len + 1, fmt::format("unknown escape `\\{}`", body.substr(i, len))};
        return std::nullopt;
      }
    }
  }
  return out;
}

std::string quote_string_literal(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{{{:X}}}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::optional<std::int64_t> decode_int(std::string_view digits) {
  std::int64_t value = 0;
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    if (value > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool duration_too_large(std::string_view text) {
  // Well formed: digits then a unit, units in decreasing order, each once.
  static constexpr std::string_view kUnits = "dhms";
  std::size_t i = 0, last = kUnits.size();
  bool any = false;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i == text.size()) return false;
    std::size_t unit = kUnits.find(text[i]);
    if (unit == std::string_view::npos || (any && unit <= last)) return false;
    last = unit;
    any = true;
    ++i;
  }
  return any && !decode_duration(text);
}

std::optional<std::int64_t> decode_duration(std::string_view text) {
  // Units must be in decreasing order and appear at most once: 1d2h3m4s.
  static constexpr std::string_view kUnits = "dhms";
  static constexpr std::int64_t kSeconds[] = {86400, 3600, 60, 1};
  std::int64_t total = 0;
  std::size_t last_unit = 0;
  bool first = true;
  std::size_t i = 0;
  // Bound each component so the sum cannot overflow: ~292 billion years is plenty.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 4;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i == text.size()) return std::nullopt;
    auto n = decode_int(text.substr(start, i - start));
    std::size_t unit = kUnits.find(text[i]);
    if (!n || unit == std::string_view::npos) return std::nullopt;
    if (!first && unit <= last_unit) return std::nullopt;
    if (*n > kMax / kSeconds[unit]) return std::nullopt;
    total += *n * kSeconds[unit];
    if (total > kMax) return std::nullopt;
    last_unit = unit;
    first = false;
    ++i;
  }
  return first ? std::nullopt : std::optional<std::int64_t>(total);
}

std::string format_duration(std::int64_t seconds) {
  if (seconds == 0) return "0s";
  std::string out;
  if (seconds < 0) {
    out = "-";
    seconds = -seconds;
  }
  static constexpr std::pair<std::int64_t, char> kParts[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (auto [size, unit] : kParts) {
    if (seconds >= size) {
      out += fmt::format("{}{}", seconds / size, unit);
      seconds %= size;
    }
  }
  return out;
}

}  // namespace writ::stdlib
