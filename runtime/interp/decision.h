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

// Why one candidate rule matched or not (with --explain).
struct RuleTrace {
  std::string rule;
  std::string effect;             // permit / forbid
  std::string outcome;            // matched / not_matched / error
  std::string location;           // file:line of the rule
  std::string condition;          // the first condition that did not hold (or erred), as written
  std::string because;            // the values that made it fail, or the error
  std::vector<std::string> held;  // for a matched rule: its conditions, all of which held
};

struct Decision {
  bool allow = false;
  std::string reason = "no_permit";  // permit, forbid, no_permit, or a check reason (token.expired, ...)
  std::string detail;                // human-readable detail for check failures
  std::vector<std::string> rules;
  std::optional<Grant> grant;
  std::vector<RuleError> errors;
  std::string policy_version;
  bool explained = false;
  std::vector<RuleTrace> explanation;  // candidate rules in policy order
};

nlohmann::json decision_to_json(const Decision& decision);

// A human-readable rendering of a decision and its explanation.
std::string decision_to_text(const Decision& decision);

}  // namespace writ
