// The reference interpreter: decides issuance and access requests for a checked policy set,
// exactly as docs/semantics.md specifies. It is the oracle the JIT is tested against.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/check/checked_policy.h"
#include "runtime/interp/decider.h"
#include "runtime/interp/decision.h"
#include "runtime/interp/evaluator.h"
#include "runtime/interp/grant.h"
#include "runtime/interp/request_binder.h"
#include "runtime/interp/runtime_policy.h"
#include "stdlib/result.h"

namespace writ::interp {

struct InterpreterOptions {
  std::int64_t max_ttl_seconds = 3600;  // the global TTL cap of every grant
};

// Immutable after creation; `decide` may be called from many threads at once.
class Interpreter final : public Decider {
 public:
  // Refuses a policy set with errors: a broker never runs a policy that does not check.
  static Result<std::shared_ptr<const Interpreter>> create(std::shared_ptr<const LoadedPolicySet> policy,
                                                           InterpreterOptions options = {});

  // Decides one request in the JSON form of docs/semantics.md §5. Never throws; anything
  // wrong with the request is a deny with a reason.
  Decision decide(const nlohmann::json& request, DecideOptions options = {}) const override;
  Decision decide_text(std::string_view request_json, DecideOptions options = {}) const override;

  // The two halves of an issuance decision: checks and binding (a deny if they fail), then rules.
  std::variant<BoundIssueRequest, Decision> bind_issue(const nlohmann::json& request) const {
    return binder_.bind_issue(request);
  }
  Decision decide_bound(const BoundIssueRequest& request, DecideOptions options = {}) const;
  // And of an access decision.
  std::variant<BoundAccessRequest, Decision> bind_access(const nlohmann::json& request) const {
    return binder_.bind_access(request);
  }
  Decision decide_access_bound(const BoundAccessRequest& request, DecideOptions options = {}) const;
  // A deny for a request that fails its checks, stamped with the policy version.
  Decision deny(Reason reason, std::string detail) const { return binder_.deny(reason, std::move(detail)); }
  // For explanations of decisions made by native code: where a rule is ("file:line"), and why
  // its condition number `condition` was false, given the request's roots in `env`.
  std::string location(const RuleInfo& rule) const;
  std::string explain_condition(const RuleInfo& rule, std::size_t condition, Env& env) const;

  const std::string& policy_version() const override { return runtime_->version; }
  const LoadedPolicySet& policy() const { return *policy_; }
  // Issuers, schemas, version and rule heads: what native code needs besides its functions.
  const std::shared_ptr<const RuntimePolicy>& runtime_policy() const { return runtime_; }
  const InterpreterOptions& options() const { return options_; }
  const Evaluator& evaluator() const { return *evaluator_; }

 private:
  Interpreter(std::shared_ptr<const LoadedPolicySet> policy, std::shared_ptr<const Evaluator> evaluator,
              InterpreterOptions options);
  Decision decide_issue(const nlohmann::json& request, DecideOptions options) const;
  Decision decide_access(const nlohmann::json& request, DecideOptions options) const;

  // Indices (into program.rules, ascending) of the issue rules naming each role, and of those
  // for every role (`*`): candidates are found without scanning the whole policy set.
  std::vector<std::size_t> issue_candidates(const std::string& role) const;
  std::unordered_map<std::string, std::vector<std::size_t>> issue_rules_by_role_;
  std::vector<std::size_t> issue_rules_any_role_;

  std::shared_ptr<const LoadedPolicySet> policy_;
  std::shared_ptr<const Evaluator> evaluator_;
  InterpreterOptions options_;
  std::shared_ptr<const RuntimePolicy> runtime_;
  RequestBinder binder_;
};

// One entry of an explanation (`outcome`: matched, not_matched or error); `failed` is the
// condition that was false or erred, if any.
RuleTrace rule_trace(const RuleInfo& rule, std::string outcome, const ast::Condition* failed, std::string because,
                     std::string location);

}  // namespace writ::interp
