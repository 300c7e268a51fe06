// Looks IANA zone names up in the tz database without trusting the name as a path.
#include "stdlib/time_zone.h"

#include <cstdlib>
#include <fstream>

namespace writ::stdlib {

std::string zoneinfo_dir() {
  // TZDIR is the conventional override (tests, non-Debian systems); read once per call, no state kept.
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

bool is_known_time_zone(std::string_view name) {
  if (name == "UTC") return true;
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
              c == '-' || c == '+';
    if (!ok) return false;
  }
  std::ifstream in(zoneinfo_dir() + "/" + std::string(name), std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, 4)) return false;
  return std::string_view(magic, 4) == "TZif";
}

}  // namespace writ::stdlib
