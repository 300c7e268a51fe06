// Segment-aware prefix matching for paths, namespaces, refs and SPIFFE IDs, and dot segments.
#include "stdlib/path.h"

#include <cctype>

namespace writ::stdlib {

bool has_dot_segment(std::string_view path) {
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(begin, end - begin);
    if (segment == "." || segment == "..") return true;
    begin = end + 1;
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

std::optional<std::string_view> resource_path_problem(std::string_view path) {
  if (has_dot_segment(path)) return "it has a `.` or `..` segment";
  for (std::size_t i = 0; i + 2 < path.size(); ++i) {
    if (path[i] != '%') continue;
    char hi = path[i + 1];
    char lo = static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 2])));
    if ((hi == '2' && (lo == 'F' || lo == 'E')) || (hi == '5' && lo == 'C'))
      return "it has a percent-encoded `/`, `\\` or `.`";
  }
  return std::nullopt;
}

}  // namespace writ::stdlib
