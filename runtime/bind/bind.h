// Binds JSON (token claims, requests) to schema types, strictly, as docs/semantics.md §3 says.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "compiler/types/types.h"
#include "runtime/value/value.h"
#include "stdlib/result.h"

namespace writ::bind {

// Binds `json` to `type`; `path` names the value in errors (e.g. "token").
Result<Value> bind_json(const nlohmann::json& json, const Type& type, const std::string& path);

}  // namespace writ::bind
