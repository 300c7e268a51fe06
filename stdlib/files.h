// Whole-file reads, and writes that replace a file atomically (a reader never sees half a file).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stdlib/result.h"

namespace writ::stdlib {

// The bytes of the regular file at `path`; nullopt if it is not one, or cannot be read.
std::optional<std::string> read_whole_file(const std::string& path);

// Writes `bytes` to a new file beside `path` (a unique name, so concurrent writers do not
// collide), then renames it over `path`. On failure nothing is left behind and `path` is as
// it was; the error says why.
Result<bool> write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace writ::stdlib
