// Host functions callable from generated code (extern "C", by name), and the host objects that
// generated code refers to: compiled regular expressions, time windows and constant sets.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stdlib/time_zone.h"

namespace writ::codegen {

struct HelperSymbol {
  const char* name;
  const void* address;
};

// Every helper generated code may call; nothing else in the process is reachable from it.
std::span<const HelperSymbol> helper_symbols();

struct HostWindow {
  unsigned days = 0;
  std::int64_t start_minute = 0, end_minute = 0;
  stdlib::TimeZone zone = stdlib::TimeZone::utc();
};

// Constant sets too large for a chain of comparisons: sorted, searched by bisection.
struct HostStringSet {
  std::vector<std::string> sorted;
};
struct HostIntSet {
  std::vector<std::int64_t> sorted;
};

}  // namespace writ::codegen
