// Finds a record field by name in a few instructions: an open-addressing table built once per
// record type. A slot holds a name's length and its first and last eight bytes, which are the
// whole name up to 16 bytes, so most lookups compare two words and never touch the schema.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check/types.h"

namespace writ {

class FieldTable {
 public:
  explicit FieldTable(const RecordType& type) {
    std::size_t size = 8;
    while (size < type.fields.size() * 2) size *= 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    for (std::size_t i = 0; i < type.fields.size(); ++i) {
      const std::string& name = type.fields[i].name;
      names_.push_back(name);
      Words w = words(name);
      std::size_t at = hash(w, name.size()) & mask_;
      while (slots_[at].index >= 0) at = (at + 1) & mask_;
      slots_[at] = {w.first, w.last, static_cast<std::uint32_t>(name.size()), static_cast<std::int32_t>(i)};
    }
  }

  // The field's index, or -1.
  std::int32_t find(std::string_view key) const {
    Words w = words(key);
    for (std::size_t at = hash(w, key.size()) & mask_;; at = (at + 1) & mask_) {
      const Slot& s = slots_[at];
      if (s.index < 0) return -1;
      if (s.first == w.first && s.last == w.last && s.length == key.size() &&
          (key.size() <= 16 ||
           std::memcmp(names_[static_cast<std::size_t>(s.index)].data() + 8, key.data() + 8, key.size() - 16) == 0)) {
        return s.index;
      }
    }
  }

 private:
  struct Words {
    std::uint64_t first = 0, last = 0;
  };
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
      for (std::size_t i = 0; i < n; ++i) w.first = (w.first << 8) | static_cast<unsigned char>(p[i]);
    }
    return w;
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

}  // namespace writ
