// Deciding with native code: requests are checked and bound as the interpreter does, laid out
// in cells, and given to the compiled rule functions of the candidate rules.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/codegen/compiled_policy.h"
#include "compiler/ir/ir.h"
#include "runtime/engine/field_table.h"
#include "runtime/engine/policy_image.h"
#include "runtime/engine/verdict.h"
#include "runtime/interp/interpreter.h"
#include "stdlib/arena.h"

namespace writ {

// An issuance request laid out for native code: views into storage its binder owns (the
// JSON binder's buffers, or an OwnedIssueRequest). Bind once, decide many times.
struct NativeIssueRequest {
  const void* roots[4] = {};
  std::size_t issuer = 0;  // index in NativePolicy's issuer order
  std::string_view role;
  const std::vector<std::uint32_t>* candidates = nullptr;  // for the role and issuer, resolved when bound
  GrantRequest requested;
};

// A request bound by the interpreter's binder, with the values and cells its views point into.
struct OwnedIssueRequest {
  explicit OwnedIssueRequest(BoundIssueRequest b) : bound(std::move(b)) {}
  BoundIssueRequest bound;
  stdlib::Arena arena;
  NativeIssueRequest request;
};

class NativePolicy {
 public:
  // Lowers and compiles the interpreter's policy set; fails if a construct is not supported
  // natively or code generation fails (the engine then keeps the interpreter).
  static Result<std::shared_ptr<const NativePolicy>> create(std::shared_ptr<const Interpreter> interpreter,
                                                            codegen::CompileOptions options = {});

  // With `options.explain`, the explanation is built from the outcomes the compiled rules
  // returned; the interpreter only words why a condition was false.
  // Explanations need the interpreter (`explainer`), which words why conditions were false.
  Decision decide(const nlohmann::json& request, DecideOptions options = {},
                  const Interpreter* explainer = nullptr) const;
  // The same policy from a bundle's runtime image and object code: nothing parsed, checked,
  // lowered or generated.
  static Result<std::shared_ptr<const NativePolicy>> load(PolicyImage image, std::int64_t max_ttl,
                                                          const codegen::LoadOptions& options,
                                                          const std::vector<std::string>& objects);
  // A deny for a request that fails its checks, stamped with the policy version.
  Decision deny(std::string reason, std::string detail) const {
    return binder_.deny(std::move(reason), std::move(detail));
  }
  std::variant<std::unique_ptr<OwnedIssueRequest>, Decision> bind_issue(const nlohmann::json& request) const;
  // The hot path: no allocation once `context` is warm. The verdict's views stay valid until
  // the context is reset or reused.
  void decide_issue(const NativeIssueRequest& request, DecisionContext& context, Verdict& verdict) const;
  Decision to_decision(const DecisionContext& context, const Verdict& verdict) const;
  Decision decide_bound(const NativeIssueRequest& request) const;
  // Why each candidate rule matched or not, from the outcomes `context` recorded and the
  // request's values in `env` (the roots by name): the interpreter's explanation, to the letter.
  std::vector<RuleTrace> explain(const DecisionContext& context, Env& env, const Interpreter& explainer) const;

  // Straight from JSON text, the fast way: false if `context`'s binder cannot bind the request
  // (it is invalid or unusual), and the caller must then take `decide` for the exact answer.
  bool decide_json(std::string_view request, DecisionContext& context, Verdict& verdict) const;

  // What binders need to know.
  const std::vector<const IssuerInfo*>& issuers() const { return issuers_; }
  const std::vector<std::uint32_t>& issue_candidates(std::string_view role, std::size_t issuer) const;
  const FieldTable* field_table(const RecordType& type) const;
  const RecordType& request_schema() const { return *request_schema_; }
  const RecordType& header_schema() const { return *header_schema_; }
  const RecordType& exchange_schema() const { return *exchange_schema_; }
  std::int64_t max_ttl() const { return max_ttl_; }
  const RuntimePolicy& policy() const { return *policy_; }

  const ir::Policy& ir() const { return ir_; }
  const codegen::CompiledPolicy& code() const { return *code_; }

 private:
  NativePolicy(std::shared_ptr<const RuntimePolicy> policy, std::int64_t max_ttl, ir::Policy ir,
               std::unique_ptr<codegen::CompiledPolicy> code);
  Decision decide_issue_json(const nlohmann::json& request, DecideOptions options, const Interpreter* explainer) const;
  Decision decide_access(const nlohmann::json& request, DecideOptions options, const Interpreter* explainer) const;
  void add_field_tables(const Type& type);
  void run_rule(std::uint32_t rule, const void* const* roots, DecisionContext& context) const;
  // The effect of the tallied outcomes, before any grant.
  static void tally_effect(const DecisionContext& context, Verdict& verdict);
  std::string error_message(const ir::Rule& rule, std::uint32_t outcome, const WritScratch& scratch) const;
  GrantPart grant_of(std::uint32_t rule, const WritScratch& scratch) const;

  std::shared_ptr<const RuntimePolicy> policy_;
  RequestBinder binder_;
  std::int64_t max_ttl_;
  ir::Policy ir_;
  std::unique_ptr<codegen::CompiledPolicy> code_;
  std::vector<std::string> issuer_names_;
  std::vector<const IssuerInfo*> issuers_;  // in issuer_names_ order
  const RecordType* request_schema_ = nullptr;
  const RecordType* header_schema_ = nullptr;
  const RecordType* exchange_schema_ = nullptr;
  std::unordered_map<const RecordType*, FieldTable> field_tables_;  // every record type a request binds
  // Issue candidates per role and issuer (by index), in policy order, with the rules for
  // every role merged in.
  using CandidateLists = std::vector<std::vector<std::uint32_t>>;
  struct RoleHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, CandidateLists, RoleHash, std::equal_to<>> candidates_by_role_;
  CandidateLists candidates_any_role_;
  // What each rule's grant computes: which outputs, and the record type of its tags.
  struct GrantLayout {
    std::uint32_t mask = 0;
    const RecordType* tags = nullptr;
  };
  std::vector<GrantLayout> grant_layouts_;
  std::vector<std::uint32_t> access_rules_;
};

}  // namespace writ
