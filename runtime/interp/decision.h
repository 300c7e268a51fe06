// A decision: allow or deny, why, the rules that determined it, the grant, and every error.
// Its JSON form (docs/semantics.md §5.3) is what tools, tests, the broker and audit logs use.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace writ {

struct Grant {
  std::optional<std::int64_t> ttl;  // seconds
  std::optional<std::string> audience;
  std::vector<std::string> scopes;
  std::map<std::string, std::string> tags;
};

struct RuleError {
  std::string rule;
  std::string message;
};

struct Decision {
  bool allow = false;
  std::string reason = "no_permit";  // permit, forbid, no_permit, or a check reason (token.expired, ...)
  std::string detail;                // human-readable detail for check failures
  std::vector<std::string> rules;
  std::optional<Grant> grant;
  std::vector<RuleError> errors;
  std::string policy_version;
};

nlohmann::json decision_to_json(const Decision& decision);

}  // namespace writ
