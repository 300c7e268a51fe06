// Glob validation and matching for the `like` operator.
#include "stdlib/glob.h"

#include <algorithm>
#include <vector>

namespace writ::stdlib {
namespace {

std::size_t code_point_length(std::string_view s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
  return std::min(len, s.size() - i);
}

bool same_code_point(std::string_view text, std::size_t t, std::size_t len, std::string_view pattern, std::size_t p,
                     std::size_t plen) {
  if (len == 1 && plen == 1) return text[t] == pattern[p];  // ASCII: no call to memcmp
  return text.substr(t, len) == pattern.substr(p, plen);
}

}  // namespace

std::optional<GlobError> validate_glob(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (i + 1 == pattern.size()) return GlobError{i, "the pattern ends with a lone `\\`"};
      ++i;
    }
  }
  return std::nullopt;
}

bool glob_matches_everything(std::string_view pattern) {
  if (pattern.empty()) return false;
  for (char c : pattern) {
    if (c != '*') return false;
  }
  return true;
}

// Reads the pattern in place (no compiled form, no allocation): this runs for every access
// rule head a request meets, and for every `like` the interpreter evaluates.
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  // Backtrack point: just after the last run of `*`, and the text position it covers up to.
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '*') {
        while (p < pattern.size() && pattern[p] == '*') ++p;
        if (p == pattern.size()) return true;  // a trailing `*` takes the rest, whatever it is
        star_p = p;
        star_t = t;
        continue;
      }
      std::size_t len = code_point_length(text, t);
      if (c == '?') {
        ++p;
        t += len;
        continue;
      }
      std::size_t literal = c == '\\' && p + 1 < pattern.size() ? p + 1 : p;
      std::size_t plen = code_point_length(pattern, literal);
      if (same_code_point(text, t, len, pattern, literal, plen)) {
        p = literal + plen;
        t += len;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    // Let the last `*` swallow one more code point and retry.
    p = star_p;
    star_t += code_point_length(text, star_t);
    t = star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<std::vector<std::string>> glob_star_segments(std::string_view pattern) {
  std::vector<std::string> segments(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '?') return std::nullopt;
    if (c == '*') {
      segments.emplace_back();
      continue;
    }
    if (c == '\\' && i + 1 < pattern.size()) c = pattern[++i];
    segments.back().push_back(c);
  }
  return segments;
}

std::string glob_literal_prefix(std::string_view pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*' || pattern[i] == '?') break;
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    out.push_back(pattern[i]);
  }
  return out;
}

bool glob_is_literal(std::string_view pattern, std::string* literal) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*' || pattern[i] == '?') return false;
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    out.push_back(pattern[i]);
  }
  if (literal != nullptr) *literal = std::move(out);
  return true;
}

}  // namespace writ::stdlib
