// Reads a command's input file (or `-` for standard input) within a size limit, refusing what is
// not a regular file, with an error on stderr that names the command and the path.
#pragma once

#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>

#include "stdlib/files.h"

namespace writ::cli {

inline std::optional<std::string> read_input(const std::string& path, std::size_t max_bytes,
                                             const std::string& command) {
  auto bytes =
      path == "-" ? stdlib::read_fd_limited(STDIN_FILENO, max_bytes) : stdlib::read_file_limited(path, max_bytes);
  if (!bytes) {
    std::cerr << "writ " << command << ": " << (path == "-" ? "<stdin>" : path) << ": " << bytes.error() << "\n";
    return std::nullopt;
  }
  return std::move(bytes).value();
}

}  // namespace writ::cli
