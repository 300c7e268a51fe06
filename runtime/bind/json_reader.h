// A strict JSON reader for untrusted input (token claims, requests): rejects duplicate keys,
// invalid UTF-8, excessive nesting and oversized documents, with a message saying where.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "stdlib/limits.h"
#include "stdlib/result.h"

namespace writ {

struct JsonLimits {
  std::size_t max_bytes = limits::kMaxRequestBytes;
  std::size_t max_depth = limits::kMaxJsonDepth;
  std::size_t max_string_bytes = limits::kMaxJsonStringBytes;
  std::size_t max_array_items = limits::kMaxJsonArrayItems;
};

Result<nlohmann::json> read_json_strict(std::string_view text, JsonLimits limits = {});

}  // namespace writ
