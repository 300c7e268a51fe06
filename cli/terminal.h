// Whether to colour output: `--color auto|always|never`, NO_COLOR, and whether stdout is a TTY.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace writ::cli {

inline bool use_color(const std::string& mode, std::FILE* stream) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(fileno(stream)) != 0;
}

}  // namespace writ::cli
