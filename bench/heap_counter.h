// Counts the bytes this process holds from operator new, so a benchmark can report the peak and
// the steady-state heap of a phase (the program that includes heap_counter.cpp replaces the
// global operator new and delete; malloc_usable_size gives each block's size on free).
#pragma once

#include <cstdint>

namespace writ::bench {

struct HeapUsage {
  std::int64_t peak_bytes = 0;    // the most held at once during the phase, above its start
  std::int64_t steady_bytes = 0;  // held at the end of the phase, above its start
};

// Measures the heap from construction to finish(). One at a time (it resets the global peak).
class HeapPhase {
 public:
  HeapPhase();
  HeapUsage finish() const;

 private:
  std::int64_t start_bytes_;
};

// Bytes held now.
std::int64_t heap_bytes_in_use();

}  // namespace writ::bench
