// Whole-file reads, and atomic replacement: a new file created exclusively, then renamed.
#include "stdlib/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace writ::stdlib {

namespace {

std::string too_large(std::size_t max_bytes) {
  return "is larger than the limit of " + std::to_string(max_bytes) + " bytes";
}

// Reads to the end, or to one byte past `max_bytes` (then refused): a file that grows while
// read, or a pipe, never makes this hold more than the limit.
Result<std::string> read_all(int fd, std::size_t max_bytes, std::size_t expected) {
  std::string bytes;
  bytes.resize(std::min(expected, max_bytes) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == bytes.size()) {
      if (bytes.size() > max_bytes) break;
      bytes.resize(std::min(max_bytes + 1, std::max<std::size_t>(bytes.size() * 2, 4096)));
    }
    ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::string("cannot be read: ") + std::strerror(errno)};
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) return Error{too_large(max_bytes)};
  bytes.resize(used);
  return bytes;
}

// Closes a descriptor on every path out.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::string> read_file_limited(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT) return Error{"does not exist"};
    return Error{std::string("cannot be read: ") + std::strerror(errno)};
  }
  FdCloser closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return Error{std::string("cannot be read: ") + std::strerror(errno)};
  if (S_ISDIR(info.st_mode)) return Error{"is a directory, not a file"};
  if (!S_ISREG(info.st_mode)) return Error{"is not a regular file"};
  if (info.st_size < 0 || static_cast<std::uint64_t>(info.st_size) > max_bytes) return Error{too_large(max_bytes)};
  // Back to blocking reads: a regular file never blocks, and some file systems refuse O_NONBLOCK.
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return read_all(fd, max_bytes, static_cast<std::size_t>(info.st_size));
}

Result<std::string> read_fd_limited(int fd, std::size_t max_bytes) {
  return read_all(fd, max_bytes, 4096);
}

namespace {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Result<bool> write_file_atomically(const std::string& path, std::string_view bytes) {
  // O_EXCL makes the name ours alone; the mode is the usual one, less the umask.
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temporary = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) return Error{std::strerror(errno)};
  }
  if (fd < 0) return Error{"no free temporary name beside it"};
  bool written = write_all(fd, bytes);
  int write_errno = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    write_errno = errno;
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return Error{std::strerror(write_errno)};
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int rename_errno = errno;
    ::unlink(temporary.c_str());
    return Error{std::strerror(rename_errno)};
  }
  return true;
}

}  // namespace writ::stdlib
