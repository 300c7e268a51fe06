// Finds a record field (or an enum value) by name in a few instructions: an open-addressing
// table built once per record type. A slot holds a name's length and its first and last eight
// bytes, which are the whole name up to 16 bytes, so most lookups compare two words.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/types/types.h"

namespace writ::engine {

class FieldTable {
 public:
  explicit FieldTable(const RecordType& type) {
    for (const FieldInfo& f : type.fields) names_.push_back(f.name);
    build();
  }
  explicit FieldTable(std::vector<std::string> names) : names_(std::move(names)) { build(); }

  // The field's index, or -1.
  std::int32_t find(std::string_view key) const { return find(key, words(key)); }
  // The same for a key followed by at least 8 readable bytes (as in a padded JSON buffer).
  std::int32_t find_padded(std::string_view key) const { return find(key, padded_words(key)); }

 private:
  struct Words {
    std::uint64_t first = 0, last = 0;
  };

  std::int32_t find(std::string_view key, Words w) const {
    for (std::size_t at = hash(w, key.size()) & mask_;; at = (at + 1) & mask_) {
      const Slot& s = slots_[at];
      if (s.index < 0) return -1;
      if (s.first == w.first && s.last == w.last && s.length == key.size() &&
          (key.size() <= 16 ||
           middle_equal(names_[static_cast<std::size_t>(s.index)].data(), key.data(), key.size()))) {
        return s.index;
      }
    }
  }

  void build() {
    std::size_t size = 8;
    while (size < names_.size() * 2) size *= 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      const std::string& name = names_[i];
      Words w = words(name);
      std::size_t at = hash(w, name.size()) & mask_;
      while (slots_[at].index >= 0) at = (at + 1) & mask_;
      slots_[at] = {w.first, w.last, static_cast<std::uint32_t>(name.size()), static_cast<std::int32_t>(i)};
    }
  }

  struct Slot {
    std::uint64_t first = 0, last = 0;
    std::uint32_t length = 0;
    std::int32_t index = -1;  // the field, or -1 for an empty slot
  };

  static std::uint64_t load8(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  // Bytes 8 to n - 8 of two strings of n > 16 bytes, a word at a time (no call to memcmp).
  static bool middle_equal(const char* a, const char* b, std::size_t n) {
    for (std::size_t i = 8; i < n - 8; i += 8) {
      std::size_t at = std::min(i, n - 16);  // the last word ends at n - 8, overlapping the one before
      if (load8(a + at) != load8(b + at)) return false;
    }
    return true;
  }
  // The first and last eight bytes (overlapping for names of 8 to 15 bytes); shorter names are
  // packed into `first`. With the length, equal words mean equal names of up to 16 bytes.
  static Words words(std::string_view s) {
    const char* p = s.data();
    std::size_t n = s.size();
    Words w;
    if (n >= 8) {
      w.first = load8(p);
      w.last = load8(p + n - 8);
    } else {
      std::memcpy(&w.first, p, n);
    }
    return w;
  }
  static Words padded_words(std::string_view s) {
    const char* p = s.data();
    std::size_t n = s.size();
    if (n >= 8) return {load8(p), load8(p + n - 8)};
    return {load8(p) & ((std::uint64_t{1} << (8 * n)) - 1), 0};
  }
  static std::uint64_t hash(Words w, std::size_t n) {
    std::uint64_t h = w.first * 0xff51afd7ed558ccdull;
    h ^= (w.last + n) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
  }

  std::vector<Slot> slots_;
  std::vector<std::string> names_;
  std::size_t mask_ = 0;
};

}  // namespace writ::engine
