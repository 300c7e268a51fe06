// Little-endian fixed-width integers and length-prefixed byte strings, for the bundle format.
// The reader checks every bound and stays failed after the first bad read, so a decoder reads
// straight through and asks `ok()` once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace writ::engine {

class ByteWriter {
 public:
  template <typename T>
  void put(T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      out_ += static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF);
    }
  }
  void bytes(std::string_view b) {
    put<std::uint64_t>(b.size());
    out_ += b;
  }
  void strings(const std::vector<std::string>& items) {
    put<std::uint32_t>(static_cast<std::uint32_t>(items.size()));
    for (const std::string& s : items) bytes(s);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : rest_(bytes) {}

  template <typename T>
  T get() {
    if (rest_.size() < sizeof(T)) return fail<T>();
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(rest_[i])) << (8 * i);
    }
    rest_.remove_prefix(sizeof(T));
    return static_cast<T>(v);
  }
  std::string_view bytes() {
    auto size = get<std::uint64_t>();
    if (!ok_ || size > rest_.size()) return fail<std::string_view>();
    std::string_view b = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return b;
  }
  std::string string() { return std::string(bytes()); }
  // A count of items that each take at least `min_bytes`: a count the rest cannot hold fails
  // (and is 0), so a damaged count never makes a decoder allocate or loop for nothing.
  std::uint32_t count(std::size_t min_bytes) {
    auto n = get<std::uint32_t>();
    if (!ok_ || (min_bytes > 0 && n > rest_.size() / min_bytes)) return fail<std::uint32_t>();
    return n;
  }
  std::vector<std::string> strings() {
    std::vector<std::string> out(count(8));
    for (std::string& s : out) s = string();
    return out;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return rest_.empty(); }

 private:
  template <typename T>
  T fail() {
    ok_ = false;
    rest_ = {};
    return T{};
  }
  std::string_view rest_;
  bool ok_ = true;
};

}  // namespace writ::engine
