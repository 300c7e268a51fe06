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
    if (bytes > remaining_) grow(bytes);
    void* p = next_;
    next_ += bytes;
    remaining_ -= bytes;
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
      next_ = chunks_.back().data.get();
      remaining_ = chunks_.back().size;
    }
  }

 private:
  struct Chunk {
    std::unique_ptr<std::byte[]> data;
    std::size_t size;
  };
  void grow(std::size_t bytes) {
    std::size_t size = std::max(bytes, chunks_.empty() ? chunk_size_ : chunks_.back().size * 2);
    chunks_.push_back({std::make_unique<std::byte[]>(size), size});
    next_ = chunks_.back().data.get();
    remaining_ = size;
  }
  std::size_t chunk_size_;
  std::vector<Chunk> chunks_;
  std::byte* next_ = nullptr;
  std::size_t remaining_ = 0;
};

}  // namespace writ::stdlib
