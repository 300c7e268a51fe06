// Checks issuers, constants, rule heads, annotations and grants.
#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/check/fuzzy.h"
#include "compiler/check/internal/checker.h"
#include "stdlib/glob.h"
#include "stdlib/spiffe_id.h"

namespace writ::check {
namespace {

// Asymmetric algorithms a broker can verify with an issuer's published keys (RFC 8725 §3.1).
constexpr std::array<std::string_view, 10> kAllowedAlgorithms = {"RS256", "RS384", "RS512", "PS256", "PS384",
                                                                 "PS512", "ES256", "ES384", "ES512", "EdDSA"};

constexpr std::int64_t kMaxLeewaySeconds = 300;

// The expressions of a list literal, or the expression itself.
std::vector<const ast::Expr*> list_items(const ast::Expr& e) {
  std::vector<const ast::Expr*> items;
  if (e.kind == ast::ExprKind::List) {
    for (const auto& item : e.operands) items.push_back(item.get());
  } else {
    items.push_back(&e);
  }
  return items;
}

bool valid_rule_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void Checker::collect_names() {
  std::map<std::string, Span> iss_values;
  for (const ast::File& file : program_.files) {
    for (const ast::Item& item : file.items) {
      if (item.kind == ast::Item::Kind::Issuer && !item.issuer->name.empty()) {
        const ast::IssuerDecl& decl = *item.issuer;
        if (program_.issuers.count(decl.name) != 0) {
          sink_
              .report(diag::DiagId::DuplicateDeclaration, decl.name_span,
                      fmt::format("issuer `{}` is declared twice", decl.name))
              .label(program_.issuers[decl.name].decl->name_span, "first declared here");
          continue;
        }
        bool by_trust_domain = !decl.key_kind.empty();
        if (by_trust_domain && decl.key_kind != "spiffe") {
          sink_
              .report(diag::DiagId::IssuerSetting, decl.key_kind_span,
                      fmt::format("an issuer is keyed by its `iss` value or by a SPIFFE trust domain, not `{}`",
                                  decl.key_kind))
              .with_help(
                  "write `issuer NAME = \"https://...\" { ... }` or `issuer NAME = spiffe \"trust.domain\" { ... }`");
        }
        // One key space: an `iss` URL and a trust domain never collide, so they are told apart.
        std::string key = (by_trust_domain ? "spiffe " : "iss ") + decl.iss;
        auto [it, inserted] = iss_values.emplace(key, decl.iss_span);
        if (!inserted) {
          sink_
              .report(diag::DiagId::DuplicateIssuerUrl, decl.iss_span,
                      by_trust_domain ? fmt::format("two issuers trust the same SPIFFE trust domain `{}`", decl.iss)
                                      : fmt::format("two issuers trust the same `iss` value `{}`", decl.iss))
              .label(it->second, "also declared here")
              .note(by_trust_domain
                        ? "each trust domain is declared once, so revoking trust is deleting one declaration"
                        : "each `iss` value is declared once, so revoking trust is deleting one declaration");
        }
        IssuerInfo info;
        info.name = decl.name;
        if (by_trust_domain) {
          info.trust_domain = decl.iss;
        } else {
          info.iss = decl.iss;
        }
        info.decl = &decl;
        program_.issuers[decl.name] = std::move(info);
      } else if (item.kind == ast::Item::Kind::Const && !item.constant->name.empty()) {
        const ast::ConstDecl& decl = *item.constant;
        static const std::set<std::string> kReserved = {"token", "request", "header", "exchange"};
        if (kReserved.count(decl.name) != 0) {
          sink_.report(diag::DiagId::DuplicateDeclaration, decl.name_span,
                       fmt::format("`{}` is a built-in name and cannot be a constant", decl.name));
          continue;
        }
        auto [it, inserted] = const_decls_.emplace(decl.name, &decl);
        if (!inserted) {
          sink_
              .report(diag::DiagId::DuplicateDeclaration, decl.name_span,
                      fmt::format("constant `{}` is declared twice", decl.name))
              .label(it->second->name_span, "first declared here");
        }
      }
    }
  }
}

void Checker::check_issuers() {
  for (auto& [name, info] : program_.issuers) {
    const ast::IssuerDecl& decl = *info.decl;
    if (decl.iss.empty()) {
      sink_.report(
          diag::DiagId::IssuerSetting, decl.iss_span.valid() ? decl.iss_span : decl.name_span,
          fmt::format("issuer `{}` has an empty {}", name, decl.key_kind.empty() ? "`iss` value" : "trust domain"));
    } else if (!info.trust_domain.empty()) {
      check_trust_domain(decl);
    }
    std::map<std::string, Span> seen;
    ExprScope scope;
    scope.constant_only = true;
    // `[]` for a list setting: an error with `message` and `help`, true if reported.
    auto report_empty_list = [&](const ast::Expr& value, const char* message, const char* help) {
      if (value.kind != ast::ExprKind::List || !value.operands.empty()) return false;
      sink_.report(diag::DiagId::IssuerSetting, value.span, message).with_help(help);
      return true;
    };
    for (const ast::Setting& s : decl.settings) {
      auto [it, inserted] = seen.emplace(s.key, s.key_span);
      if (!inserted) {
        sink_.report(diag::DiagId::IssuerSetting, s.key_span, fmt::format("`{}` is set twice", s.key))
            .label(it->second, "first set here");
        continue;
      }
      const ast::Expr& value = *s.value;
      if (s.key == "schema") {
        if (value.kind != ast::ExprKind::Name) {
          sink_.report(diag::DiagId::IssuerSetting, value.span,
                       "`schema` takes the name of a schema, e.g. `schema: github_actions`");
          continue;
        }
        info.schema = value.text;
        if (auto record = schema(value.text)) {
          info.token_type = Type::record(record);
          // The token checks read `nbf` and `iat` when the schema binds them: a schema that left
          // them out would let any value through (a not-before in 2065, an `iat` of "tomorrow").
          std::vector<std::string> missing;
          for (const char* claim : {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
            if (record->find(claim) == nullptr) missing.push_back(fmt::format("`{}`", claim));
          if (!missing.empty()) {
            sink_
                .report(diag::DiagId::IssuerSetting, value.span,
                        fmt::format("schema `{}` does not declare the registered JWT claim{} {}", value.text,
                                    missing.size() == 1 ? "" : "s", fmt::join(missing, ", ")))
                .note("the token checks read every registered claim a token carries, with its JWT type")
                .with_help(fmt::format("extend `jwt`: `schema {} extends jwt {{ ... }}`", value.text));
          }
        } else {
          auto& d =
              sink_.report(diag::DiagId::UnknownSchema, value.span, fmt::format("unknown schema `{}`", value.text));
          if (auto m = closest_match(value.text, schema_names())) d.with_help(fmt::format("did you mean `{}`?", *m));
        }
      } else if (s.key == "audience") {
        if (report_empty_list(value, "`audience: []` accepts no token",
                              "list the audiences this broker accepts, e.g. `audience: \"sts.amazonaws.com\"`"))
          continue;
        for (const ast::Expr* item : list_items(value)) {
          auto text = const_string(*item);
          if (!text || text->empty()) {
            sink_.report(diag::DiagId::IssuerSetting, item->span,
                         "`audience` takes a non-empty string or a list of them");
            continue;
          }
          info.audiences.push_back(*text);
        }
      } else if (s.key == "leeway") {
        Type t = check_expr(value, scope);
        if (value.kind != ast::ExprKind::Duration) {
          if (!t.is_error())
            sink_.report(diag::DiagId::IssuerSetting, value.span, "`leeway` takes a duration literal, e.g. `30s`");
          continue;
        }
        if (value.int_value < 0 || value.int_value > kMaxLeewaySeconds) {
          sink_
              .report(diag::DiagId::InvalidDuration, value.span,
                      fmt::format("a clock leeway of `{}` is outside 0s..5m", value.text))
              .note("RFC 7519 allows a small leeway, usually no more than a few minutes");
          continue;
        }
        info.leeway_seconds = value.int_value;
      } else if (s.key == "algorithms") {
        if (report_empty_list(value, "`algorithms: []` accepts no token",
                              "list the issuer's algorithms, e.g. `[RS256]`"))
          continue;
        for (const ast::Expr* item : list_items(value)) {
          std::string alg = item->kind == ast::ExprKind::Name ? item->text : const_string(*item).value_or("");
          if (alg.empty()) {
            sink_.report(diag::DiagId::IssuerSetting, item->span,
                         "`algorithms` lists algorithm names, e.g. `[RS256, ES256]`");
            continue;
          }
          if (std::find(kAllowedAlgorithms.begin(), kAllowedAlgorithms.end(), alg) != kAllowedAlgorithms.end()) {
            info.algorithms.push_back(alg);
            continue;
          }
          std::string lower = alg;
          std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
          auto& d = sink_.report(diag::DiagId::DisallowedAlgorithm, item->span,
                                 fmt::format("`{}` is not an allowed signature algorithm", alg));
          if (lower == "none") {
            d.note("`none` means the token is not signed at all (RFC 8725 §3.2)");
          } else if (lower.rfind("hs", 0) == 0) {
            d.note(
                "HMAC algorithms share one secret key between issuer and verifier; with published keys they invite key "
                "confusion (RFC 8725 §3.1)");
          } else {
            std::vector<std::string> allowed(kAllowedAlgorithms.begin(), kAllowedAlgorithms.end());
            if (auto m = closest_match(alg, allowed)) d.with_help(fmt::format("did you mean `{}`?", *m));
          }
          if (!d.help) d.with_help("allowed: RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA");
        }
      } else if (s.key == "types") {
        // An empty list would read as "no restriction" (the value when `types` is left out).
        if (report_empty_list(value, "`types: []` is ambiguous: it would accept every `typ`",
                              "leave `types` out to accept any `typ`, or list them, e.g. `[\"JWT\"]`"))
          continue;
        for (const ast::Expr* item : list_items(value)) {
          auto text = const_string(*item);
          if (!text || text->empty()) {
            sink_.report(diag::DiagId::IssuerSetting, item->span,
                         "`types` lists accepted `typ` header values, e.g. `[\"JWT\"]`");
            continue;
          }
          info.types.push_back(*text);
        }
      } else if (s.key == "require_type") {
        if (value.kind != ast::ExprKind::Bool) {
          sink_.report(diag::DiagId::IssuerSetting, value.span, "`require_type` takes `true` or `false`");
          continue;
        }
        info.require_type = value.int_value != 0;
      } else {
        auto& d =
            sink_.report(diag::DiagId::IssuerSetting, s.key_span, fmt::format("unknown issuer setting `{}`", s.key));
        if (auto m = closest_match(s.key, {"schema", "audience", "leeway", "algorithms", "types", "require_type"})) {
          d.with_help(fmt::format("did you mean `{}`?", *m));
        } else {
          d.note("issuer settings are `schema`, `audience`, `leeway`, `algorithms`, `types` and `require_type`");
        }
      }
    }
    if (auto it = seen.find("require_type"); it != seen.end() && seen.count("types") == 0) {
      sink_
          .report(diag::DiagId::IssuerSetting, it->second,
                  "`require_type` needs `types` to say which `typ` is required")
          .with_help("list the accepted types, e.g. `types: [\"JWT\"]`, or remove `require_type`");
    }
    // Required settings: without them the broker would have to guess.
    for (const char* required : {"schema", "audience", "algorithms"}) {
      if (seen.count(required) == 0) {
        sink_
            .report(diag::DiagId::IssuerSetting, decl.name_span,
                    fmt::format("issuer `{}` does not say its `{}`", name, required))
            .note(std::string(required) == "audience"
                      ? "a token must be checked for the audience it was minted for (RFC 8725 §3.9)"
                  : std::string(required) == "algorithms"
                      ? "the verifier, not the token, chooses the signature algorithms (RFC 8725 §3.1)"
                      : "the schema says which claims tokens from this issuer carry");
      }
    }
  }
}

// `spiffe "prod.acme.example"`: a trust domain alone, as a SPIFFE ID's authority (no scheme,
// no path), so that it selects exactly the IDs `spiffe://prod.acme.example/...`.
void Checker::check_trust_domain(const ast::IssuerDecl& decl) {
  std::string problem;
  if (decl.iss.starts_with("spiffe://") || decl.iss.find('/') != std::string::npos) {
    problem = "write the trust domain alone, without `spiffe://` or a path";
  } else {
    auto id = stdlib::parse_spiffe_id("spiffe://" + decl.iss);
    if (auto* error = std::get_if<stdlib::SpiffeError>(&id)) problem = error->message;
  }
  if (problem.empty()) return;
  sink_
      .report(diag::DiagId::InvalidSpiffeId, decl.iss_span,
              fmt::format("`{}` is not a SPIFFE trust domain: {}", decl.iss, problem))
      .note("a trust domain is lower-case [a-z0-9._-], as in `spiffe \"prod.acme.example\"`");
}

void Checker::check_constants() {
  for (const auto& [name, decl] : const_decls_) check_const(name);
}

void Checker::check_const(const std::string& name) {
  if (program_.constants.count(name) != 0) return;
  const ast::ConstDecl& decl = *const_decls_.at(name);
  if (consts_in_progress_.count(name) != 0) {
    sink_.report(diag::DiagId::UnknownName, decl.name_span,
                 fmt::format("constant `{}` is defined in terms of itself", name));
    program_.constants[name] = ConstInfo{name, Type::error(), &decl};
    return;
  }
  consts_in_progress_.insert(name);
  ExprScope scope;
  scope.constant_only = true;
  Type type = check_expr(*decl.value, scope);
  consts_in_progress_.erase(name);
  program_.constants[name] = ConstInfo{name, type, &decl};
}

void Checker::check_rules() {
  for (std::size_t i = 0; i < program_.files.size(); ++i) {
    for (const ast::Item& item : program_.files[i].items) {
      if (item.kind == ast::Item::Kind::Rule) check_rule(*item.rule, i);
      if (item.kind == ast::Item::Kind::Test) check_test(*item.test);
    }
  }
}

void Checker::check_rule(const ast::RuleDecl& rule, std::size_t file_index) {
  RuleInfo info;
  info.decl = &rule;
  check_rule_id(rule, info, file_index);
  ExprScope scope;
  if (rule.kind == ast::RuleKind::Issue) {
    check_issue_head(rule, info);
    scope.bindings.push_back({"token", info.token_type, rule.head_span, false, false});
    scope.bindings.push_back({"request", schema_type("writ_issue_request"), rule.head_span, false, false});
    scope.bindings.push_back({"header", schema_type("writ_jose_header"), rule.head_span, false, false});
    scope.bindings.push_back({"exchange", schema_type("writ_token_exchange"), rule.head_span, false, false});
  } else {
    check_access_head(rule, info);
    // A rule `by token ISSUERS` reads the caller's verified token and its header; other access
    // rules may decide callers that have none (an mTLS SPIFFE ID, a role).
    if (rule.principal_kind == "token") {
      scope.bindings.push_back({"token", info.token_type, rule.head_span, false, false});
      scope.bindings.push_back({"header", schema_type("writ_jose_header"), rule.head_span, false, false});
    } else {
      info.token_type = Type::error();
    }
    scope.bindings.push_back({"request", schema_type("writ_access_request"), rule.head_span, false, false});
  }
  check_conditions(rule, scope);
  check_grant(rule, scope);
  report_unused_lets(scope);
  check_rule_logic(rule, info);
  program_.rules.push_back(std::move(info));
}

void Checker::check_rule_id(const ast::RuleDecl& rule, RuleInfo& info, std::size_t file_index) {
  std::set<std::string> seen;
  for (const ast::Annotation& a : rule.annotations) {
    if (a.name != "allow" && !seen.insert(a.name).second) {
      sink_.report(diag::DiagId::InvalidAnnotation, a.span, fmt::format("the rule has two `@{}` annotations", a.name));
      continue;
    }
    if (a.name == "allow") {
      check_allow(a);
      continue;
    }
    if (!a.more_values.empty()) {
      sink_.report(diag::DiagId::InvalidAnnotation, a.more_value_spans.front(),
                   fmt::format("`@{}` takes one value", a.name));
    }
    if (a.name != "id") {
      if ((a.name == "owner" || a.name == "reason") && (!a.value || a.value->empty())) {
        sink_.report(diag::DiagId::InvalidAnnotation, a.span,
                     fmt::format("`@{}` needs a value: `@{}(\"...\")`", a.name, a.name));
      }
      continue;
    }
    if (!a.value || !valid_rule_id(*a.value)) {
      sink_
          .report(
              diag::DiagId::InvalidAnnotation, a.value ? a.value_span : a.span,
              a.value ? fmt::format("`{}` is not a valid rule id", *a.value) : "`@id` needs a value: `@id(\"...\")`")
          .note("rule ids are 1 to 128 characters of letters, digits and - _ . : /");
      continue;
    }
    info.id = *a.value;
    info.explicit_id = true;
    auto [it, inserted] = rule_ids_.emplace(*a.value, a.value_span);
    if (!inserted) {
      sink_
          .report(diag::DiagId::DuplicateRuleId, a.value_span,
                  fmt::format("the rule id `{}` is already used", *a.value))
          .label(it->second, "first used here")
          .note("decisions and audit logs name rules by id, so ids are unique across the policy set");
    }
  }
  bool has_id_annotation = seen.count("id") != 0;
  if (!info.explicit_id) {
    info.id = fmt::format("rule@{}", rule.span.begin);
    if (options_.sources != nullptr && rule.span.valid()) {
      const SourceFile& file = options_.sources->file(rule.span.file);
      info.id = fmt::format("{}:{}", file.path(), file.line_column(rule.span.begin).line);
    }
    if (!is_builtin_file(file_index) && !has_id_annotation) {
      sink_.report(diag::DiagId::MissingRuleId, rule.head_span, "the rule has no `@id`")
          .note("without an id, decisions and audit logs can only name the rule by its position")
          .with_help("add `@id(\"a-stable-name\")` above the rule");
    }
  }
}

void Checker::check_issue_head(const ast::RuleDecl& rule, RuleInfo& info) {
  for (const auto& role : rule.roles.items) {
    if (!role.quoted) {
      sink_.report(diag::DiagId::TypeMismatch, role.span, fmt::format("roles are strings: write `\"{}\"`", role.text))
          .fix(role.span, "\"" + role.text + "\"");
    } else if (role.text.empty()) {
      sink_.report(diag::DiagId::TypeMismatch, role.span, "a role name cannot be empty");
    }
  }
  resolve_rule_issuers(rule.issuers, info);
}

void Checker::resolve_rule_issuers(const ast::NameSet& issuers, RuleInfo& info) {
  std::set<std::string> schemas;
  for (const auto& item : issuers.items) {
    if (item.quoted) {
      sink_
          .report(diag::DiagId::UnknownIssuer, item.span,
                  fmt::format("issuers are named by their declaration, not their URL: write an issuer name"))
          .with_help("declare it with `issuer NAME = \"...\" { ... }` and use NAME here");
      continue;
    }
    auto it = program_.issuers.find(item.text);
    if (it == program_.issuers.end()) {
      auto& d = sink_.report(diag::DiagId::UnknownIssuer, item.span, fmt::format("unknown issuer `{}`", item.text));
      if (auto m = closest_match(item.text, issuer_names()))
        d.with_help(fmt::format("did you mean `{}`?", *m));
      else
        d.note("an issuer must be declared with `issuer NAME = \"https://...\" { ... }`");
      schemas.insert("");
      continue;
    }
    info.issuers.push_back(item.text);
    schemas.insert(it->second.schema);
  }
  if (issuers.any || schemas.size() > 1) {
    info.token_type = common_token_type(issuers.any ? issuer_names() : info.issuers);
  } else if (schemas.size() == 1 && !schemas.begin()->empty()) {
    info.token_type = program_.issuers.at(info.issuers.front()).token_type;
  } else {
    info.token_type = Type::error();
  }
}

// The JWT claims, as every one of `issuers`' schemas has them: a claim is required exactly when
// all of them require it (a JWT-SVID may have no `iss`; GitHub's and GitLab's tokens always have
// an `exp`), so that reading it unguarded is never reading an absent claim. Often that is `jwt`.
Type Checker::common_token_type(const std::vector<std::string>& issuers) {
  Type jwt = schema_type("jwt");
  if (!jwt.is(TypeKind::Record)) return jwt;
  RecordType common = jwt.record();
  bool changed = false;
  for (FieldInfo& f : common.fields) {
    bool required_by_all = !issuers.empty();
    for (const std::string& name : issuers) {
      auto it = program_.issuers.find(name);
      const FieldInfo* own = it == program_.issuers.end() || !it->second.token_type.is(TypeKind::Record)
                                 ? nullptr
                                 : it->second.token_type.record().find(f.name);
      required_by_all = required_by_all && own != nullptr && !own->optional;
    }
    if (f.optional == required_by_all) {
      f.optional = !required_by_all;
      changed = true;
    }
  }
  if (!changed) return jwt;
  // An inline record (no name): it is no schema a policy could name or a bundle refer to.
  common.name.clear();
  for (const auto& existing : common_token_types_) {
    bool same = existing->fields.size() == common.fields.size();
    for (std::size_t i = 0; same && i < common.fields.size(); ++i)
      same = existing->fields[i].optional == common.fields[i].optional;
    if (same) return Type::record(existing);
  }
  common_token_types_.push_back(std::make_shared<const RecordType>(std::move(common)));
  return Type::record(common_token_types_.back());
}

void Checker::check_access_head(const ast::RuleDecl& rule, RuleInfo& info) {
  auto check_patterns = [&](const ast::NameSet& set, const char* what) {
    for (const auto& item : set.items) {
      if (!item.quoted) {
        sink_
            .report(diag::DiagId::TypeMismatch, item.span,
                    fmt::format("{} patterns are strings: write `\"{}\"`", what, item.text))
            .fix(item.span, "\"" + item.text + "\"");
        continue;
      }
      if (item.invalid) continue;
      if (auto err = stdlib::validate_glob(item.text)) {
        sink_.report(diag::DiagId::InvalidGlob, item.span, err->message);
      } else if (item.text.empty()) {
        sink_.report(diag::DiagId::InvalidGlob, item.span, fmt::format("an empty {} pattern matches nothing", what));
      }
    }
  };
  check_patterns(rule.actions, "action");
  check_patterns(rule.resources, "resource");
  if (rule.principals.any && rule.principal_kind.empty()) return;
  if (rule.principal_kind == "token") {
    resolve_rule_issuers(rule.principals, info);
    return;
  }
  if (rule.principal_kind != "spiffe" && rule.principal_kind != "role") {
    auto& d = sink_.report(diag::DiagId::UnknownPrincipalKind, rule.principal_kind_span,
                           fmt::format("unknown principal kind `{}`", rule.principal_kind));
    if (auto m = closest_match(rule.principal_kind, {"spiffe", "role", "token"}))
      d.with_help(fmt::format("did you mean `{}`?", *m));
    else
      d.note("a principal is `spiffe \"spiffe://...\"`, `role \"name\"`, `token ISSUERS` or `*`");
    return;
  }
  check_patterns(rule.principals, rule.principal_kind == "spiffe" ? "SPIFFE ID" : "role");
  if (rule.principal_kind != "spiffe") return;
  for (const auto& item : rule.principals.items) {
    if (!item.quoted) continue;
    auto result = stdlib::validate_spiffe_pattern(item.text);
    if (auto* err = std::get_if<stdlib::SpiffeError>(&result)) {
      // +1 skips the opening quote; exact when the pattern has no escapes.
      auto at = static_cast<std::uint32_t>(item.span.begin + 1 + err->offset);
      Span s{item.span.file, std::min(at, item.span.end - 1), std::min(at + 1, item.span.end - 1)};
      sink_
          .report(diag::DiagId::InvalidSpiffeId, s,
                  fmt::format("`{}` is not a valid SPIFFE ID pattern: {}", item.text, err->message))
          .note("SPIFFE IDs are spiffe://<trust-domain>/<path>; the trust domain is lower-case [a-z0-9._-]");
    }
  }
}

void Checker::check_grant(const ast::RuleDecl& rule, ExprScope& scope) {
  if (!rule.has_grant) return;
  if (rule.effect == ast::Effect::Forbid) {
    sink_.report(diag::DiagId::GrantOnForbid, rule.grant_span, "a `forbid` rule cannot grant anything")
        .with_help("remove the `grant` block, or make the rule a `permit`");
    return;
  }
  if (rule.kind == ast::RuleKind::Access) {
    sink_.report(diag::DiagId::GrantSetting, rule.grant_span,
                 "access rules allow or deny; only `issue` rules have a grant");
    return;
  }
  std::map<std::string, Span> seen;
  for (const ast::Setting& s : rule.grant) {
    auto [it, inserted] = seen.emplace(s.key, s.key_span);
    if (!inserted) {
      sink_.report(diag::DiagId::GrantSetting, s.key_span, fmt::format("`{}` is set twice", s.key))
          .label(it->second, "first set here");
      continue;
    }
    Type t = check_expr(*s.value, scope);
    auto expect = [&](bool ok, const char* what) {
      if (!ok && !t.is_error()) {
        sink_.report(diag::DiagId::TypeMismatch, s.value->span,
                     fmt::format("`{}` takes {}, found `{}`", s.key, what, t.name()));
      }
    };
    if (s.key == "ttl") {
      expect(t.is(TypeKind::Duration), "a duration");
      if (s.value->kind == ast::ExprKind::Duration && s.value->int_value <= 0) {
        sink_.report(diag::DiagId::InvalidDuration, s.value->span, "a TTL must be longer than `0s`");
      }
    } else if (s.key == "audience") {
      expect(t.is_stringy(), "a string");
    } else if (s.key == "scopes") {
      // `[]` (no scopes: the element type is unknown) is a list of strings too.
      expect(t.is(TypeKind::List) && (t.element().is_stringy() || t.element().is_error()), "a list of strings");
    } else if (s.key == "tags") {
      bool ok = t.is(TypeKind::Record);
      if (ok) {
        for (const FieldInfo& f : t.record().fields) ok = ok && (f.type.is_stringy() || f.type.is_error());
      }
      expect(ok, "a record of strings, e.g. `{ repo: token.repository }`");
    } else {
      auto& d = sink_.report(diag::DiagId::GrantSetting, s.key_span, fmt::format("unknown grant setting `{}`", s.key));
      if (auto m = closest_match(s.key, {"ttl", "audience", "scopes", "tags"}))
        d.with_help(fmt::format("did you mean `{}`?", *m));
      else
        d.note("grant settings are `ttl`, `audience`, `scopes` and `tags`");
    }
  }
}

void Checker::check_test(const ast::TestDecl& test) {
  TestInfo info{test.name, &test, false};
  for (const TestInfo& other : program_.tests) {
    if (other.name == test.name) {
      sink_
          .report(diag::DiagId::DuplicateDeclaration, test.name_span,
                  fmt::format("two tests are named `{}`", test.name))
          .label(other.decl->name_span, "first declared here");
    }
  }
  static const std::map<std::string, const char*> kSettings = {
      {"issuer", "the declared issuer that verified the token"},
      {"token", "the token's claims, a record"},
      {"header", "the JOSE header, a record"},
      {"request", "the request, a record"},
      {"exchange", "the token-exchange parameters, a record"},
      {"principal", "`{ spiffe: \"...\" }` or `{ role: \"...\" }`"},
      {"action", "a string"},
      {"resource", "a string"},
      {"time", "a timestamp"},
      {"expect", "`allow` or `deny`"},
      {"rule", "a rule id"},
      {"rules", "a list of rule ids"},
      {"reason", "a decision reason"},
      {"ttl", "a duration"},
      {"audience", "a string"},
      {"scopes", "a list of strings"},
      {"role", "the role asked for, a string"},
      {"with", "claims to add or replace in `token`, a record (merged like a JSON merge patch)"},
      {"without", "claims to remove from `token`: names, or JSON pointers such as `/kubernetes.io/pod`"},
  };
  std::map<std::string, Span> seen;
  ExprScope scope;
  scope.constant_only = true;
  Type token_setting = Type::error();
  const ast::Setting* with_setting = nullptr;
  const ast::Setting* without_setting = nullptr;
  for (const ast::Setting& s : test.settings) {
    auto [it, inserted] = seen.emplace(s.key, s.key_span);
    if (!inserted) {
      sink_.report(diag::DiagId::TestSetting, s.key_span, fmt::format("`{}` is set twice", s.key))
          .label(it->second, "first set here");
      continue;
    }
    if (kSettings.count(s.key) == 0) {
      std::vector<std::string> names;
      for (const auto& [name, what] : kSettings) names.push_back(name);
      auto& d = sink_.report(diag::DiagId::TestSetting, s.key_span, fmt::format("unknown test setting `{}`", s.key));
      if (auto m = closest_match(s.key, names)) d.with_help(fmt::format("did you mean `{}`?", *m));
      continue;
    }
    const ast::Expr& value = *s.value;
    if (s.key == "expect") {
      if (value.kind != ast::ExprKind::Name || (value.text != "allow" && value.text != "deny")) {
        sink_.report(diag::DiagId::TestSetting, value.span, "`expect` is `allow` or `deny`");
      }
      continue;
    }
    if (s.key == "issuer") {
      if (value.kind != ast::ExprKind::Name) {
        sink_.report(diag::DiagId::TestSetting, value.span, "`issuer` names a declared issuer");
      } else if (program_.issuers.count(value.text) == 0) {
        auto& d = sink_.report(diag::DiagId::UnknownIssuer, value.span, fmt::format("unknown issuer `{}`", value.text));
        if (auto m = closest_match(value.text, issuer_names())) d.with_help(fmt::format("did you mean `{}`?", *m));
      }
      continue;
    }
    Type t = check_expr(value, scope);
    if (t.is_error()) continue;
    if (s.key == "token") token_setting = t;
    if (s.key == "with") with_setting = &s;
    if (s.key == "without") without_setting = &s;
    bool ok = true;
    if (s.key == "token" || s.key == "header" || s.key == "request" || s.key == "exchange" || s.key == "principal") {
      ok = t.is(TypeKind::Record);
    } else if (s.key == "time") {
      ok = t.is(TypeKind::Timestamp) || t.is(TypeKind::Int);
    } else if (s.key == "ttl") {
      ok = t.is(TypeKind::Duration);
    } else if (s.key == "with") {
      ok = t.is(TypeKind::Record);
    } else if (s.key == "rules" || s.key == "scopes" || s.key == "without") {
      ok = t.is(TypeKind::List) && (t.element().is_stringy() || t.element().is_error());
    } else {
      ok = t.is_stringy();
    }
    if (!ok) {
      sink_.report(diag::DiagId::TestSetting, value.span,
                   fmt::format("`{}` takes {}, found `{}`", s.key, kSettings.at(s.key), t.name()));
    }
  }
  // A typo in `with` or `without` would make the test pass for the wrong reason: the claim it
  // meant to change stays as it was.
  const ast::Setting* issuer_setting = nullptr;
  for (const ast::Setting& s : test.settings)
    if (s.key == "issuer") issuer_setting = &s;
  auto issuer = issuer_setting != nullptr ? program_.issuers.find(issuer_setting->value->text) : program_.issuers.end();
  if (with_setting != nullptr && issuer != program_.issuers.end() && issuer->second.token_type.is(TypeKind::Record))
    check_test_with(*with_setting->value, issuer->second.token_type, issuer->second.schema);
  if (without_setting != nullptr && token_setting.is(TypeKind::Record))
    check_test_without(*without_setting->value, token_setting);
  // An access request names its action or resource; its caller is a `principal`, or a token
  // (`issuer`, `token`) as in an issuance request.
  bool principal = seen.count("principal") != 0;
  bool has_issuer = seen.count("issuer") != 0;
  info.access = principal || seen.count("action") != 0 || seen.count("resource") != 0;
  if (principal && has_issuer) {
    sink_.report(diag::DiagId::TestSetting, test.name_span,
                 "a test's caller is a `principal` or a token (`issuer` and `token`), not both");
  } else if (!principal && !has_issuer) {
    sink_.report(diag::DiagId::TestSetting, test.name_span,
                 info.access
                     ? "an access test needs a `principal`, or an `issuer` and `token` for a caller with a token"
                     : "a test needs an `issuer` (an issuance request) or a `principal` (an access request)");
  }
  check_test_kind(test, seen, info.access, principal);
  if (seen.count("expect") == 0) {
    sink_.report(diag::DiagId::TestSetting, test.name_span, "a test needs `expect: allow` or `expect: deny`");
  }
  program_.tests.push_back(std::move(info));
}

// A setting the test's kind of request does not have would be dropped, and the test could pass
// for the wrong reason: refuse it, saying which kind the test is.
void Checker::check_test_kind(const ast::TestDecl& test, const std::map<std::string, Span>& seen, bool access,
                              bool principal) {
  static const std::set<std::string> kIssuanceOnly = {"role", "ttl", "audience", "scopes", "exchange", "request"};
  static const std::set<std::string> kTokenOnly = {"token", "with", "without", "header"};
  const char* kind = !access     ? "an issuance test"
                     : principal ? "an access test with a `principal`"
                                 : "an access test by a caller with a token";
  for (const ast::Setting& s : test.settings) {
    bool issuance_only = access && kIssuanceOnly.count(s.key) != 0;
    bool token_only = principal && kTokenOnly.count(s.key) != 0;
    if (!issuance_only && !token_only) continue;
    sink_.report(diag::DiagId::TestSetting, s.key_span, fmt::format("`{}` does not apply to {}", s.key, kind))
        .note(issuance_only ? "an access test gives `action`, `resource`, `time`, and a `principal` or an `issuer` "
                              "and `token`; `role`, `ttl`, `audience`, `scopes`, `exchange` and `request` are for "
                              "issuance"
                            : "a caller given as a `principal` has no token, header or claims");
  }
  if (seen.count("issuer") != 0 && seen.count("token") == 0) {
    sink_.report(diag::DiagId::TestSetting, seen.at("issuer"), "a test with an `issuer` needs the `token` it verified")
        .with_help("give the token's claims: `token: { iss: \"...\", sub: \"...\", ... }`");
  }
}

// Every key `with` sets must be a claim of the issuer's schema (nested records likewise).
void Checker::check_test_with(const ast::Expr& with, const Type& schema, const std::string& schema_name) {
  if (with.kind != ast::ExprKind::Record || !schema.is(TypeKind::Record)) return;
  const RecordType& record = schema.record();
  for (std::size_t i = 0; i < with.details().keys.size() && i < with.operands.size(); ++i) {
    const FieldInfo* field = record.find(with.details().keys[i]);
    if (field == nullptr) {
      std::vector<std::string> names;
      for (const FieldInfo& f : record.fields) names.push_back(f.name);
      auto& d = sink_.report(diag::DiagId::UnknownClaim, with.details().key_spans[i],
                             fmt::format("`with` sets `{}`, which schema `{}` does not declare", with.details().keys[i],
                                         schema_name.empty() ? record.name : schema_name));
      if (auto m = closest_match(with.details().keys[i], names)) d.with_help(fmt::format("did you mean `{}`?", *m));
      continue;
    }
    if (field->type.is(TypeKind::Record)) check_test_with(*with.operands[i], field->type, schema_name);
  }
}

// Every claim `without` removes (a name, or a JSON pointer to a nested claim) must be in the
// test's token, or removing it changes nothing.
void Checker::check_test_without(const ast::Expr& without, const Type& token) {
  if (without.kind != ast::ExprKind::List) return;
  for (const auto& item : without.operands) {
    auto path = const_string(*item);
    if (!path) continue;
    std::vector<std::string> steps;
    if (!path->empty() && (*path)[0] == '/') {
      for (std::size_t begin = 1; begin <= path->size();) {
        std::size_t end = path->find('/', begin);
        if (end == std::string::npos) end = path->size();
        std::string step = path->substr(begin, end - begin);
        // JSON pointer escapes (RFC 6901): ~1 is `/`, ~0 is `~`.
        for (std::size_t k; (k = step.find("~1")) != std::string::npos;) step.replace(k, 2, "/");
        for (std::size_t k; (k = step.find("~0")) != std::string::npos;) step.replace(k, 2, "~");
        steps.push_back(std::move(step));
        begin = end + 1;
      }
    } else {
      steps.push_back(*path);
    }
    Type at = token;
    for (const std::string& step : steps) {
      const FieldInfo* field = at.is(TypeKind::Record) ? at.record().find(step) : nullptr;
      if (field == nullptr) {
        std::vector<std::string> names;
        if (at.is(TypeKind::Record))
          for (const FieldInfo& f : at.record().fields) names.push_back(f.name);
        auto& d = sink_.report(diag::DiagId::UnknownClaim, item->span,
                               fmt::format("`without` removes `{}`, which the test's token does not have", *path));
        if (auto m = closest_match(step, names)) d.with_help(fmt::format("did you mean `{}`?", *m));
        break;
      }
      at = field->type;
    }
  }
}

std::optional<std::string> Checker::const_string(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::String) return e.text;
  if (e.kind == ast::ExprKind::Name) {
    auto it = const_decls_.find(e.text);
    if (it != const_decls_.end() && consts_in_progress_.count(e.text) == 0) {
      // Guard against a cyclic constant so this cannot recurse forever.
      consts_in_progress_.insert(e.text);
      auto value = const_string(*it->second->value);
      consts_in_progress_.erase(e.text);
      return value;
    }
  }
  if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::Add) {
    auto a = const_string(*e.operands[0]);
    auto b = const_string(*e.operands[1]);
    if (a && b) return *a + *b;
  }
  return std::nullopt;
}

// `@allow("W0002", "reason")`: a warning code and why the warning is accepted. Several `@allow`s
// on one rule are fine (each names one code); the seen-twice check keys on the name, so they are
// told apart here.
void Checker::check_allow(const ast::Annotation& a) {
  auto& infos = diag::all_diag_infos();
  if (!a.value || a.more_values.size() != 1) {
    sink_
        .report(diag::DiagId::InvalidAnnotation, a.span,
                "`@allow` takes a warning code and the reason it is accepted: `@allow(\"W0002\", \"...\")`")
        .note("the reason is kept with the rule, for whoever reviews it next");
    return;
  }
  const diag::DiagInfo* info = diag::find_diag_info(*a.value);
  if (info == nullptr) {
    std::vector<std::string> warnings;
    for (const diag::DiagInfo& i : infos)
      if (i.severity == diag::Severity::Warning) warnings.emplace_back(i.code);
    auto& d = sink_.report(diag::DiagId::InvalidAnnotation, a.value_span,
                           fmt::format("`{}` is not a diagnostic code", *a.value));
    if (auto m = closest_match(*a.value, warnings)) d.with_help(fmt::format("did you mean `{}`?", *m));
    return;
  }
  if (info->severity != diag::Severity::Warning || info->id == diag::DiagId::UnusedAllow) {
    sink_.report(diag::DiagId::InvalidAnnotation, a.value_span,
                 fmt::format("`{}` cannot be acknowledged: only warnings can", *a.value));
    return;
  }
  if (a.more_values.front().empty()) {
    sink_.report(diag::DiagId::InvalidAnnotation, a.more_value_spans.front(),
                 "`@allow` needs the reason the warning is accepted");
  }
}

// Each valid `@allow(code, reason)` removes that code's warnings within its rule; one that removes
// none is itself a warning (W0006), so an acknowledgement cannot outlive what it acknowledged.
void Checker::apply_acknowledgements() {
  for (const ast::File& file : program_.files) {
    for (const ast::Item& item : file.items) {
      if (item.kind != ast::Item::Kind::Rule) continue;
      const ast::RuleDecl& rule = *item.rule;
      for (const ast::Annotation& a : rule.annotations) {
        if (a.name != "allow" || !a.value || a.more_values.size() != 1 || a.more_values.front().empty()) continue;
        std::size_t removed = sink_.erase_if([&](const diag::Diagnostic& d) {
          return d.severity == diag::Severity::Warning && diag::diag_info(d.id).code == *a.value &&
                 d.span.file == rule.span.file && d.span.begin >= rule.span.begin && d.span.end <= rule.span.end;
        });
        if (removed != 0) continue;
        const diag::DiagInfo* info = diag::find_diag_info(*a.value);
        if (info == nullptr || info->severity != diag::Severity::Warning || info->id == diag::DiagId::UnusedAllow)
          continue;  // already refused by check_allow
        sink_
            .report(
                diag::DiagId::UnusedAllow, a.span,
                fmt::format("`@allow(\"{}\")` acknowledges nothing: this rule has no {} warning", *a.value, *a.value))
            .with_help("remove the annotation");
      }
    }
  }
}

void Checker::run() {
  collect_schemas();
  collect_names();
  check_issuers();
  check_constants();
  check_rules();
  apply_acknowledgements();
}

}  // namespace writ::check
