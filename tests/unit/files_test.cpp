// Tests for whole-file reads and atomic replacement: contents, errors, nothing left behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/stat.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "stdlib/files.h"

namespace writ::stdlib {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names_in(const fs::path& directory) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(directory)) out.push_back(entry.path().filename().string());
  return out;
}

TEST(Files, AtomicWritesReplaceTheWholeFileAndLeaveNothingBehind) {
  fs::path dir = fs::temp_directory_path() / ("writ_files_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string path = (dir / "out.bin").string();
  EXPECT_EQ(read_file_limited(path, 100).error(), "does not exist");
  EXPECT_EQ(read_file_limited(dir.string(), 100).error(), "is a directory, not a file");

  std::string binary("a\0b\xff", 4);
  ASSERT_TRUE(write_file_atomically(path, binary).ok());
  EXPECT_EQ(read_file_limited(path, 100).value(), binary);
  ASSERT_TRUE(write_file_atomically(path, "shorter").ok());
  EXPECT_EQ(read_file_limited(path, 100).value(), "shorter");
  ASSERT_TRUE(write_file_atomically(path, "").ok());
  EXPECT_EQ(read_file_limited(path, 100).value(), "");
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"out.bin"});

  // A directory that does not exist: an error that says so, and no file anywhere.
  auto missing = write_file_atomically((dir / "no" / "such" / "file").string(), "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("No such file"), std::string::npos) << missing.error();
  // A directory where the file should be: the rename fails, the temporary file is removed.
  fs::create_directories(dir / "taken");
  fs::create_directories(dir / "taken" / "child");
  auto taken = write_file_atomically((dir / "taken").string(), "x");
  ASSERT_FALSE(taken.ok());
  std::vector<std::string> names = names_in(dir);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"out.bin", "taken"}));
  fs::remove_all(dir);
}

// Finding 6 of issue 12: reads are bounded before they start, and never block.
TEST(Files, LimitedReadsRefuseWhatIsTooLargeOrNotARegularFile) {
  fs::path dir = fs::temp_directory_path() / ("writ_files_limit_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string path = (dir / "f").string();
  ASSERT_TRUE(write_file_atomically(path, std::string(100, 'x')).ok());
  EXPECT_EQ(read_file_limited(path, 100).value().size(), 100u);  // at the limit
  EXPECT_EQ(read_file_limited(path, 99).error(), "is larger than the limit of 99 bytes");
  // A sparse file of a gigabyte is refused by its size, not read.
  std::string sparse = (dir / "sparse").string();
  {
    std::FILE* f = std::fopen(sparse.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  fs::resize_file(sparse, std::uintmax_t{1} << 30);
  EXPECT_EQ(read_file_limited(sparse, 1u << 20).error(), "is larger than the limit of 1048576 bytes");
  // A FIFO with no writer: refused at once instead of blocking.
  std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(read_file_limited(fifo, 100).error(), "is not a regular file");
  // A character device that never ends.
  EXPECT_EQ(read_file_limited("/dev/zero", 100).error(), "is not a regular file");
  // A pipe read through a descriptor stops one byte past the limit.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "0123456789", 10), 10);
  ::close(fds[1]);
  EXPECT_EQ(read_fd_limited(fds[0], 5).error(), "is larger than the limit of 5 bytes");
  ::close(fds[0]);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace writ::stdlib
