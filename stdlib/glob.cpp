// Glob validation and matching for the `like` operator.
#include "stdlib/glob.h"

#include <vector>

namespace writ::stdlib {
namespace {

// One pattern element: a literal code point (as bytes), `?`, or `*`.
struct Element {
  enum Kind { Literal, One, Star } kind;
  std::string_view bytes;
};

std::size_t code_point_length(std::string_view s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
  return std::min(len, s.size() - i);
}

std::vector<Element> compile(std::string_view p) {
  std::vector<Element> out;
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '*') {
      if (out.empty() || out.back().kind != Element::Star) out.push_back({Element::Star, {}});
      ++i;
    } else if (p[i] == '?') {
      out.push_back({Element::One, {}});
      ++i;
    } else {
      if (p[i] == '\\' && i + 1 < p.size()) ++i;
      std::size_t len = code_point_length(p, i);
      out.push_back({Element::Literal, p.substr(i, len)});
      i += len;
    }
  }
  return out;
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

bool glob_match(std::string_view pattern, std::string_view text) {
  std::vector<Element> elements = compile(pattern);
  std::size_t e = 0, t = 0;
  // Backtrack point: the last `*` seen and the text position it currently covers up to.
  std::size_t star_e = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (e < elements.size()) {
      const Element& el = elements[e];
      if (el.kind == Element::Star) {
        star_e = e++;
        star_t = t;
        continue;
      }
      std::size_t len = code_point_length(text, t);
      if (el.kind == Element::One || text.substr(t, len) == el.bytes) {
        ++e;
        t += len;
        continue;
      }
    }
    if (star_e == std::string_view::npos) return false;
    // Let the last `*` swallow one more code point and retry.
    e = star_e + 1;
    star_t += code_point_length(text, star_t);
    t = star_t;
  }
  while (e < elements.size() && elements[e].kind == Element::Star) ++e;
  return e == elements.size();
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
