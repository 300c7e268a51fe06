// A strict JSON reader for untrusted input (token claims, requests): rejects duplicate keys,
// invalid UTF-8, excessive nesting and oversized documents, with a message saying where.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "stdlib/limits.h"
#include "stdlib/result.h"
#include "writ/decision.h"

namespace writ::bind {

struct JsonLimits {
  std::size_t max_bytes = limits::kMaxRequestBytes;
  std::size_t max_depth = limits::kMaxJsonDepth;
  std::size_t max_string_bytes = limits::kMaxJsonStringBytes;
  std::size_t max_array_items = limits::kMaxJsonArrayItems;
};

// With `error_at`, a failure also says where (`$.claims.aud[2]`, `$` for the whole document).
Result<nlohmann::json> read_json_strict(std::string_view text, JsonLimits limits = {}, std::string* error_at = nullptr);

// The deny reason for a request that does not read: `token.invalid_claims` when the problem is in
// its `claims` (docs/semantics.md §3: a duplicate key, a bad number, ...), else `request.invalid`.
Reason unreadable_request_reason(std::string_view error_at);

}  // namespace writ::bind
