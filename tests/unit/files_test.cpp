// Tests for whole-file reads and atomic replacement: contents, errors, nothing left behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
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
  EXPECT_FALSE(read_whole_file(path).has_value());
  EXPECT_FALSE(read_whole_file(dir.string()).has_value());  // a directory is not read

  std::string binary("a\0b\xff", 4);
  ASSERT_TRUE(write_file_atomically(path, binary).ok());
  EXPECT_EQ(read_whole_file(path), binary);
  ASSERT_TRUE(write_file_atomically(path, "shorter").ok());
  EXPECT_EQ(read_whole_file(path), "shorter");
  ASSERT_TRUE(write_file_atomically(path, "").ok());
  EXPECT_EQ(read_whole_file(path), "");
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

}  // namespace
}  // namespace writ::stdlib
