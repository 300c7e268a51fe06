// Replaces the global operator new and delete with counting ones (benchmarks that report memory).
#include "bench/heap_counter.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

// Process-wide by nature: the allocator is one per process. Relaxed atomics: the counts are
// read between phases, not used to order anything.
std::atomic<std::int64_t> g_in_use{0};
std::atomic<std::int64_t> g_peak{0};

void note_allocated(void* p) {
  auto now = g_in_use.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed) +
             static_cast<std::int64_t>(malloc_usable_size(p));
  auto peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void* counted_new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  note_allocated(p);
  return p;
}

void* counted_aligned_new(std::size_t size, std::align_val_t align) {
  auto alignment = static_cast<std::size_t>(align);
  std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (p == nullptr) throw std::bad_alloc();
  note_allocated(p);
  return p;
}

void counted_delete(void* p) noexcept {
  if (p == nullptr) return;
  g_in_use.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t size) {
  return counted_new(size);
}
void* operator new[](std::size_t size) {
  return counted_new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_new(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_new(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t size, std::align_val_t align) {
  return counted_aligned_new(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return counted_aligned_new(size, align);
}
void operator delete(void* p) noexcept {
  counted_delete(p);
}
void operator delete[](void* p) noexcept {
  counted_delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_delete(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  counted_delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  counted_delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  counted_delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  counted_delete(p);
}

namespace writ::bench {

std::int64_t heap_bytes_in_use() {
  return g_in_use.load(std::memory_order_relaxed);
}

HeapPhase::HeapPhase() : start_bytes_(heap_bytes_in_use()) {
  g_peak.store(start_bytes_, std::memory_order_relaxed);
}

HeapUsage HeapPhase::finish() const {
  return {g_peak.load(std::memory_order_relaxed) - start_bytes_, heap_bytes_in_use() - start_bytes_};
}

}  // namespace writ::bench
