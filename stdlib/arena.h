// A monotonic arena: bump allocation in chunks, everything freed at once on reset or
// destruction. Requests and decisions use one each, so the hot path allocates nothing per value.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace writ::stdlib {

class Arena {
 public:
  // Where the next allocation goes and where the current chunk ends. Public, with a fixed layout,
  // so that generated code can bump-allocate inline (compiler/codegen/abi.h, WritScratch).
  struct Cursor {
    std::byte* next = nullptr;
    std::byte* end = nullptr;
  };

  explicit Arena(std::size_t first_chunk = 4096) : chunk_size_(first_chunk) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // `bytes` of zeroed memory aligned to 16.
  void* allocate(std::size_t bytes) {
    void* p = allocate_uninitialized(bytes);
    std::size_t n = (bytes + 15) & ~std::size_t{15};
    auto* b = static_cast<std::byte*>(p);
    if (n <= 64) {
      // Small blocks (a record of a few fields) in 16-byte stores, without a call to memset.
      for (std::size_t i = 0; i < n; i += 16) std::memset(b + i, 0, 16);
    } else {
      std::memset(b, 0, n);
    }
    return p;
  }

  // For callers that write every byte they later read.
  void* allocate_uninitialized(std::size_t bytes) {
    bytes = (bytes + 15) & ~std::size_t{15};
    if (bytes > static_cast<std::size_t>(cursor_.end - cursor_.next)) [[unlikely]]
      grow(bytes);
    void* p = cursor_.next;
    cursor_.next += bytes;
    return p;
  }

  // Frees everything but keeps the largest chunk for reuse.
  void reset() {
    if (chunks_.size() > 1) {
      auto keep = std::move(chunks_.back());
      chunks_.clear();
      chunks_.push_back(std::move(keep));
    }
    if (!chunks_.empty()) {
      cursor_.next = chunks_.back().data.get();
      cursor_.end = cursor_.next + chunks_.back().size;
    }
  }

  Cursor* cursor() { return &cursor_; }

 private:
  struct Chunk {
    std::unique_ptr<std::byte[]> data;
    std::size_t size;
  };
  // Out of line and cold, so the bump path above stays a few instructions with no saved registers.
  [[gnu::noinline, gnu::cold]] void grow(std::size_t bytes) {
    std::size_t size = std::max(bytes, chunks_.empty() ? chunk_size_ : chunks_.back().size * 2);
    chunks_.push_back({std::make_unique<std::byte[]>(size), size});
    cursor_.next = chunks_.back().data.get();
    cursor_.end = cursor_.next + size;
  }
  Cursor cursor_;
  std::size_t chunk_size_;
  std::vector<Chunk> chunks_;
};

}  // namespace writ::stdlib
