// A node's operands: up to three held inline (almost every node), more on the heap. Reads like a
// const std::vector<NodeId>; a large policy has hundreds of thousands of nodes, and a vector
// would cost each one a heap block as well.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

namespace writ::ir {

using NodeId = std::uint32_t;

class NodeKids {
 public:
  NodeKids() = default;
  NodeKids(std::initializer_list<NodeId> ids) { assign(ids.begin(), ids.size()); }
  NodeKids(const std::vector<NodeId>& ids) {
    assign(ids.data(), ids.size());
  }  // NOLINT: reads as the vector it replaces
  NodeKids(const NodeKids& other) { assign(other.begin(), other.size()); }
  NodeKids(NodeKids&& other) noexcept { take(other); }
  NodeKids& operator=(const NodeKids& other) {
    if (this != &other) assign(other.begin(), other.size());
    return *this;
  }
  NodeKids& operator=(NodeKids&& other) noexcept {
    if (this != &other) take(other);
    return *this;
  }

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const NodeId* begin() const { return heap_ ? heap_.get() : inline_; }
  const NodeId* end() const { return begin() + count_; }
  NodeId operator[](std::size_t i) const { return begin()[i]; }
  NodeId front() const { return begin()[0]; }
  NodeId back() const { return begin()[count_ - 1]; }

 private:
  static constexpr std::size_t kInline = 3;

  void assign(const NodeId* ids, std::size_t n) {
    count_ = static_cast<std::uint32_t>(n);
    heap_.reset();
    NodeId* out = inline_;
    if (n > kInline) {
      heap_ = std::make_unique<NodeId[]>(n);
      out = heap_.get();
    }
    std::copy(ids, ids + n, out);
  }

  void take(NodeKids& other) noexcept {
    count_ = other.count_;
    std::copy(other.inline_, other.inline_ + kInline, inline_);
    heap_ = std::move(other.heap_);
    other.count_ = 0;  // a moved-from NodeKids is empty, never a count without its ids
  }

  std::uint32_t count_ = 0;
  NodeId inline_[kInline] = {};
  std::unique_ptr<NodeId[]> heap_;
};

}  // namespace writ::ir
