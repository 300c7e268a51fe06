// Saturating integer addition: for comparisons that must stay exact near the ends of int64
// (a token's `exp` plus the issuer's leeway, say) without undefined behaviour.
#pragma once

#include <cstdint>
#include <limits>

namespace writ::stdlib {

inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

}  // namespace writ::stdlib
