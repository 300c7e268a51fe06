// Segment-aware prefix matching for paths, namespaces, refs and SPIFFE IDs.
#include "stdlib/path.h"

namespace writ::stdlib {

bool path_under(std::string_view path, std::string_view prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return false;  // the empty prefix would cover everything: refuse
  if (path.substr(0, prefix.size()) != prefix) return false;
  if (path.size() == prefix.size()) return true;
  return prefix.back() == '/' || path[prefix.size()] == '/';
}

}  // namespace writ::stdlib
