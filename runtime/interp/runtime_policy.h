// What deciding needs of a checked policy set besides its rules' conditions: issuers, schemas,
// the policy version, and each rule's head (id, effect, what it selects, where it is). The
// interpreter derives it from the checked program; a compiled bundle carries it, so a broker
// can serve native code without parsing or checking anything.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/check/checked_policy.h"
#include "compiler/check/program.h"

namespace writ::interp {

// `*` or a list of names or glob patterns (roles, actions, resources, principals).
struct NamePatterns {
  bool any = false;
  std::vector<std::string> items;
  bool contains(std::string_view name) const;  // exact names
  bool matches(std::string_view value) const;  // glob patterns (`*`, `**`)
};

struct RuleHead {
  std::string id;
  bool forbid = false;
  bool access = false;
  NamePatterns roles;                // issue rules
  std::vector<std::string> issuers;  // issue rules: resolved names; empty = every issuer
  NamePatterns actions, resources;   // access rules
  std::string principal_kind;        // access rules: "spiffe", "role", or empty for `*`
  NamePatterns principals;
  std::string location;  // "file:line" of the rule's head, for explanations
};

struct RuntimePolicy {
  std::map<std::string, std::shared_ptr<const RecordType>> schemas;
  std::map<std::string, IssuerInfo> issuers;  // `decl` is null when loaded from a bundle
  std::vector<RuleHead> rules;                // in Program::rules order
  std::string version;                        // policy_version_hash

  const RecordType& schema(const std::string& name) const { return *schemas.at(name); }
};

// The runtime policy of a checked policy set.
std::shared_ptr<const RuntimePolicy> runtime_policy_of(const LoadedPolicySet& policy);

// "sha256:<hex>" over the user files of a policy set (paths and contents, in load order).
std::string policy_version_hash(const LoadedPolicySet& policy);

}  // namespace writ::interp
