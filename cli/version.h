// The Writ version, reported by `--version` and in SARIF output.
#pragma once

#include <string_view>

#include "stdlib/version.h"

namespace writ::cli {
inline constexpr std::string_view kVersion = writ::kWritVersion;
}  // namespace writ::cli
