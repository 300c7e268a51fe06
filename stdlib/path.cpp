// Segment-aware prefix matching for paths, namespaces, refs and SPIFFE IDs, and dot segments.
#include "stdlib/path.h"

#include <cctype>

namespace writ::stdlib {

bool has_dot_segment(std::string_view path) {
  // Each `.` that starts a segment (at the start or after a `/`) and is followed by the segment's
  // end, or by one more `.` and the end: found with memchr-speed searches, on the decision path.
  std::size_t n = path.size();
  for (std::size_t i = path.find('.'); i != std::string_view::npos; i = path.find('.', i + 1)) {
    if (i != 0 && path[i - 1] != '/') continue;
    if (i + 1 == n || path[i + 1] == '/') return true;
    if (path[i + 1] == '.' && (i + 2 == n || path[i + 2] == '/')) return true;
  }
  return false;
}

std::optional<bool> path_under(std::string_view path, std::string_view prefix) {
  if (has_dot_segment(path) || has_dot_segment(prefix)) return std::nullopt;
  while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return false;  // the empty prefix would cover everything: refuse
  if (path.substr(0, prefix.size()) != prefix) return false;
  if (path.size() == prefix.size()) return true;
  return prefix.back() == '/' || path[prefix.size()] == '/';
}

namespace {

// Whether a prefix ends with `/` or has an empty segment, the `//` after a scheme aside.
bool has_empty_segment(std::string_view prefix) {
  if (prefix.empty() || prefix.back() == '/') return true;
  std::size_t scheme = prefix.find("://");
  std::size_t from = 0;
  // Past the `//` of `scheme://`, but not past a third `/` (`spiffe:///ns`: an empty authority).
  if (scheme != std::string_view::npos && prefix.substr(0, scheme).find('/') == std::string_view::npos)
    from = scheme + 2;
  return prefix.find("//", from) != std::string_view::npos;
}

}  // namespace

int under_outcome(std::string_view path, std::string_view prefix, bool computed_prefix) {
  if (computed_prefix && has_empty_segment(prefix)) return -2;
  std::optional<bool> under = path_under(path, prefix);
  return under ? static_cast<int>(*under) : -1;
}

std::optional<std::string_view> resource_path_problem(std::string_view path) {
  if (has_dot_segment(path)) return "it has a `.` or `..` segment";
  for (std::size_t i = path.find('%'); i != std::string_view::npos && i + 2 < path.size(); i = path.find('%', i + 1)) {
    char hi = path[i + 1];
    char lo = static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 2])));
    if ((hi == '2' && (lo == 'F' || lo == 'E')) || (hi == '5' && lo == 'C'))
      return "it has a percent-encoded `/`, `\\` or `.`";
  }
  return std::nullopt;
}

}  // namespace writ::stdlib
