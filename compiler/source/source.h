// Source files, byte spans into them, and the mapping from bytes to lines and columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace writ {

using FileId = std::uint32_t;
inline constexpr FileId kNoFile = 0xffffffff;

// A half-open byte range [begin, end) in one source file.
struct Span {
  FileId file = kNoFile;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  // The smallest span covering both (which must be in the same file).
  Span to(Span other) const;
};

// A 1-based line and column; the column counts Unicode code points, not bytes.
struct LineColumn {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  LineColumn line_column(std::uint32_t offset) const;
  // The text of 1-based `line`, without its line terminator.
  std::string_view line_text(std::uint32_t line) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

// Owns every file of a compilation; FileIds index into it.
class SourceManager {
 public:
  FileId add(std::string path, std::string text);
  const SourceFile& file(FileId id) const { return files_.at(id); }
  std::size_t size() const { return files_.size(); }

 private:
  std::vector<SourceFile> files_;
};

// Returns the byte offset of the first invalid UTF-8 sequence, or npos if `text` is valid.
std::size_t find_invalid_utf8(std::string_view text);

}  // namespace writ
