// Issuance and access decisions: token checks, candidate rules, fail-closed rule outcomes and
// grant computation.
#include "runtime/interp/interpreter.h"

#include <openssl/evp.h>

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "compiler/fmt/format.h"
#include "runtime/bind/bind.h"
#include "runtime/bind/json_reader.h"
#include "runtime/interp/explain.h"
#include "runtime/interp/grant.h"
#include "stdlib/glob.h"
#include "stdlib/spiffe_id.h"

namespace writ {
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

bool name_set_matches(const ast::NameSet& set, std::string_view value) {
  if (set.any) return true;
  return std::any_of(set.items.begin(), set.items.end(),
                     [&](const auto& item) { return stdlib::glob_match(item.text, value); });
}

Type schema_type(const Program& program, const std::string& name) {
  auto it = program.schemas.find(name);
  return it == program.schemas.end() ? Type::error() : Type::record(it->second);
}

const Value* field(const Value& record, std::string_view name) {
  const auto& fields = record.as_record().fields;
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
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
      d.reason = "forbid";
      d.rules = forbids;
    } else if (!permits.empty()) {
      d.allow = true;
      d.reason = "permit";
      d.rules = permits;
    } else {
      d.reason = "no_permit";
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
    t.condition = (failed->is_let ? "let " + failed->let_name + " = " : std::string()) + format_expr(*failed->expr);
  }
  t.because = std::move(because);
  if (t.outcome == "matched") {
    for (const ast::Condition& c : rule.decl->conditions) {
      if (!c.is_let) t.held.push_back(format_expr(*c.expr));
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

std::string policy_version_hash(const LoadedPolicySet& policy) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (FileId id : policy.user_files) {
    const SourceFile& f = policy.sources.file(id);
    std::string header = fmt::format("{}\n{}\n", f.path(), f.text().size());
    EVP_DigestUpdate(ctx, header.data(), header.size());
    EVP_DigestUpdate(ctx, f.text().data(), f.text().size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
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
      version_(policy_version_hash(*policy_)) {
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

Decision Interpreter::deny(std::string reason, std::string detail) const {
  Decision d;
  d.reason = std::move(reason);
  d.detail = std::move(detail);
  d.policy_version = version_;
  return d;
}

std::string Interpreter::location(const RuleInfo& rule) const {
  if (!rule.decl->span.valid()) return "";
  const SourceFile& file = policy_->sources.file(rule.decl->span.file);
  return fmt::format("{}:{}", file.path(), file.line_column(rule.decl->head_span.begin).line);
}

Decision Interpreter::decide_text(std::string_view request_json, DecideOptions options) const {
  auto parsed = read_json_strict(request_json);
  if (!parsed) return deny("request.invalid", parsed.error());
  return decide(*parsed, options);
}

Decision Interpreter::decide(const json& request, DecideOptions options) const {
  try {
    if (!request.is_object()) return deny("request.invalid", "the request must be a JSON object");
    auto kind = request.find("kind");
    if (kind == request.end() || !kind->is_string())
      return deny("request.invalid", "`kind` must be \"issue\" or \"access\"");
    Decision d = *kind == "issue"    ? decide_issue(request, options)
                 : *kind == "access" ? decide_access(request, options)
                                     : deny("request.invalid", "`kind` must be \"issue\" or \"access\"");
    d.explained = options.explain;
    return d;
  } catch (const std::exception& e) {
    return deny("request.invalid", fmt::format("the request cannot be read: {}", e.what()));
  }
}

Decision Interpreter::decide_issue(const json& in, DecideOptions options) const {
  auto bound = bind_issue(in);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  return decide_bound(std::get<BoundIssueRequest>(bound), options);
}

std::variant<BoundIssueRequest, Decision> Interpreter::bind_issue(const json& in) const {
  const Program& program = policy_->program;
  // The issuer that verified the token, as the broker says; the token does not choose it.
  auto issuer_name = in.find("issuer");
  if (issuer_name == in.end() || !issuer_name->is_string())
    return deny("request.invalid", "`issuer` must name a declared issuer");
  auto issuer_it = program.issuers.find(issuer_name->get<std::string>());
  if (issuer_it == program.issuers.end()) {
    return deny("issuer.unknown", fmt::format("`{}` is not a declared issuer", issuer_name->get<std::string>()));
  }
  const IssuerInfo& issuer = issuer_it->second;
  auto claims = in.find("claims");
  if (claims == in.end() || !claims->is_object())
    return deny("request.invalid", "`claims` must be the token's claims object");
  auto iss = claims->find("iss");
  if (iss == claims->end() || !iss->is_string() || *iss != issuer.iss) {
    return deny("token.issuer_mismatch", fmt::format("the token's `iss` is not `{}`", issuer.iss));
  }
  auto header = in.find("header");
  if (header == in.end() || !header->is_object() || !header->contains("alg") || !(*header)["alg"].is_string()) {
    return deny("token.algorithm", "the verified JOSE header with its `alg` is required");
  }
  std::string alg = (*header)["alg"].get<std::string>();
  if (std::find(issuer.algorithms.begin(), issuer.algorithms.end(), alg) == issuer.algorithms.end()) {
    return deny("token.algorithm", fmt::format("`{}` is not an algorithm issuer `{}` allows", alg, issuer.name));
  }
  if (!issuer.types.empty()) {
    auto typ = header->find("typ");
    if (typ == header->end() || !typ->is_string() ||
        std::find(issuer.types.begin(), issuer.types.end(), typ->get<std::string>()) == issuer.types.end()) {
      return deny("token.type", "the token's `typ` header is not one the issuer accepts");
    }
  }
  auto token = bind_json(*claims, issuer.token_type, "token");
  if (!token) return deny("token.invalid_claims", token.error());

  // The rest of the request, bound to its schema like the claims.
  json request_json = in.value("request", json::object());
  if (!request_json.is_object()) return deny("request.invalid", "`request` must be an object");
  if (!request_json.contains("scopes")) request_json["scopes"] = json::array();
  auto request = bind_json(request_json, schema_type(program, "writ_issue_request"), "request");
  if (!request) return deny("request.invalid", request.error());
  auto header_value = bind_json(*header, schema_type(program, "writ_jose_header"), "header");
  if (!header_value) return deny("request.invalid", header_value.error());
  json exchange_json = in.value("exchange", json::object());
  if (!exchange_json.is_object()) return deny("request.invalid", "`exchange` must be an object");
  for (const char* list : {"audience", "resource", "scope"}) {
    if (!exchange_json.contains(list)) exchange_json[list] = json::array();
  }
  if (!exchange_json.contains("grant_type"))
    exchange_json["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange";
  if (!exchange_json.contains("subject_token_type"))
    exchange_json["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt";
  if (!exchange_json.contains("actor_token")) exchange_json["actor_token"] = false;
  auto exchange = bind_json(exchange_json, schema_type(program, "writ_token_exchange"), "exchange");
  if (!exchange) return deny("request.invalid", exchange.error());

  // Audience and time validity, with the issuer's leeway.
  const Value* aud = field(*token, "aud");
  bool audience_ok =
      aud != nullptr && std::any_of(aud->as_list().begin(), aud->as_list().end(), [&](const Value& a) {
        return std::find(issuer.audiences.begin(), issuer.audiences.end(), a.as_string()) != issuer.audiences.end();
      });
  if (!audience_ok)
    return deny("token.audience",
                fmt::format("the token's `aud` does not include an audience of issuer `{}`", issuer.name));
  std::int64_t now = field(*request, "time")->as_int();
  std::int64_t leeway = issuer.leeway_seconds;
  const Value* exp = field(*token, "exp");
  if (exp == nullptr) return deny("token.expired", "the token has no `exp`");
  if (!(now < exp->as_int() + leeway)) return deny("token.expired", "the token has expired");
  if (const Value* nbf = field(*token, "nbf"); nbf != nullptr && nbf->as_int() - leeway > now) {
    return deny("token.not_yet_valid", "the token's `nbf` is in the future");
  }
  if (const Value* iat = field(*token, "iat"); iat != nullptr && iat->as_int() - leeway > now) {
    return deny("token.issued_in_future", "the token's `iat` is in the future");
  }

  return BoundIssueRequest{&issuer, std::move(token).value(), std::move(request).value(),
                           std::move(header_value).value(), std::move(exchange).value()};
}

Decision Interpreter::decide_bound(const BoundIssueRequest& bound, DecideOptions options) const {
  const Program& program = policy_->program;
  const IssuerInfo& issuer = *bound.issuer;
  const Value* request = &bound.request;
  const std::string& role = field(bound.request, "role")->as_string();
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

  Decision d = tally.effect(version_);
  if (!d.allow) return d;
  settle_grant(d, tally.grants, requested_grant(*request, options_.max_ttl_seconds));
  return d;
}

RequestedGrant requested_grant(const Value& request, std::int64_t max_ttl) {
  RequestedGrant requested;
  requested.max_ttl = max_ttl;
  if (const Value* ttl = field(request, "ttl")) requested.ttl = ttl->as_int();
  if (const Value* audience = field(request, "audience")) requested.audience = audience->as_string();
  for (const Value& s : field(request, "scopes")->as_list()) requested.scopes.push_back(s.as_string());
  return requested;
}

std::variant<BoundAccessRequest, Decision> Interpreter::bind_access(const json& in) const {
  auto principal = in.find("principal");
  if (principal == in.end() || !principal->is_object() || principal->size() != 1 ||
      !(principal->contains("spiffe") || principal->contains("role")) || !principal->begin()->is_string()) {
    return deny("request.invalid", "`principal` must be {\"spiffe\": \"spiffe://...\"} or {\"role\": \"...\"}");
  }
  BoundAccessRequest bound;
  bound.principal_kind = principal->begin().key();
  bound.principal_name = principal->begin()->get<std::string>();
  bound.valid_spiffe = bound.principal_kind == "spiffe" &&
                       std::holds_alternative<stdlib::SpiffeId>(stdlib::parse_spiffe_id(bound.principal_name));
  json request_json = json::object();
  for (const char* key : {"time", "action", "resource", "source_ip", "broker"}) {
    if (in.contains(key)) request_json[key] = in[key];
  }
  request_json["principal"] = bound.principal_name;
  auto request = bind_json(request_json, schema_type(policy_->program, "writ_access_request"), "request");
  if (!request) return deny("request.invalid", request.error());
  bound.request = std::move(request).value();
  bound.action = field(bound.request, "action")->as_string();
  bound.resource = field(bound.request, "resource")->as_string();
  return bound;
}

bool access_rule_applies(const ast::RuleDecl& r, const BoundAccessRequest& request) {
  if (r.kind != ast::RuleKind::Access) return false;
  if (!name_set_matches(r.actions, request.action) || !name_set_matches(r.resources, request.resource)) return false;
  if (!r.principal_kind.empty()) {
    if (r.principal_kind != request.principal_kind) return false;
    if (request.principal_kind == "spiffe" && !request.valid_spiffe) return false;
    if (!name_set_matches(r.principals, request.principal_name)) return false;
  }
  return true;
}

Decision Interpreter::decide_access(const json& in, DecideOptions options) const {
  auto bound = bind_access(in);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  const BoundAccessRequest& request = std::get<BoundAccessRequest>(bound);
  Env env;
  env.push("request", request.request);
  Tally tally;
  for (const RuleInfo& rule : policy_->program.rules) {
    if (!access_rule_applies(*rule.decl, request)) continue;
    tally.add(rule, evaluate_rule(*evaluator_, rule, env, options.explain), options.explain,
              options.explain ? location(rule) : std::string());
  }
  return tally.effect(version_);
}

}  // namespace writ
