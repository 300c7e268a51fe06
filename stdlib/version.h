// Writ's version (project(VERSION) in CMakeLists.txt): reported by `--version` and SARIF
// output, and recorded in compiled bundles, which only the same version loads.
#pragma once

#include <string_view>

#ifndef WRIT_VERSION
#error "WRIT_VERSION is defined by CMakeLists.txt"
#endif

namespace writ {
inline constexpr std::string_view kWritVersion = WRIT_VERSION;
}  // namespace writ
