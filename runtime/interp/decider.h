// What both engines are to their callers: something that decides requests of a policy version.
// The reference interpreter and the native engine (runtime/engine) implement it, so tools (`writ
// test`, the differential tests) run the same requests on either and compare.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "writ/decision.h"

namespace writ::interp {

class Decider {
 public:
  virtual ~Decider() = default;
  // A request in the JSON form of docs/semantics.md §5. Never throws; a bad request is a deny.
  virtual Decision decide(const nlohmann::json& request, DecideOptions options = {}) const = 0;
  virtual Decision decide_text(std::string_view request_json, DecideOptions options = {}) const = 0;
  virtual const std::string& policy_version() const = 0;
};

}  // namespace writ::interp
