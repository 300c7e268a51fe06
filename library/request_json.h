// The typed requests (include/writ/request.h) as the JSON documents the engine decides.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "stdlib/result.h"
#include "writ/request.h"

namespace writ {

struct IssueRequest::Impl {
  nlohmann::json document = nlohmann::json::object();
  bool has_time = false;
  // Why the claims cannot be used (text that is not one JSON object, a duplicate key): the
  // decision is then a deny, `token.invalid_claims`.
  std::optional<std::string> claims_problem;
};

struct AccessRequest::Impl {
  nlohmann::json document = nlohmann::json::object();
  bool has_time = false;
  std::optional<std::string> problem;         // a field that cannot be used: `request.invalid`
  std::optional<std::string> claims_problem;  // a token caller's claims that cannot be: `token.invalid_claims`
};

namespace library {

// The document with `time` set to the system clock when the caller gave none.
nlohmann::json with_time(const nlohmann::json& document, bool has_time);
// The JSON text the engine decides: the same strict path as any request text. Fails on a string
// that is not valid UTF-8 (JSON cannot carry it).
Result<std::string> request_text(const nlohmann::json& document, bool has_time);
// The text shown by to_json(): never fails; invalid UTF-8 is shown as U+FFFD.
std::string display_json(const nlohmann::json& document, bool has_time);

}  // namespace library
}  // namespace writ
