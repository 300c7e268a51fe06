// Native decisions: candidate selection, rule functions, fail-closed tally and grant.
#include "runtime/engine/native_policy.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "compiler/ir/lower.h"
#include "runtime/engine/cells.h"

namespace writ {

using nlohmann::json;

struct NativePolicy::Tally {
  std::vector<std::string> permits, forbids;
  std::vector<Grant> grants;
  std::vector<RuleError> errors;
};

Result<std::shared_ptr<const NativePolicy>> NativePolicy::create(std::shared_ptr<const Interpreter> interpreter,
                                                                 codegen::CompileOptions options) {
  auto lowered = ir::lower(interpreter->policy().program);
  if (!lowered) return std::move(lowered).take_error();
  auto code = codegen::CompiledPolicy::compile(*lowered, options);
  if (!code) return std::move(code).take_error();
  return std::shared_ptr<const NativePolicy>(
      new NativePolicy(std::move(interpreter), std::move(lowered).value(), std::move(code).value()));
}

NativePolicy::NativePolicy(std::shared_ptr<const Interpreter> interpreter, ir::Policy ir,
                           std::unique_ptr<codegen::CompiledPolicy> code)
    : interpreter_(std::move(interpreter)), ir_(std::move(ir)), code_(std::move(code)) {
  const Program& program = interpreter_->policy().program;
  for (const auto& [name, info] : program.issuers) issuer_names_.push_back(name);
  rule_issuers_.resize(program.rules.size());
  std::unordered_map<std::string, std::vector<std::uint32_t>> named;
  for (std::size_t i = 0; i < program.rules.size(); ++i) {
    const ast::RuleDecl& decl = *program.rules[i].decl;
    auto index = static_cast<std::uint32_t>(i);
    if (decl.kind == ast::RuleKind::Access) {
      access_rules_.push_back(index);
      continue;
    }
    const auto& issuers = program.rules[i].issuers;  // resolved; empty = every issuer
    if (!issuers.empty()) {
      rule_issuers_[i].resize(issuer_names_.size());
      for (std::size_t k = 0; k < issuer_names_.size(); ++k) {
        rule_issuers_[i][k] = std::find(issuers.begin(), issuers.end(), issuer_names_[k]) != issuers.end();
      }
    }
    if (decl.roles.any) {
      candidates_any_role_.push_back(index);
      continue;
    }
    for (const auto& role : decl.roles.items) {
      auto& list = named[role.text];
      if (list.empty() || list.back() != index) list.push_back(index);  // a role listed twice counts once
    }
  }
  // Merged once here, so a decision reads one list in policy order.
  for (auto& [role, list] : named) {
    std::vector<std::uint32_t> merged;
    std::merge(list.begin(), list.end(), candidates_any_role_.begin(), candidates_any_role_.end(),
               std::back_inserter(merged));
    candidates_by_role_.emplace(role, std::move(merged));
  }
}

const std::vector<std::uint32_t>& NativePolicy::issue_candidates(std::string_view role) const {
  auto it = candidates_by_role_.find(std::string(role));
  return it == candidates_by_role_.end() ? candidates_any_role_ : it->second;
}

Decision NativePolicy::decide(const json& request) const {
  try {
    if (!request.is_object()) return interpreter_->deny("request.invalid", "the request must be a JSON object");
    auto kind = request.find("kind");
    if (kind != request.end() && *kind == "access") return decide_access(request);
    if (kind == request.end() || *kind != "issue") {
      return interpreter_->deny("request.invalid", "`kind` must be \"issue\" or \"access\"");
    }
    auto bound = bind_issue(request);
    if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
    return decide_bound(*std::get<std::unique_ptr<NativeIssueRequest>>(bound));
  } catch (const std::exception& e) {
    return interpreter_->deny("request.invalid", fmt::format("the request cannot be read: {}", e.what()));
  }
}

std::variant<std::unique_ptr<NativeIssueRequest>, Decision> NativePolicy::bind_issue(const json& request) const {
  auto bound = interpreter_->bind_issue(request);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  auto native = std::make_unique<NativeIssueRequest>(std::move(std::get<BoundIssueRequest>(bound)));
  const BoundIssueRequest& b = native->bound;
  const Program& program = interpreter_->policy().program;
  auto schema = [&](const char* name) { return Type::record(program.schemas.at(name)); };
  auto root = [&](const Value& v, const Type& t) {
    return reinterpret_cast<const void*>(to_cell(v, t, native->arena).a);
  };
  native->roots[ir::kRootToken] = root(b.token, b.issuer->token_type);
  native->roots[ir::kRootRequest] = root(b.request, schema("writ_issue_request"));
  native->roots[ir::kRootHeader] = root(b.header, schema("writ_jose_header"));
  native->roots[ir::kRootExchange] = root(b.exchange, schema("writ_token_exchange"));
  native->issuer = static_cast<std::size_t>(std::find(issuer_names_.begin(), issuer_names_.end(), b.issuer->name) -
                                            issuer_names_.begin());
  native->role = b.request.as_record().fields.at("role").as_string();
  native->requested = requested_grant(b.request, interpreter_->options().max_ttl_seconds);
  return native;
}

void NativePolicy::run_rule(std::size_t index, const void* const* roots, Tally& tally) const {
  const ir::Rule& rule = ir_.rules[index];
  stdlib::Arena arena;
  WritScratch scratch{};
  scratch.arena = &arena;
  std::uint32_t outcome = code_->rule(index)(roots, &scratch);
  std::uint32_t kind = native::outcome_kind(outcome);
  if (kind == native::kErrored) tally.errors.push_back({rule.id, error_message(rule, outcome, scratch)});
  if (kind != native::kMatched && kind != native::kNotMatched && kind != native::kErrored) {
    kind = native::kErrored;  // never happens; if it did, fail closed
    tally.errors.push_back({rule.id, "internal error: unknown rule outcome"});
  }
  // Fail closed: an erring forbid matches; an erring permit does not.
  if (rule.forbid && kind != native::kNotMatched) tally.forbids.push_back(rule.id);
  if (!rule.forbid && kind == native::kMatched) {
    tally.permits.push_back(rule.id);
    tally.grants.push_back(grant_of(rule, scratch));
  }
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

Grant NativePolicy::grant_of(const ir::Rule& rule, const WritScratch& scratch) const {
  Grant g;
  auto text = [](const WritCell& c) { return std::string(reinterpret_cast<const char*>(c.a), c.b); };
  for (const ir::GrantOutput& out : rule.grant) {
    switch (out.key) {
      case ir::GrantKey::Ttl:
        g.ttl = scratch.grant_ttl;
        break;
      case ir::GrantKey::Audience:
        g.audience = text(scratch.grant_audience);
        break;
      case ir::GrantKey::Scopes: {
        const auto* items = reinterpret_cast<const WritCell*>(scratch.grant_scopes.a);
        for (std::uint64_t i = 0; i < scratch.grant_scopes.b; ++i) g.scopes.push_back(text(items[i]));
        break;
      }
      case ir::GrantKey::Tags: {
        const auto& fields = ir_.node(out.expr).type.record().fields;
        const auto* record = reinterpret_cast<const std::uint8_t*>(scratch.grant_tags.a);
        for (std::size_t i = 0; i < fields.size(); ++i) {
          if (record[native::presence_offset(i)] == 0) continue;
          WritCell c;
          std::memcpy(&c, record + native::field_offset(i), sizeof c);
          g.tags[fields[i].name] = text(c);
        }
        break;
      }
    }
  }
  return g;
}

Decision NativePolicy::decide_bound(const NativeIssueRequest& request) const {
  Tally tally;
  for (std::uint32_t index : issue_candidates(request.role)) {
    const auto& issuers = rule_issuers_[index];
    if (!issuers.empty() && !issuers[request.issuer]) continue;
    run_rule(index, request.roots, tally);
  }
  Decision d = interpreter_->deny("no_permit", "");
  d.errors = std::move(tally.errors);
  if (!tally.forbids.empty()) {
    d.reason = "forbid";
    d.rules = std::move(tally.forbids);
    return d;
  }
  if (tally.permits.empty()) return d;
  d.allow = true;
  d.reason = "permit";
  d.rules = std::move(tally.permits);
  settle_grant(d, tally.grants, request.requested);
  return d;
}

Decision NativePolicy::decide_access(const json& in) const {
  auto bound = interpreter_->bind_access(in);
  if (auto* denied = std::get_if<Decision>(&bound)) return std::move(*denied);
  const BoundAccessRequest& request = std::get<BoundAccessRequest>(bound);
  const Program& program = interpreter_->policy().program;
  stdlib::Arena arena;
  const void* roots[1] = {reinterpret_cast<const void*>(
      to_cell(request.request, Type::record(program.schemas.at("writ_access_request")), arena).a)};
  Tally tally;
  for (std::uint32_t index : access_rules_) {
    if (!access_rule_applies(*program.rules[index].decl, request)) continue;
    run_rule(index, roots, tally);
  }
  Decision d = interpreter_->deny("no_permit", "");
  d.errors = std::move(tally.errors);
  if (!tally.forbids.empty()) {
    d.reason = "forbid";
    d.rules = std::move(tally.forbids);
  } else if (!tally.permits.empty()) {
    d.allow = true;
    d.reason = "permit";
    d.rules = std::move(tally.permits);
  }
  return d;
}

}  // namespace writ
