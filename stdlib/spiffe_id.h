// SPIFFE IDs (spiffe://trust-domain/path) parsed and validated by the SPIFFE-ID standard.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stdlib/limits.h"

namespace writ::stdlib {

struct SpiffeId {
  std::string trust_domain;
  std::string path;  // "" or "/seg/seg"
  std::vector<std::string> segments;
};

struct SpiffeError {
  std::size_t offset;  // byte offset in the input where the problem is
  std::string message;
};

inline constexpr std::size_t kMaxSpiffeIdBytes = limits::kMaxSpiffeIdBytes;
inline constexpr std::size_t kMaxTrustDomainBytes = limits::kMaxTrustDomainBytes;

// Accepts exactly the IDs the standard allows: lower-case scheme and trust domain of
// [a-z0-9._-], path segments of [a-zA-Z0-9._-] that are not empty, `.` or `..`, no trailing
// `/`, no query, fragment, port, userinfo or percent-encoding, at most 2048 bytes.
std::variant<SpiffeId, SpiffeError> parse_spiffe_id(std::string_view text);

// Validates a `spiffe` principal pattern: a SPIFFE ID in which `*` and `?` may stand for
// parts of the path, while the trust domain is exact.
std::variant<SpiffeId, SpiffeError> validate_spiffe_pattern(std::string_view pattern);

}  // namespace writ::stdlib
