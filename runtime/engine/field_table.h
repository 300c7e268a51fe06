// Finds a record field by name in a few instructions: an open-addressing table built once per
// record type, hashing a key's length and its first and last eight bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "compiler/check/types.h"

namespace writ {

class FieldTable {
 public:
  explicit FieldTable(const RecordType& type) : type_(&type) {
    std::size_t size = 8;
    while (size < type.fields.size() * 2) size *= 2;
    slots_.assign(size, -1);
    mask_ = size - 1;
    for (std::size_t i = 0; i < type.fields.size(); ++i) {
      std::size_t at = hash(type.fields[i].name) & mask_;
      while (slots_[at] >= 0) at = (at + 1) & mask_;
      slots_[at] = static_cast<std::int32_t>(i);
    }
  }

  // The field's index, or -1.
  std::int32_t find(std::string_view key) const {
    for (std::size_t at = hash(key) & mask_;; at = (at + 1) & mask_) {
      std::int32_t i = slots_[at];
      if (i < 0 || type_->fields[static_cast<std::size_t>(i)].name == key) return i;
    }
  }

  const RecordType& type() const { return *type_; }

 private:
  static std::uint64_t load8(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  static std::uint64_t hash(std::string_view s) {
    const char* p = s.data();
    std::size_t n = s.size();
    std::uint64_t first = 0, last = 0;
    if (n >= 8) {
      first = load8(p);
      last = load8(p + n - 8);
    } else {
      for (std::size_t i = 0; i < n; ++i) first = (first << 8) | static_cast<unsigned char>(p[i]);
    }
    std::uint64_t h = (n + 1) * 0x9E3779B97F4A7C15ull;
    h ^= first * 0xff51afd7ed558ccdull;
    h ^= (last + 0x632be59bd9b4e019ull) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
  }

  const RecordType* type_;
  std::vector<std::int32_t> slots_;  // field index, or -1 for an empty slot
  std::size_t mask_ = 0;
};

}  // namespace writ
