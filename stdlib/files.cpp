// Whole-file reads, and atomic replacement: a new file created exclusively, then renamed.
#include "stdlib/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace writ::stdlib {

std::optional<std::string> read_whole_file(const std::string& path) {
  // Regular files only: a directory's "size" can be a hash offset of gigabytes.
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return std::nullopt;
  // In one read (bundles run to tens of megabytes), unless the file changed size meanwhile.
  std::streamoff size = file.tellg();
  if (size >= 0 && file.seekg(0)) {
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (file.read(bytes.data(), size) && file.peek() == std::char_traits<char>::eof()) return bytes;
    file.clear();
    file.seekg(0);
  }
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return std::nullopt;
  return bytes;
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
