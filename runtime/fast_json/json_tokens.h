// The tokens of a JSON document, found by simdjson's stage 1 (SIMD structural indexing, which
// also validates UTF-8, checks that strings end and refuses control characters in them), and a
// cursor over them for a strict reader that builds nothing: the JSON fast path walks a request
// once, binding what its schemas describe and checking the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace simdjson::internal {
class dom_parser_implementation;
}

namespace writ::engine {

// A JSON number as written: an integer in int64's range, any other valid number, or invalid.
struct JsonNumber {
  enum Kind { Invalid, Int64, Other } kind = Invalid;
  std::int64_t integer = 0;
};
// Checks JSON's number grammar; `text` is the whole token.
JsonNumber read_json_number(std::string_view text);
// The number's value as a double, if it is valid and finite.
bool json_number_as_double(std::string_view text, double& out);

class JsonTokens {
 public:
  JsonTokens();
  ~JsonTokens();
  JsonTokens(const JsonTokens&) = delete;
  JsonTokens& operator=(const JsonTokens&) = delete;

  // Indexes `text` (copied into a padded buffer); false if stage 1 refuses it.
  bool index(std::string_view text);

  // ----- The cursor ---------------------------------------------------------------------------
  bool at_end() const { return cursor_ >= end_; }
  // The first byte of the current token ('{', '"', 't', '1', ...), or 0 at the end (where the
  // index holds the document's length, and the padding is zeroed).
  char peek() const { return text_[*cursor_]; }
  void advance() { ++cursor_; }
  std::uint32_t position() const { return static_cast<std::uint32_t>(cursor_ - offsets_); }
  // Moves the cursor to a token seen before. Strings read again after a seek are unescaped
  // again into fresh space: `unescape` checks the space left and refuses when it runs out.
  void seek(std::uint32_t position) { cursor_ = offsets_ + position; }
  // Back to the first token, as if just indexed: every string read so far is forgotten (their
  // unescaped text is overwritten), so this is for reading the whole document again.
  void rewind() {
    cursor_ = offsets_;
    unescaped_end_ = unescaped_.data();
  }
  // The current token's text up to the next token, whitespace after it removed; empty at the end.
  std::string_view token() const {
    if (at_end()) return {};
    std::uint32_t begin = cursor_[0];
    std::uint32_t end = cursor_[1];  // the index ends with the document's length
    while (end > begin &&
           (text_[end - 1] == ' ' || text_[end - 1] == '\n' || text_[end - 1] == '\r' || text_[end - 1] == '\t'))
      --end;
    return {text_ + begin, end - begin};
  }

  // The text of the string token at the cursor (without quotes), unescaped into storage that
  // lives until the next `index`; false if it is not a string or has a bad escape.
  bool string(std::string_view& out) {
    const char* begin = text_ + cursor_[0];
    if (*begin != '"') return false;
    // Stage 1 has matched the quotes: only whitespace can follow the closing one.
    const char* end = text_ + cursor_[1];
    while (end[-1] != '"') --end;
    if (end - begin < 2) return false;
    out = {begin + 1, static_cast<std::size_t>(end - begin - 2)};
    return !has_escapes_ || unescape(out);
  }

 private:
  bool unescape(std::string_view& text);

  std::unique_ptr<simdjson::internal::dom_parser_implementation> parser_;
  std::size_t capacity_ = 0;
  std::vector<char> buffer_;             // the document, padded
  std::vector<std::uint8_t> unescaped_;  // escaped strings, unescaped (never longer than the document)
  std::uint8_t* unescaped_end_ = nullptr;
  const char* text_ = nullptr;  // buffer_'s bytes
  const std::uint32_t* offsets_ = nullptr;
  const std::uint32_t* cursor_ = nullptr;  // the current token's offset
  const std::uint32_t* end_ = nullptr;     // past the last token's
  bool has_escapes_ = false;               // whether any backslash appears in the document
};

}  // namespace writ::engine
