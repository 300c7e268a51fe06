// The Writ version, reported by `--version` and in SARIF output.
#pragma once

#include <string_view>

namespace writ::cli {
inline constexpr std::string_view kVersion = "0.1.0";
}  // namespace writ::cli
