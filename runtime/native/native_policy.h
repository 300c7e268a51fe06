// Deciding with native code: requests are checked and bound as the interpreter does, laid out
// in cells, and given to the compiled rule functions of the candidate rules.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/codegen/compiled_policy.h"
#include "compiler/ir/claim_test.h"
#include "compiler/ir/ir.h"
#include "compiler/ir/lower.h"
#include "runtime/bundle/policy_image.h"
#include "runtime/fast_json/bind_plan.h"
#include "runtime/interp/interpreter.h"
#include "runtime/native/access_index.h"
#include "runtime/native/verdict.h"
#include "stdlib/arena.h"

namespace writ::engine {

// An issuance request laid out for native code: views into storage its binder owns (the
// JSON binder's buffers, or an OwnedIssueRequest). Bind once, decide many times.
struct NativeIssueRequest {
  const void* roots[ir::kRootCount] = {};
  std::size_t issuer = 0;  // index in NativePolicy's issuer order
  std::string_view role;
  // The rules to run, resolved when bound: for the role and issuer, narrowed by the claim index.
  const std::vector<std::uint32_t>* candidates = nullptr;
  // Every rule for the role and issuer, in policy order: what an explanation reports on.
  const std::vector<std::uint32_t>* all_candidates = nullptr;
  GrantRequest requested;
};

// An access request laid out for native code: its `request` record, and what rules' heads are
// matched against; views into storage its binder owns.
struct NativeAccessRequest {
  const void* roots[ir::kRootCount] = {};
  std::size_t issuer = SIZE_MAX;  // the token's issuer (index in NativePolicy's order), if any
  interp::AccessSubject subject;
};

// A request bound by the interpreter's binder, with the values and cells its views point into.
struct OwnedIssueRequest {
  explicit OwnedIssueRequest(interp::BoundIssueRequest b) : bound(std::move(b)) {}
  interp::BoundIssueRequest bound;
  stdlib::Arena arena;
  NativeIssueRequest request;
};

// The interpreter's constant values, for lowering to use as literals (ir::lower).
ir::ConstantValues constant_values_of(const interp::Interpreter& interpreter);

// Shorter candidate lists run about as fast as an index lookup.
inline constexpr std::size_t kClaimIndexFrom = 8;

class NativePolicy {
 public:
  // Lowers and compiles the interpreter's policy set; fails if a construct is not supported
  // natively or code generation fails (the engine then keeps the interpreter).
  // `index_from`: candidate lists of at least this many rules get a claim index (CandidateSet).
  static Result<std::shared_ptr<const NativePolicy>> create(std::shared_ptr<const interp::Interpreter> interpreter,
                                                            codegen::CompileOptions options = {},
                                                            std::size_t index_from = kClaimIndexFrom);

  // With `options.explain`, the explanation is built from the outcomes the compiled rules
  // returned; the interpreter only words why a condition was false.
  // Explanations need the interpreter (`explainer`), which words why conditions were false.
  Decision decide(const nlohmann::json& request, DecideOptions options = {},
                  const interp::Interpreter* explainer = nullptr) const;
  // The same policy from a bundle's runtime image and object code: nothing parsed, checked,
  // lowered or generated.
  static Result<std::shared_ptr<const NativePolicy>> load(PolicyImage image, std::int64_t max_ttl,
                                                          const codegen::LoadOptions& options,
                                                          const std::vector<std::string>& objects,
                                                          std::size_t index_from = kClaimIndexFrom);
  // A deny for a request that fails its checks, stamped with the policy version.
  Decision deny(Reason reason, std::string detail) const { return binder_.deny(reason, std::move(detail)); }
  std::variant<std::unique_ptr<OwnedIssueRequest>, Decision> bind_issue(const nlohmann::json& request) const;
  // The hot path: no allocation once `context` is warm. The verdict's views stay valid until
  // the context is reset or reused.
  void decide_issue(const NativeIssueRequest& request, DecisionContext& context, Verdict& verdict) const;
  Decision to_decision(const DecisionContext& context, const Verdict& verdict) const;
  Decision decide_bound(const NativeIssueRequest& request) const;
  // An access decision: the rules the access index selects, in policy order. No grant.
  void decide_access(const NativeAccessRequest& request, DecisionContext& context, Verdict& verdict) const;
  // Why each candidate rule matched or not, from the outcomes `context` recorded and the
  // request's values in `env` (the roots by name): the interpreter's explanation, to the letter.
  std::vector<RuleTrace> explain(const DecisionContext& context, interp::Env& env,
                                 const interp::Interpreter& explainer) const;

  // Straight from JSON text (issue or access), the fast way: false if `context`'s binder cannot
  // bind the request (it is invalid or unusual), and the caller must then take `decide` for the
  // exact answer.
  bool decide_json(std::string_view request, DecisionContext& context, Verdict& verdict) const;

  // What binders need to know.
  const std::vector<const IssuerInfo*>& issuers() const { return issuers_; }
  // Sets `request.candidates` and `request.all_candidates` for its role and issuer with one
  // lookup: every rule for them, and those to run given the bound token (a record block): every
  // rule less those whose first condition tests an indexed claim against another value.
  void resolve_candidates(NativeIssueRequest& request, const std::uint8_t* token) const;
  // How the JSON fast path reads this policy's requests.
  const BindPlan& bind_plan() const { return *bind_plan_; }
  std::int64_t max_ttl() const { return max_ttl_; }
  const interp::RuntimePolicy& policy() const { return *policy_; }

  const ir::Policy& ir() const { return ir_; }
  const codegen::CompiledPolicy& code() const { return *code_; }

 private:
  NativePolicy(std::shared_ptr<const interp::RuntimePolicy> policy, std::int64_t max_ttl, ir::Policy ir,
               std::unique_ptr<codegen::CompiledPolicy> code, std::size_t index_from);
  Decision decide_issue_json(const nlohmann::json& request, DecideOptions options,
                             const interp::Interpreter* explainer) const;
  Decision decide_access_json(const nlohmann::json& request, DecideOptions options,
                              const interp::Interpreter* explainer) const;
  void run_rule(std::uint32_t rule, const void* const* roots, DecisionContext& context) const;
  // The cold path of run_rule: a rule that erred (or returned an outcome it cannot).
  [[gnu::cold, gnu::noinline]] void record_error(std::uint32_t rule, std::uint32_t outcome,
                                                 DecisionContext& context) const;
  // The effect of the tallied outcomes, before any grant.
  static void tally_effect(const DecisionContext& context, Verdict& verdict);
  std::string error_message(const ir::Rule& rule, std::uint32_t outcome, const WritScratch& scratch) const;
  // What the hot path reads of each rule, kept apart from the IR (one small record per rule).
  struct RuleFacts {
    bool forbid = false;
    std::uint32_t grant_mask = 0;             // bit k: the rule's grant sets ir::GrantKey k
    std::vector<std::string_view> tag_names;  // its tags' field names, read when settling
  };
  // Fills `g` (default-constructed) with what a rule's grant computed into `scratch`.
  static void grant_of(const RuleFacts& facts, const WritScratch& scratch, GrantPart& g);

  std::shared_ptr<const interp::RuntimePolicy> policy_;
  interp::RequestBinder binder_;
  std::int64_t max_ttl_;
  ir::Policy ir_;
  std::unique_ptr<codegen::CompiledPolicy> code_;
  std::vector<std::string> issuer_names_;
  std::vector<const IssuerInfo*> issuers_;  // in issuer_names_ order
  std::unique_ptr<const BindPlan> bind_plan_;
  // Issue candidates per role and issuer (by index), in policy order, with the rules for
  // every role merged in.
  struct RoleHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // Rule indexing within a role: when most of a long candidate list begins with `token.f == "v"`
  // for one required string claim f, the rules are grouped by v. A rule whose first condition
  // is false neither matches, errs nor grants, so running only the group for the token's value
  // (with the rules that do not begin so, merged in policy order) decides the same.
  struct CandidateSet {
    std::vector<std::uint32_t> all;
    std::int32_t field = -1;  // the indexed claim (index in the issuer's token type), or -1
    std::unordered_map<std::string, std::vector<std::uint32_t>, RoleHash, std::equal_to<>> by_value;
    std::vector<std::uint32_t> otherwise;  // for any other value
  };
  using CandidateLists = std::vector<CandidateSet>;
  void index_by_claim(CandidateSet& set, std::size_t issuer, std::size_t index_from) const;
  std::unordered_map<std::string, CandidateLists, RoleHash, std::equal_to<>> candidates_by_role_;
  CandidateLists candidates_any_role_;
  // What each rule's grant computes: which outputs, and the record type of its tags.
  std::vector<RuleFacts> rule_facts_;  // by rule index
  AccessIndex access_index_;           // over the access rules
};

}  // namespace writ::engine
