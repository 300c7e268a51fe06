// A strict JSON reader for untrusted input (token claims, requests): rejects duplicate keys,
// invalid UTF-8, excessive nesting and oversized documents, with a message saying where.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "stdlib/result.h"

namespace writ {

struct JsonLimits {
  std::size_t max_bytes = 1u << 20;        // 1 MiB
  std::size_t max_depth = 32;
  std::size_t max_string_bytes = 64u << 10;  // 64 KiB
  std::size_t max_array_items = 10000;
};

Result<nlohmann::json> read_json_strict(std::string_view text, JsonLimits limits = {});

}  // namespace writ
