// Issuance and access decisions: token checks, candidate rules, fail-closed rule outcomes and
// grant computation.
#include "runtime/interp/interpreter.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "compiler/ast/print.h"
#include "runtime/bind/bind.h"
#include "runtime/bind/json_reader.h"
#include "runtime/interp/explain.h"
#include "runtime/interp/grant.h"
#include "stdlib/glob.h"
#include "stdlib/spiffe_id.h"

namespace writ::interp {
namespace {

using nlohmann::json;

enum class Outcome { Matched, NotMatched, Errored };

struct RuleResult {
  Outcome outcome = Outcome::NotMatched;
  std::string error;
  Grant grant;                             // for matched permit issue rules
  const ast::Condition* failed = nullptr;  // the condition that was false or erred
  std::string because;                     // with explain: why it was false
};

bool name_set_contains(const ast::NameSet& set, std::string_view name) {
  if (set.any) return true;
  return std::any_of(set.items.begin(), set.items.end(), [&](const auto& item) { return item.text == name; });
}

// Evaluates a rule's conditions (and, for a matching permit, its grant) in `env`.
RuleResult evaluate_rule(const Evaluator& evaluator, const RuleInfo& rule, Env& env, bool explain) {
  RuleResult result;
  std::size_t mark = env.size();
  try {
    for (const ast::Condition& c : rule.decl->conditions) {
      auto v = evaluator.eval(*c.expr, env);
      if (!v) {
        result = {Outcome::Errored, v.error(), {}, &c, v.error()};
        env.truncate(mark);
        return result;
      }
      if (c.is_let) {
        env.push(c.let_name, std::move(v).value());
      } else if (!v->as_bool()) {
        result = {Outcome::NotMatched, {}, {}, &c, explain ? explain_false(evaluator, *c.expr, env) : std::string()};
        env.truncate(mark);
        return result;
      }
    }
    result.outcome = Outcome::Matched;
    if (rule.decl->effect == ast::Effect::Permit) {
      for (const ast::Setting& s : rule.decl->grant) {
        auto v = evaluator.eval(*s.value, env);
        if (!v) {
          env.truncate(mark);
          std::string message = fmt::format("grant `{}`: {}", s.key, v.error());
          return {Outcome::Errored, message, {}, nullptr, message};
        }
        if (s.key == "ttl") result.grant.ttl = v->as_int();
        if (s.key == "audience") result.grant.audience = v->as_string();
        if (s.key == "scopes") {
          for (const Value& item : v->as_list()) result.grant.scopes.push_back(item.as_string());
        }
        if (s.key == "tags") {
          for (const auto& [k, tag] : v->as_record().fields) result.grant.tags[k] = tag.as_string();
        }
      }
    }
  } catch (const std::exception& e) {
    // A value of an unexpected kind means a bug, not a reason to allow: the rule errs.
    std::string message = fmt::format("internal evaluation error: {}", e.what());
    result = {Outcome::Errored, message, {}, nullptr, message};
  }
  env.truncate(mark);
  return result;
}

// Combines the outcomes of candidate rules into a decision (docs/semantics.md §1, §5).
struct Tally {
  std::vector<std::string> permits, forbids;
  std::vector<Grant> grants;
  std::vector<RuleError> errors;
  std::vector<RuleTrace> trace;

  // The effect of the tallied outcomes (docs/semantics.md §1), without any grant.
  Decision effect(const std::string& version) {
    Decision d;
    d.policy_version = version;
    d.errors = std::move(errors);
    d.explanation = std::move(trace);
    if (!forbids.empty()) {
      d.reason = Reason::Forbid;
      d.rules = forbids;
    } else if (!permits.empty()) {
      d.allow = true;
      d.reason = Reason::Permit;
      d.rules = permits;
    } else {
      d.reason = Reason::NoPermit;
    }
    return d;
  }

  void add(const RuleInfo& rule, const RuleResult& r, bool explain, std::string location) {
    if (explain) {
      const char* outcome = r.outcome == Outcome::Matched   ? "matched"
                            : r.outcome == Outcome::Errored ? "error"
                                                            : "not_matched";
      trace.push_back(rule_trace(rule, outcome, r.failed, r.because, std::move(location)));
    }
    bool forbid = rule.decl->effect == ast::Effect::Forbid;
    if (r.outcome == Outcome::Errored) errors.push_back({rule.id, r.error});
    // Fail closed: an erring forbid matches; an erring permit does not.
    if (forbid && r.outcome != Outcome::NotMatched) forbids.push_back(rule.id);
    if (!forbid && r.outcome == Outcome::Matched) {
      permits.push_back(rule.id);
      grants.push_back(r.grant);
    }
  }
};

}  // namespace

RuleTrace rule_trace(const RuleInfo& rule, std::string outcome, const ast::Condition* failed, std::string because,
                     std::string location) {
  RuleTrace t;
  t.rule = rule.id;
  t.effect = rule.decl->effect == ast::Effect::Permit ? "permit" : "forbid";
  t.outcome = std::move(outcome);
  t.location = std::move(location);
  if (failed != nullptr) {
    t.condition = (failed->is_let ? "let " + failed->let_name + " = " : std::string()) + ast::print_expr(*failed->expr);
  }
  t.because = std::move(because);
  if (t.outcome == "matched") {
    for (const ast::Condition& c : rule.decl->conditions) {
      if (!c.is_let) t.held.push_back(ast::print_expr(*c.expr));
    }
  }
  return t;
}

std::string Interpreter::explain_condition(const RuleInfo& rule, std::size_t condition, Env& env) const {
  std::size_t mark = env.size();
  const auto& conditions = rule.decl->conditions;
  std::string because;
  // The lets before it held when the rule ran; evaluate them again to have their values.
  for (std::size_t i = 0; i < condition && i < conditions.size(); ++i) {
    if (!conditions[i].is_let) continue;
    auto v = evaluator_->eval(*conditions[i].expr, env);
    if (!v) break;
    env.push(conditions[i].let_name, std::move(v).value());
  }
  if (condition < conditions.size()) because = explain_false(*evaluator_, *conditions[condition].expr, env);
  env.truncate(mark);
  return because;
}

Result<std::shared_ptr<const Interpreter>> Interpreter::create(std::shared_ptr<const LoadedPolicySet> policy,
                                                               InterpreterOptions options) {
  if (policy->diagnostics.has_errors() || !policy->io_errors.empty()) {
    return Error{"the policy set has errors; run `writ check` to see them"};
  }
  auto evaluator = Evaluator::create(policy->program);
  if (!evaluator) return std::move(evaluator).take_error();
  return std::shared_ptr<const Interpreter>(new Interpreter(std::move(policy), std::move(evaluator).value(), options));
}

Interpreter::Interpreter(std::shared_ptr<const LoadedPolicySet> policy, std::shared_ptr<const Evaluator> evaluator,
                         InterpreterOptions options)
    : policy_(std::move(policy)),
      evaluator_(std::move(evaluator)),
      options_(options),
      runtime_(runtime_policy_of(*policy_)),
      binder_(runtime_) {
  const auto& rules = policy_->program.rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const ast::RuleDecl& r = *rules[i].decl;
    if (r.kind != ast::RuleKind::Issue) continue;
    if (r.roles.any) {
      issue_rules_any_role_.push_back(i);
      continue;
    }
    for (const auto& role : r.roles.items) {
      auto& list = issue_rules_by_role_[role.text];
      if (list.empty() || list.back() != i) list.push_back(i);  // a role listed twice counts once
    }
  }
}

std::vector<std::size_t> Interpreter::issue_candidates(const std::string& role) const {
  // Both lists are ascending; merging keeps policy order.
  static const std::vector<std::size_t> kNone;
  auto it = issue_rules_by_role_.find(role);
  const std::vector<std::size_t>& named = it == issue_rules_by_role_.end() ? kNone : it->second;
  std::vector<std::size_t> out;
  out.reserve(named.size() + issue_rules_any_role_.size());
  std::merge(named.begin(), named.end(), issue_rules_any_role_.begin(), issue_rules_any_role_.end(),
             std::back_inserter(out));
  return out;
}

std::string Interpreter::location(const RuleInfo& rule) const {
  // `rule` is one of program.rules: its head, in the same order, knows where it is.
  return runtime_->rules[static_cast<std::size_t>(&rule - policy_->program.rules.data())].location;
}

Decision Interpreter::decide_text(std::string_view request_json, DecideOptions options) const {
  std::string error_at;
  auto parsed = bind::read_json_strict(request_json, {}, &error_at);
  if (!parsed) {
    Decision d = deny(bind::unreadable_request_reason(error_at), parsed.error());
    d.explained = options.explain;
    return d;
  }
  return decide(*parsed, options);
}

Decision Interpreter::decide(const json& request, DecideOptions options) const {
  Decision d;
  try {
    auto kind = request.is_object() ? request.find("kind") : request.end();
    if (!request.is_object()) {
      d = deny(Reason::RequestInvalid, "the request must be a JSON object");
    } else if (kind == request.end() || !kind->is_string()) {
      d = deny(Reason::RequestInvalid, "`kind` must be \"issue\" or \"access\"");
    } else {
      d = *kind == "issue"    ? decide_issue(request, options)
          : *kind == "access" ? decide_access(request, options)
                              : deny(Reason::RequestInvalid, "`kind` must be \"issue\" or \"access\"");
    }
  } catch (const std::exception& e) {
    d = deny(Reason::RequestInvalid, fmt::format("the request cannot be read: {}", e.what()));
  }
  // Asked for, an explanation is always there (empty when no rule was a candidate), as in native code.
  d.explained = options.explain;
  return d;
}

Decision Interpreter::decide_issue(const json& in, DecideOptions options) const {
  auto bound = bind_issue(in);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  return decide_bound(std::get<BoundIssueRequest>(bound), options);
}

Decision Interpreter::decide_bound(const BoundIssueRequest& bound, DecideOptions options) const {
  const Program& program = policy_->program;
  const IssuerInfo& issuer = *bound.issuer;
  const Value* request = &bound.request;
  const std::string& role = bound.request.as_record().fields.at("role").as_string();
  Env env;
  env.push("token", bound.token);
  env.push("request", bound.request);
  env.push("header", bound.header);
  env.push("exchange", bound.exchange);
  Tally tally;
  for (std::size_t index : issue_candidates(role)) {
    const RuleInfo& rule = program.rules[index];
    if (!name_set_contains(rule.decl->issuers, issuer.name)) continue;
    tally.add(rule, evaluate_rule(*evaluator_, rule, env, options.explain), options.explain,
              options.explain ? location(rule) : std::string());
  }

  Decision d = tally.effect(runtime_->version);
  if (!d.allow) return d;
  settle_grant(d, tally.grants, requested_grant(*request, options_.max_ttl_seconds));
  return d;
}

Decision Interpreter::decide_access(const json& in, DecideOptions options) const {
  auto bound = bind_access(in);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  return decide_access_bound(std::get<BoundAccessRequest>(bound), options);
}

Decision Interpreter::decide_access_bound(const BoundAccessRequest& request, DecideOptions options) const {
  Env env;
  if (request.token) {
    env.push("token", request.token->token);
    env.push("header", request.token->header);
  }
  env.push("request", request.request);
  Tally tally;
  const auto& rules = policy_->program.rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& rule = rules[i];
    if (!access_rule_applies(runtime_->rules[i], request.subject())) continue;
    tally.add(rule, evaluate_rule(*evaluator_, rule, env, options.explain), options.explain,
              options.explain ? location(rule) : std::string());
  }
  return tally.effect(runtime_->version);
}

}  // namespace writ::interp
