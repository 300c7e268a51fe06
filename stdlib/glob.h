// `like` globs: `*` matches any run of characters, `?` one character, `\` escapes; anchored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::stdlib {

struct GlobError {
  std::size_t offset;
  std::string message;
};

// Returns an error if `pattern` is not a valid glob (a trailing lone `\`).
std::optional<GlobError> validate_glob(std::string_view pattern);

// True if the pattern matches every string (it consists only of `*`).
bool glob_matches_everything(std::string_view pattern);

// Whole-string, case-sensitive match; `?` matches one UTF-8 code point. Runs in
// O(|pattern| * |text|) worst case with no recursion.
bool glob_match(std::string_view pattern, std::string_view text);

// The literal text a pattern starts with before its first wildcard (for indexing).
std::string glob_literal_prefix(std::string_view pattern);

// The literal pieces around the `*`s of a pattern with no `?`: "a*b*c" gives {"a", "b", "c"},
// "*x" gives {"", "x"}. Such a pattern matches a text that starts with the first piece, ends
// with the last and holds the others in order between them (a leftmost search is exact).
// Empty if the pattern has a `?`.
std::optional<std::vector<std::string>> glob_star_segments(std::string_view pattern);

// True if the pattern has no wildcard; `literal` receives its unescaped text.
bool glob_is_literal(std::string_view pattern, std::string* literal = nullptr);

}  // namespace writ::stdlib
