// Whole-file reads, and writes that replace a file atomically (a reader never sees half a file).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "stdlib/result.h"

namespace writ::stdlib {

// The bytes of the regular file at `path`, at most `max_bytes` of them. Anything else is refused
// before a byte is read: a FIFO, device or socket (reading could block or never end), a
// directory, a file larger than the limit. The error is a phrase to put after the path: "is not a
// regular file", "is larger than the limit of 1048576 bytes", "cannot be read: Permission denied".
Result<std::string> read_file_limited(const std::string& path, std::size_t max_bytes);

// Up to `max_bytes` from a file descriptor already open (standard input), refusing more.
Result<std::string> read_fd_limited(int fd, std::size_t max_bytes);

// Writes `bytes` to a new file beside `path` (a unique name, so concurrent writers do not
// collide), then renames it over `path`. On failure nothing is left behind and `path` is as
// it was; the error says why.
Result<bool> write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace writ::stdlib
