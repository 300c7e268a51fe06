// Native decisions: candidate selection, rule functions, fail-closed tally and grant.
#include "runtime/native/native_policy.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "compiler/ir/lower.h"
#include "runtime/bundle/policy_image.h"
#include "runtime/native/cells.h"

namespace writ::engine {

using nlohmann::json;

namespace {

std::optional<std::string_view> optional_text(const Value& record, const char* name) {
  const auto& fields = record.as_record().fields;
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return std::string_view(it->second.as_string());
}

using native::cell_text;

}  // namespace

namespace {

ir::ConstantValue constant_value_of(const Value& v) {
  ir::ConstantValue out;
  switch (v.kind()) {
    case ValueKind::Int:
    case ValueKind::Timestamp:
    case ValueKind::Duration:
      out.kind = ir::ConstantValue::Kind::Int;
      out.number = v.as_int();
      break;
    case ValueKind::Bool:
      out.kind = ir::ConstantValue::Kind::Bool;
      out.number = v.as_bool() ? 1 : 0;
      break;
    case ValueKind::String:
      out.kind = ir::ConstantValue::Kind::Str;
      out.text = v.as_string();
      break;
    case ValueKind::List:
      out.kind = ir::ConstantValue::Kind::List;
      // Lists of scalars only: a list of lists is inlined from its expression, within the inlining
      // budget, since `[c, c]` of a deep `c` shares what a literal would copy out exponentially.
      for (const Value& item : v.as_list()) {
        out.items.push_back(constant_value_of(item));
        if (out.items.back().kind == ir::ConstantValue::Kind::Other ||
            out.items.back().kind == ir::ConstantValue::Kind::List)
          return {};
      }
      break;
    default:
      break;  // records and windows: lowered from their expressions
  }
  return out;
}

}  // namespace

ir::ConstantValues constant_values_of(const interp::Interpreter& interpreter) {
  ir::ConstantValues out;
  for (const auto& [name, value] : interpreter.evaluator().constants()) out.emplace(name, constant_value_of(value));
  return out;
}

Result<std::shared_ptr<const NativePolicy>> NativePolicy::create(std::shared_ptr<const interp::Interpreter> interpreter,
                                                                 codegen::CompileOptions options,
                                                                 std::size_t index_from) {
  ir::ConstantValues constants = constant_values_of(*interpreter);
  auto lowered = ir::lower(interpreter->policy().program, &constants);
  if (!lowered) return std::move(lowered).take_error();
  auto code = codegen::CompiledPolicy::compile(*lowered, options);
  if (!code) return std::move(code).take_error();
  // A statement of its own, so the whole IR is freed before the policy's tables are built.
  ir::Policy skeleton = runtime_skeleton(std::move(lowered).value());
  return std::shared_ptr<const NativePolicy>(
      new NativePolicy(interpreter->runtime_policy(), interpreter->options().max_ttl_seconds, std::move(skeleton),
                       std::move(code).value(), index_from));
}

Result<std::shared_ptr<const NativePolicy>> NativePolicy::load(PolicyImage image, std::int64_t max_ttl,
                                                               const codegen::LoadOptions& options,
                                                               const std::vector<std::string>& objects,
                                                               std::size_t index_from) {
  auto code = codegen::CompiledPolicy::load(image.ir, options, image.layout, objects);
  if (!code) return std::move(code).take_error();
  return std::shared_ptr<const NativePolicy>(
      new NativePolicy(std::move(image.policy), max_ttl, std::move(image.ir), std::move(code).value(), index_from));
}

NativePolicy::NativePolicy(std::shared_ptr<const interp::RuntimePolicy> policy, std::int64_t max_ttl, ir::Policy ir,
                           std::unique_ptr<codegen::CompiledPolicy> code, std::size_t index_from)
    : policy_(std::move(policy)), binder_(policy_), max_ttl_(max_ttl), ir_(std::move(ir)), code_(std::move(code)) {
  const interp::RuntimePolicy& program = *policy_;
  for (const auto& [name, info] : program.issuers) {
    issuer_names_.push_back(name);
    issuers_.push_back(&info);
  }
  bind_plan_ = std::make_unique<const BindPlan>(
      issuers_, *program.schemas.at("writ_jose_header"), *program.schemas.at("writ_issue_request"),
      *program.schemas.at("writ_token_exchange"), *program.schemas.at("writ_access_request"));
  std::vector<std::uint32_t> any_role, access_rules;
  std::unordered_map<std::string, std::vector<std::uint32_t>> named;
  for (std::size_t i = 0; i < program.rules.size(); ++i) {
    const interp::RuleHead& head = program.rules[i];
    auto index = static_cast<std::uint32_t>(i);
    if (head.access) {
      access_rules.push_back(index);
    } else if (head.roles.any) {
      any_role.push_back(index);
    } else {
      for (const std::string& role : head.roles.items) {
        auto& list = named[role];
        if (list.empty() || list.back() != index) list.push_back(index);  // a role listed twice counts once
      }
    }
  }
  // Resolved once here, so a bound request points at one list, in policy order, of the rules
  // for its role and issuer.
  auto per_issuer = [&](const std::vector<std::uint32_t>& rules) {
    CandidateLists lists(issuer_names_.size());
    for (std::size_t k = 0; k < issuer_names_.size(); ++k) {
      for (std::uint32_t r : rules) {
        const auto& issuers = program.rules[r].issuers;  // resolved; empty = every issuer
        if (issuers.empty() || std::find(issuers.begin(), issuers.end(), issuer_names_[k]) != issuers.end()) {
          lists[k].all.push_back(r);
        }
      }
      index_by_claim(lists[k], k, index_from);
    }
    return lists;
  };
  access_index_ = AccessIndex(program, access_rules);
  candidates_any_role_ = per_issuer(any_role);
  for (auto& [role, list] : named) {
    std::vector<std::uint32_t> merged;
    std::merge(list.begin(), list.end(), any_role.begin(), any_role.end(), std::back_inserter(merged));
    candidates_by_role_.emplace(role, per_issuer(merged));
  }
  for (const ir::Rule& rule : ir_.rules) {
    RuleFacts facts;
    facts.forbid = rule.forbid;
    for (const ir::GrantOutput& out : rule.grant) {
      facts.grant_mask |= 1u << static_cast<unsigned>(out.key);
      if (out.key == ir::GrantKey::Tags) {
        for (const FieldInfo& f : ir_.type_of(ir_.node(out.expr)).record().fields) facts.tag_names.push_back(f.name);
      }
    }
    rule_facts_.push_back(std::move(facts));
  }
}

bool NativePolicy::decide_json(std::string_view text, DecisionContext& context, Verdict& verdict) const {
  JsonBinder::Bound bound = context.binder.bind(*this, text);
  if (bound.issue != nullptr) {
    decide_issue(*bound.issue, context, verdict);
    return true;
  }
  if (bound.access != nullptr) {
    decide_access(*bound.access, context, verdict);
    return true;
  }
  return false;
}

void NativePolicy::resolve_candidates(NativeIssueRequest& request, const std::uint8_t* token) const {
  auto it = candidates_by_role_.find(request.role);
  const CandidateSet& set = (it == candidates_by_role_.end() ? candidates_any_role_ : it->second)[request.issuer];
  request.all_candidates = &set.all;
  request.candidates = &set.all;
  if (set.field < 0) return;
  auto field = static_cast<std::size_t>(set.field);
  if (token[native::presence_offset(field)] == 0) return;  // never: the claim is required
  WritCell cell;
  std::memcpy(&cell, token + native::field_offset(field), sizeof cell);
  auto group = set.by_value.find(cell_text(cell));
  request.candidates = group == set.by_value.end() ? &set.otherwise : &group->second;
}

void NativePolicy::index_by_claim(CandidateSet& set, std::size_t issuer, std::size_t index_from) const {
  if (set.all.size() < std::max<std::size_t>(index_from, 1)) return;
  const RecordType& token = issuers_[issuer]->token_type.record();
  // The claim and value a rule's first condition requires, if it is `token.f == "v"` on a
  // required string claim (so always bound, and compared as the cell's text).
  auto first_test = [&](std::uint32_t rule) -> std::optional<std::pair<std::int64_t, std::string>> {
    auto test = ir::first_claim_test(ir_, ir_.rules[rule]);
    if (!test) return std::nullopt;
    auto index = static_cast<std::size_t>(test->field);
    if (index >= token.fields.size() || token.fields[index].name != test->name || token.fields[index].optional ||
        !token.fields[index].type.is_stringy()) {
      return std::nullopt;
    }
    return std::make_pair(test->field, test->value);
  };
  std::map<std::int64_t, std::size_t> uses;
  for (std::uint32_t rule : set.all) {
    if (auto test = first_test(rule)) ++uses[test->first];
  }
  auto best = std::max_element(uses.begin(), uses.end(), [](auto& a, auto& b) { return a.second < b.second; });
  if (best == uses.end() || best->second * 2 < set.all.size()) return;
  for (std::uint32_t rule : set.all) {
    auto test = first_test(rule);
    if (test && test->first == best->first) {
      set.by_value[test->second].push_back(rule);
    } else {
      set.otherwise.push_back(rule);
    }
  }
  // Each group runs with the unindexed rules, in policy order; a group per value is cheap as
  // long as few rules are unindexed, so give up past a bound.
  if (set.otherwise.size() * set.by_value.size() > (1u << 20)) {
    set.by_value.clear();
    set.otherwise.clear();
    return;
  }
  for (auto& [value, group] : set.by_value) {
    std::vector<std::uint32_t> merged;
    std::merge(group.begin(), group.end(), set.otherwise.begin(), set.otherwise.end(), std::back_inserter(merged));
    group = std::move(merged);
  }
  set.field = static_cast<std::int32_t>(best->first);
}

Decision NativePolicy::decide(const json& request, DecideOptions options, const interp::Interpreter* explainer) const {
  Decision d;
  try {
    auto kind = request.is_object() ? request.find("kind") : request.end();
    if (!request.is_object()) {
      d = binder_.deny(Reason::RequestInvalid, "the request must be a JSON object");
    } else if (kind != request.end() && *kind == "access") {
      d = decide_access_json(request, options, explainer);
    } else if (kind == request.end() || *kind != "issue") {
      d = binder_.deny(Reason::RequestInvalid, "`kind` must be \"issue\" or \"access\"");
    } else {
      d = decide_issue_json(request, options, explainer);
    }
  } catch (const std::exception& e) {
    d = binder_.deny(Reason::RequestInvalid, fmt::format("the request cannot be read: {}", e.what()));
  }
  d.explained = options.explain;
  return d;
}

Decision NativePolicy::decide_issue_json(const json& request, DecideOptions options,
                                         const interp::Interpreter* explainer) const {
  auto bound = bind_issue(request);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  const OwnedIssueRequest& owned = *std::get<std::unique_ptr<OwnedIssueRequest>>(bound);
  DecisionContext context;
  Verdict verdict;
  NativeIssueRequest request_view = owned.request;
  // An explanation reports on every candidate, as the interpreter's does, not only those the
  // claim index leaves to run (the decision is the same).
  if (options.explain) request_view.candidates = request_view.all_candidates;
  decide_issue(request_view, context, verdict);
  Decision d = to_decision(context, verdict);
  if (options.explain && explainer != nullptr) {
    interp::Env env;
    env.push("token", owned.bound.token);
    env.push("request", owned.bound.request);
    env.push("header", owned.bound.header);
    env.push("exchange", owned.bound.exchange);
    d.explanation = explain(context, env, *explainer);
  }
  return d;
}

std::vector<RuleTrace> NativePolicy::explain(const DecisionContext& context, interp::Env& env,
                                             const interp::Interpreter& explainer) const {
  const Program& program = explainer.policy().program;
  std::vector<RuleTrace> trace;
  auto error = context.errors.begin();  // errors are in the order of the outcomes that erred
  for (const RuleOutcome& o : context.outcomes) {
    const RuleInfo& rule = program.rules[o.rule];
    const auto& conditions = rule.decl->conditions;
    std::uint32_t kind = native::outcome_kind(o.outcome);
    std::uint32_t step = native::outcome_step(o.outcome);
    const ast::Condition* failed = step < conditions.size() ? &conditions[step] : nullptr;
    std::string because;
    const char* outcome = "matched";
    if (kind == native::kNotMatched) {
      outcome = "not_matched";
      because = explainer.explain_condition(rule, step, env);
    } else if (kind != native::kMatched) {
      outcome = "error";
      if (error != context.errors.end() && error->rule == o.rule) because = (error++)->message;
    } else {
      failed = nullptr;
    }
    trace.push_back(interp::rule_trace(rule, outcome, failed, std::move(because), policy_->rules[o.rule].location));
  }
  return trace;
}

std::variant<std::unique_ptr<OwnedIssueRequest>, Decision> NativePolicy::bind_issue(const json& request) const {
  auto bound = binder_.bind_issue(request);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  auto owned = std::make_unique<OwnedIssueRequest>(std::move(std::get<interp::BoundIssueRequest>(bound)));
  const interp::BoundIssueRequest& b = owned->bound;
  NativeIssueRequest* native = &owned->request;
  auto schema = [&](const char* name) { return Type::record(policy_->schemas.at(name)); };
  auto root = [&](const Value& v, const Type& t) {
    return reinterpret_cast<const void*>(to_cell(v, t, owned->arena).a);
  };
  native->roots[ir::kRootToken] = root(b.token, b.issuer->token_type);
  native->roots[ir::kRootRequest] = root(b.request, schema("writ_issue_request"));
  native->roots[ir::kRootHeader] = root(b.header, schema("writ_jose_header"));
  native->roots[ir::kRootExchange] = root(b.exchange, schema("writ_token_exchange"));
  native->issuer = static_cast<std::size_t>(std::find(issuer_names_.begin(), issuer_names_.end(), b.issuer->name) -
                                            issuer_names_.begin());
  native->role = b.request.as_record().fields.at("role").as_string();
  resolve_candidates(*native, static_cast<const std::uint8_t*>(native->roots[ir::kRootToken]));
  const auto& fields = b.request.as_record().fields;
  GrantRequest& requested = native->requested;
  requested.max_ttl = max_ttl_;
  if (auto ttl = fields.find("ttl"); ttl != fields.end()) requested.ttl = ttl->second.as_int();
  requested.audience = optional_text(b.request, "audience");
  for (const Value& scope : fields.at("scopes").as_list()) requested.scopes.push_back(scope.as_string());
  return owned;
}

// Inline into the decision loops: a call per candidate cost more than the bookkeeping itself.
inline void NativePolicy::run_rule(std::uint32_t index, const void* const* roots, DecisionContext& context) const {
  // Rules write only what they report: an error, or a matching permit's grant outputs.
  WritScratch& scratch = context.scratch;
  scratch.error_kind = native::kErrorNone;
  std::uint32_t outcome = code_->run(index, roots, &scratch);
  if (context.record_outcomes) context.outcomes.push_back({index, outcome});
  const RuleFacts& facts = rule_facts_[index];
  switch (native::outcome_kind(outcome)) {
    case native::kNotMatched:
      return;
    case native::kMatched:
      if (facts.forbid) {
        context.forbids.push_back(index);
      } else {
        context.permits.push_back(index);
        // Filled in place: copying a returned GrantPart stalled on store forwarding (a quarter
        // of a small policy's decision).
        grant_of(facts, scratch, context.grants.emplace_back());
      }
      return;
    default:
      return record_error(index, outcome, context);
  }
}

void NativePolicy::record_error(std::uint32_t index, std::uint32_t outcome, DecisionContext& context) const {
  if (native::outcome_kind(outcome) == native::kErrored) {
    context.errors.push_back({index, error_message(ir_.rules[index], outcome, context.scratch)});
  } else {
    context.errors.push_back({index, "internal error: unknown rule outcome"});  // never happens
  }
  // Fail closed: an erring forbid matches; an erring permit does not.
  if (rule_facts_[index].forbid) context.forbids.push_back(index);
}

std::string NativePolicy::error_message(const ir::Rule& rule, std::uint32_t outcome, const WritScratch& scratch) const {
  std::string message;
  switch (scratch.error_kind) {
    case native::kErrorSite:
      message = ir_.sites.at(scratch.error_site);
      break;
    case native::kErrorIndex:
      message =
          fmt::format(fmt::runtime(ir_.sites.at(scratch.error_site)), scratch.error_ints[0], scratch.error_ints[1]);
      break;
    case native::kErrorText:
      message.assign(scratch.error_text, scratch.error_text_size);
      break;
    case native::kErrorDivideByZero:
      message = ir_.sites.at(scratch.error_site + 1);
      break;
    default:
      message = "internal error: an error without a message";
      break;
  }
  std::uint32_t step = native::outcome_step(outcome);
  if (step >= native::kGrantStep && step - native::kGrantStep < rule.grant.size()) {
    static constexpr const char* kKeys[] = {"ttl", "audience", "scopes", "tags"};
    message =
        fmt::format("grant `{}`: {}", kKeys[static_cast<int>(rule.grant[step - native::kGrantStep].key)], message);
  }
  return message;
}

inline void NativePolicy::grant_of(const RuleFacts& facts, const WritScratch& scratch, GrantPart& g) {
  if (facts.grant_mask == 0) return;
  auto has = [&](ir::GrantKey key) { return (facts.grant_mask & (1u << static_cast<unsigned>(key))) != 0; };
  if (has(ir::GrantKey::Ttl)) g.ttl = scratch.grant_ttl;
  if (has(ir::GrantKey::Audience)) g.audience = cell_text(scratch.grant_audience);
  if (has(ir::GrantKey::Scopes)) {
    g.scopes = reinterpret_cast<const WritCell*>(scratch.grant_scopes.a);
    g.scope_count = scratch.grant_scopes.b;
  }
  if (has(ir::GrantKey::Tags)) {
    g.tags = reinterpret_cast<const std::uint8_t*>(scratch.grant_tags.a);
    g.tag_names = facts.tag_names.data();
    g.tag_count = facts.tag_names.size();
  }
}

void NativePolicy::tally_effect(const DecisionContext& context, Verdict& verdict) {
  verdict = Verdict{};
  if (!context.forbids.empty()) {
    verdict.reason = Reason::Forbid;
  } else if (!context.permits.empty()) {
    verdict.allow = true;
    verdict.reason = Reason::Permit;
  }
}

// Flattened: GCC otherwise calls out of line for the vectors' push_back and the arena's reset,
// a tenth of a small policy's decision. Error paths stay out of line (record_error is noinline).
[[gnu::flatten]] void NativePolicy::decide_issue(const NativeIssueRequest& request, DecisionContext& context,
                                                 Verdict& verdict) const {
  context.reset();
  for (std::uint32_t index : *request.candidates) run_rule(index, request.roots, context);
  tally_effect(context, verdict);
  if (verdict.allow) settle_native_grant(context, request.requested, verdict);
}

Decision NativePolicy::decide_bound(const NativeIssueRequest& request) const {
  DecisionContext context;
  Verdict verdict;
  decide_issue(request, context, verdict);
  return to_decision(context, verdict);
}

Decision NativePolicy::to_decision(const DecisionContext& context, const Verdict& verdict) const {
  const interp::RuntimePolicy& program = *policy_;
  Decision d = binder_.deny(verdict.reason, "");
  d.allow = verdict.allow;
  for (const NativeRuleError& e : context.errors) d.errors.push_back({program.rules[e.rule].id, e.message});
  if (verdict.reason == Reason::NoPermit) return d;
  for (std::uint32_t index : verdict.reason == Reason::Forbid ? context.forbids : context.permits) {
    d.rules.push_back(program.rules[index].id);
  }
  if (reason_code(verdict.reason).starts_with("grant."))
    d.detail = interp::grant_refusal_detail(verdict.reason, verdict.refused);
  if (verdict.allow && !context.grants.empty()) {
    Grant g;
    g.ttl = verdict.ttl;
    if (verdict.audience) g.audience = std::string(*verdict.audience);
    for (std::string_view s : context.scopes) g.scopes.emplace_back(s);
    for (const auto& [k, v] : context.tags) g.tags.emplace(std::string(k), std::string(v));
    d.grant = std::move(g);
  }
  return d;
}

void NativePolicy::decide_access(const NativeAccessRequest& request, DecisionContext& context, Verdict& verdict) const {
  context.reset();
  access_index_.candidates(request.subject, context.access_candidates);
  for (std::uint32_t index : context.access_candidates) {
    if (access_index_.head(index).applies(request.subject)) run_rule(index, request.roots, context);
  }
  context.grants.clear();  // a matching permit leaves a grant part; access decisions grant nothing
  tally_effect(context, verdict);
}

Decision NativePolicy::decide_access_json(const json& in, DecideOptions options,
                                          const interp::Interpreter* explainer) const {
  auto bound = binder_.bind_access(in);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  const interp::BoundAccessRequest& request = std::get<interp::BoundAccessRequest>(bound);
  stdlib::Arena arena;
  NativeAccessRequest native;
  auto root = [&](const Value& v, const Type& t) { return reinterpret_cast<const void*>(to_cell(v, t, arena).a); };
  native.roots[ir::kRootRequest] = root(request.request, Type::record(policy_->schemas.at("writ_access_request")));
  if (request.token) {
    native.roots[ir::kRootToken] = root(request.token->token, request.token->issuer->token_type);
    native.roots[ir::kRootHeader] = root(request.token->header, Type::record(policy_->schemas.at("writ_jose_header")));
  }
  native.subject = request.subject();
  DecisionContext context;
  Verdict verdict;
  decide_access(native, context, verdict);
  Decision d = to_decision(context, verdict);
  if (options.explain && explainer != nullptr) {
    interp::Env env;
    if (request.token) {
      env.push("token", request.token->token);
      env.push("header", request.token->header);
    }
    env.push("request", request.request);
    d.explanation = explain(context, env, *explainer);
  }
  return d;
}

}  // namespace writ::engine
