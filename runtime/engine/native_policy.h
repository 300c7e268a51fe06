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
#include "runtime/engine/verdict.h"
#include "runtime/interp/interpreter.h"
#include "stdlib/arena.h"

namespace writ {

// An issuance request laid out for native code. Bind once, decide many times.
struct NativeIssueRequest {
  explicit NativeIssueRequest(BoundIssueRequest b) : bound(std::move(b)) {}
  BoundIssueRequest bound;  // owns the strings the cells point into
  stdlib::Arena arena;      // owns the cells
  const void* roots[4] = {};
  std::size_t issuer = 0;  // index in NativePolicy's issuer order
  std::string_view role;
  const std::vector<std::uint32_t>* candidates = nullptr;  // the role's rules, resolved when bound
  GrantRequest requested;
};

class NativePolicy {
 public:
  // Lowers and compiles the interpreter's policy set; fails if a construct is not supported
  // natively or code generation fails (the engine then keeps the interpreter).
  static Result<std::shared_ptr<const NativePolicy>> create(std::shared_ptr<const Interpreter> interpreter,
                                                            codegen::CompileOptions options = {});

  Decision decide(const nlohmann::json& request) const;
  std::variant<std::unique_ptr<NativeIssueRequest>, Decision> bind_issue(const nlohmann::json& request) const;
  // The hot path: no allocation once `context` is warm. The verdict's views stay valid until
  // the context is reset or reused.
  void decide_issue(const NativeIssueRequest& request, DecisionContext& context, Verdict& verdict) const;
  Decision to_decision(const DecisionContext& context, const Verdict& verdict) const;
  Decision decide_bound(const NativeIssueRequest& request) const;

  const ir::Policy& ir() const { return ir_; }
  const codegen::CompiledPolicy& code() const { return *code_; }

 private:
  NativePolicy(std::shared_ptr<const Interpreter> interpreter, ir::Policy ir,
               std::unique_ptr<codegen::CompiledPolicy> code);
  Decision decide_access(const nlohmann::json& request) const;
  const std::vector<std::uint32_t>& issue_candidates(std::string_view role, std::size_t issuer) const;

  void run_rule(std::uint32_t rule, const void* const* roots, DecisionContext& context) const;
  // The effect of the tallied outcomes, before any grant.
  static void tally_effect(const DecisionContext& context, Verdict& verdict);
  std::string error_message(const ir::Rule& rule, std::uint32_t outcome, const WritScratch& scratch) const;
  GrantPart grant_of(std::uint32_t rule, const WritScratch& scratch) const;

  std::shared_ptr<const Interpreter> interpreter_;
  ir::Policy ir_;
  std::unique_ptr<codegen::CompiledPolicy> code_;
  std::vector<std::string> issuer_names_;
  // Issue candidates per role and issuer (by index), in policy order, with the rules for
  // every role merged in.
  using CandidateLists = std::vector<std::vector<std::uint32_t>>;
  std::unordered_map<std::string, CandidateLists> candidates_by_role_;
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
