// A decision as Writ returns it: allow or deny, the reason (a stable code), the rules that
// determined it, the grant, every rule error, the policy version and the engine tier that decided.
// Plain values: copy, keep and compare them freely; nothing refers back to the engine.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "writ/export.h"

namespace writ {

// Why a decision is what it is (include/writ/reasons.def; docs/semantics.md §5.4).
enum class Reason : std::uint8_t {
#define WRIT_REASON(name, code, meaning) name,
#include "writ/reasons.def"
#undef WRIT_REASON
};

// "permit", "token.expired", ...: the reason's stable code.
WRIT_API std::string_view reason_code(Reason reason) noexcept;
// The reason a code names; nullopt for a code that is not one.
WRIT_API std::optional<Reason> reason_from_code(std::string_view code) noexcept;
// One sentence saying what the reason means.
WRIT_API std::string_view reason_meaning(Reason reason) noexcept;

// Which code decided: the reference interpreter or native code of one tier.
enum class Tier : std::uint8_t { Interpreter, Fast, Optimized };
// "interpreter", "fast", "optimized".
WRIT_API std::string_view tier_name(Tier tier) noexcept;

// What an allowed issuance grants.
struct Grant {
  std::optional<std::int64_t> ttl;  // seconds
  std::optional<std::string> audience;
  std::vector<std::string> scopes;
  std::map<std::string, std::string> tags;
};

// A rule that erred while deciding (it did not match if a permit; it did if a forbid).
struct RuleError {
  std::string rule;
  std::string message;
};

// Why one candidate rule matched or not (on request: DecideOptions::explain).
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
  Reason reason = Reason::NoPermit;
  std::string detail;              // for a deny before any rule: what failed, in words
  std::vector<std::string> rules;  // the permits of an allow, the forbids of a forbid; else empty
  std::optional<Grant> grant;      // set exactly when an issuance is allowed
  std::vector<RuleError> errors;   // every rule that erred, in policy order
  std::string policy_version;      // "sha256:…": exactly which policy decided
  Tier tier = Tier::Interpreter;
  bool explained = false;
  std::vector<RuleTrace> explanation;  // candidate rules in policy order, when explained

  std::string_view reason_code() const noexcept { return writ::reason_code(reason); }
};

struct DecideOptions {
  bool explain = false;  // record why each candidate rule matched or not (costs microseconds)
};

}  // namespace writ
