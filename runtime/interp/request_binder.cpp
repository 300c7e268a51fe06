// Token checks and request binding, shared by the interpreter and native code.
#include "runtime/interp/request_binder.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/check/fuzzy.h"
#include "runtime/bind/bind.h"
#include "runtime/interp/token_checks.h"
#include "stdlib/path.h"
#include "stdlib/spiffe_id.h"
#include "stdlib/strings.h"

namespace writ::interp {
namespace {

using nlohmann::json;

Type schema_type(const RuntimePolicy& policy, const std::string& name) {
  auto it = policy.schemas.find(name);
  return it == policy.schemas.end() ? Type::error() : Type::record(it->second);
}

const Value* field(const Value& record, std::string_view name) {
  const auto& fields = record.as_record().fields;
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

// The registered claim the token checks read with the wrong type, if any. The checker refuses a
// schema that retypes one (E2009); this keeps a damaged policy, say from a bundle, from reading a
// string as a time.
const char* mistyped_registered_claim(const Value& token) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    const Value* v = field(token, name);
    if (v != nullptr && v->kind() != ValueKind::Timestamp) return name;
  }
  const Value* aud = field(token, "aud");
  if (aud == nullptr) return nullptr;
  if (aud->kind() != ValueKind::List) return "aud";
  for (const Value& a : aud->as_list())
    if (a.kind() != ValueKind::String) return "aud";
  return nullptr;
}

// The first key of `object` that is not one of `known`, worded with where it is and the name
// most likely meant: a misspelt `reqeust` is named, not reported as a missing `request.time`.
std::optional<std::string> unknown_key(const json& object, const std::vector<std::string>& known,
                                       std::string_view where) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = fmt::format("unknown key `{}` in {}", key, where);
    if (auto meant = check::closest_match(key, known)) message += fmt::format(" (did you mean `{}`?)", *meant);
    return message;
  }
  return std::nullopt;
}

// The keys a part the broker builds may carry: its schema's fields. Tokens and headers carry
// what their issuer puts in them, and what no schema declares is ignored; the request and the
// exchange are written by the broker, and a key no schema declares there is a mistake.
std::vector<std::string> field_names(const Type& type) {
  std::vector<std::string> out;
  if (type.is(TypeKind::Record))
    for (const FieldInfo& f : type.record().fields) out.push_back(f.name);
  return out;
}

// `request.time` may be epoch seconds or an RFC 3339 string; the schema says timestamp, which
// JSON carries as a number, so a string is converted before binding.
std::optional<std::string> normalise_time(json& request) {
  auto time = request.find("time");
  if (time == request.end() || !time->is_string()) return std::nullopt;
  auto seconds = stdlib::parse_rfc3339(time->get_ref<const std::string&>());
  if (!seconds) return fmt::format("`request.time` is not an RFC 3339 time: {}", seconds.error());
  *time = *seconds;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> principal_problem(std::string_view kind, std::string_view name) {
  if (kind == "spiffe") {
    auto id = stdlib::parse_spiffe_id(name);
    if (auto* error = std::get_if<stdlib::SpiffeError>(&id))
      return fmt::format("`principal.spiffe` is not a valid SPIFFE ID: {}", error->message);
    return std::nullopt;
  }
  // A role (or a token's `sub`) spelled like a SPIFFE ID would pass `is_spiffe_id(request.principal)`,
  // `spiffe()` and `under "spiffe://..."`: the principal's value alone must say its kind.
  constexpr std::string_view kScheme = "spiffe:";
  bool spelled_like_spiffe = name.size() >= kScheme.size();
  for (std::size_t i = 0; spelled_like_spiffe && i < kScheme.size(); ++i)
    spelled_like_spiffe = std::tolower(static_cast<unsigned char>(name[i])) == kScheme[i];
  if (kind == "token") {
    if (spelled_like_spiffe)
      return "a token whose `sub` is a SPIFFE ID is a caller only when a trust-domain issuer verified it "
             "(`issuer NAME = spiffe \"trust.domain\" { ... }`)";
    if (name.empty()) return "the token's `sub` is empty: it names the caller";
    return std::nullopt;
  }
  if (spelled_like_spiffe)
    return "a `role` principal cannot start with `spiffe:`: give a SPIFFE ID as {\"spiffe\": ...}";
  if (name.empty()) return "a `role` principal cannot be empty";
  return std::nullopt;
}

Decision RequestBinder::deny(Reason reason, std::string detail) const {
  Decision d;
  d.reason = reason;
  d.detail = std::move(detail);
  d.policy_version = policy_->version;
  return d;
}

// The token part of a request: `issuer`, `claims` and `header` (docs/semantics.md §5.1). The
// checks that need no clock run here, in the documented order; audience and times wait for the
// request's time (check_token_times).
std::variant<BoundToken, Decision> RequestBinder::bind_token(const json& in) const {
  const RuntimePolicy& program = *policy_;
  // The issuer that verified the token, as the broker says; the token does not choose it.
  auto issuer_name = in.find("issuer");
  if (issuer_name == in.end() || !issuer_name->is_string())
    return deny(Reason::RequestInvalid, "`issuer` must name a declared issuer");
  auto issuer_it = program.issuers.find(issuer_name->get<std::string>());
  if (issuer_it == program.issuers.end()) {
    return deny(Reason::IssuerUnknown, fmt::format("`{}` is not a declared issuer", issuer_name->get<std::string>()));
  }
  const IssuerInfo& issuer = issuer_it->second;
  auto claims = in.find("claims");
  if (claims == in.end() || !claims->is_object())
    return deny(Reason::RequestInvalid, "`claims` must be the token's claims object");
  // The issuer, algorithm, type and `crit` checks (token_checks.h), on the request's JSON.
  auto text_of = [](const json* object, const char* key) -> std::optional<std::string_view> {
    if (object == nullptr || !object->is_object()) return std::nullopt;
    auto it = object->find(key);
    if (it == object->end() || !it->is_string()) return std::nullopt;
    return std::string_view(it->get_ref<const std::string&>());
  };
  auto header = in.find("header");
  const json* header_json = header != in.end() ? &*header : nullptr;
  if (header_json != nullptr && !header_json->is_object())
    return deny(Reason::RequestInvalid, "`header` must be the token's verified JOSE header object");
  HeaderFacts facts{text_of(header_json, "alg"), text_of(header_json, "typ")};
  facts.alg_given = header_json != nullptr && header_json->contains("alg") && !header_json->at("alg").is_null();
  if (header_json != nullptr && header_json->is_object()) {
    auto crit = header_json->find("crit");
    facts.critical = crit != header_json->end() && !crit->is_null();
    if (facts.critical && crit->is_array() && !crit->empty() && crit->front().is_string())
      facts.first_critical = crit->front().get_ref<const std::string&>();
  }
  TokenKey key{text_of(&*claims, "iss"), text_of(&*claims, "sub")};
  if (auto refused = check_issuer_and_header(issuer, key, facts)) return deny(refused->reason, refused->detail());
  auto token = bind::bind_json(*claims, issuer.token_type, "token");
  if (!token) return deny(Reason::TokenInvalidClaims, token.error());
  if (const char* claim = mistyped_registered_claim(*token))
    return deny(Reason::TokenInvalidClaims,
                fmt::format("the schema gives the registered claim `{}` a wrong type", claim));
  auto header_value = bind::bind_json(*header, schema_type(*policy_, "writ_jose_header"), "header");
  if (!header_value) return deny(Reason::RequestInvalid, header_value.error());
  return BoundToken{&issuer, std::move(token).value(), std::move(header_value).value()};
}

// Audience and times (token_checks.h), on the bound claims, at the request's time.
std::optional<Decision> RequestBinder::check_token_times(const BoundToken& bound, std::int64_t now) const {
  const Value* aud = field(bound.token, "aud");
  auto any_audience = [&](auto&& accepted) {
    return aud != nullptr && std::any_of(aud->as_list().begin(), aud->as_list().end(),
                                         [&](const Value& a) { return accepted(std::string_view(a.as_string())); });
  };
  auto time_of = [&](const char* claim) -> std::optional<std::int64_t> {
    const Value* v = field(bound.token, claim);
    return v != nullptr ? std::optional<std::int64_t>(v->as_int()) : std::nullopt;
  };
  if (auto refused =
          check_audience_and_times(*bound.issuer, any_audience, now, time_of("exp"), time_of("nbf"), time_of("iat"))) {
    return deny(refused->reason, refused->detail());
  }
  return std::nullopt;
}

std::variant<BoundIssueRequest, Decision> RequestBinder::bind_issue(const json& in) const {
  if (auto unknown = unknown_key(in, {"kind", "issuer", "claims", "header", "request", "exchange"}, "the request"))
    return deny(Reason::RequestInvalid, *unknown);
  auto token = bind_token(in);
  if (auto* denied = std::get_if<Decision>(&token)) return std::move(*denied);
  BoundToken& bound = std::get<BoundToken>(token);

  // The rest of the request, bound to its schema like the claims.
  json request_json = in.value("request", json::object());
  if (!request_json.is_object()) return deny(Reason::RequestInvalid, "`request` must be an object");
  Type request_type = schema_type(*policy_, "writ_issue_request");
  if (auto unknown = unknown_key(request_json, field_names(request_type), "`request`"))
    return deny(Reason::RequestInvalid, *unknown);
  if (auto problem = normalise_time(request_json)) return deny(Reason::RequestInvalid, *problem);
  if (!request_json.contains("scopes")) request_json["scopes"] = json::array();
  auto request = bind::bind_json(request_json, request_type, "request");
  if (!request) return deny(Reason::RequestInvalid, request.error());
  json exchange_json = in.value("exchange", json::object());
  if (!exchange_json.is_object()) return deny(Reason::RequestInvalid, "`exchange` must be an object");
  Type exchange_type = schema_type(*policy_, "writ_token_exchange");
  if (auto unknown = unknown_key(exchange_json, field_names(exchange_type), "`exchange`"))
    return deny(Reason::RequestInvalid, *unknown);
  for (const char* list : {"audience", "resource", "scope"}) {
    if (!exchange_json.contains(list)) exchange_json[list] = json::array();
  }
  if (!exchange_json.contains("grant_type")) exchange_json["grant_type"] = kDefaultGrantType;
  if (!exchange_json.contains("subject_token_type")) exchange_json["subject_token_type"] = kDefaultSubjectTokenType;
  if (!exchange_json.contains("actor_token")) exchange_json["actor_token"] = false;
  auto exchange = bind::bind_json(exchange_json, exchange_type, "exchange");
  if (!exchange) return deny(Reason::RequestInvalid, exchange.error());
  // Scopes are RFC 6749 scope tokens: an empty one, or one with a space, is a broker's mistake in
  // splitting the `scope` parameter (docs/semantics.md §5.1).
  struct ScopeList {
    const Value* list;
    const char* shown;
  };
  for (ScopeList scopes : {ScopeList{field(*request, "scopes"), "request.scopes"},
                           ScopeList{field(*exchange, "scope"), "exchange.scope"}}) {
    if (scopes.list == nullptr) continue;
    for (std::size_t i = 0; i < scopes.list->as_list().size(); ++i) {
      if (auto problem = stdlib::scope_token_problem(scopes.list->as_list()[i].as_string()))
        return deny(Reason::RequestInvalid,
                    fmt::format("`{}[{}]` is not an RFC 6749 scope token: {}", scopes.shown, i, *problem));
    }
  }
  if (auto denied = check_token_times(bound, field(*request, "time")->as_int())) return std::move(*denied);

  return BoundIssueRequest{bound.issuer, std::move(bound.token), std::move(request).value(), std::move(bound.header),
                           std::move(exchange).value()};
}

// The caller of an access request: a `principal` the broker verified, or a token (`issuer`,
// `claims`, `header`) whose checks run first (docs/semantics.md §5.2).
std::variant<BoundAccessRequest, Decision> RequestBinder::bind_access(const json& in) const {
  if (auto unknown = unknown_key(in, {"kind", "principal", "issuer", "claims", "header", "request"}, "the request"))
    return deny(Reason::RequestInvalid, *unknown);
  BoundAccessRequest bound;
  auto principal = in.find("principal");
  bool has_token = in.contains("issuer") || in.contains("claims") || in.contains("header");
  if (principal != in.end() && has_token) {
    return deny(Reason::RequestInvalid,
                "an access request has either a `principal` or a token (`issuer`, `claims`, `header`), not both");
  }
  if (has_token) {
    auto token = bind_token(in);
    if (auto* denied = std::get_if<Decision>(&token)) return std::move(*denied);
    bound.token = std::move(std::get<BoundToken>(token));
    const Value* sub = field(bound.token->token, "sub");
    if (sub == nullptr || sub->kind() != ValueKind::String)
      return deny(Reason::TokenInvalidClaims, "the token's `sub` must be a string: it names the caller");
    // A trust-domain issuer's token is a SPIFFE principal (its `sub`, checked to lie in the trust
    // domain); any other token is a principal of its own kind.
    bool spiffe = !bound.token->issuer->trust_domain.empty();
    bound.principal_kind = spiffe ? "spiffe" : "token";
    bound.principal_name = sub->as_string();
    bound.token_issuer = bound.token->issuer->name;
  } else {
    if (principal != in.end() && principal->is_object()) {
      if (auto unknown = unknown_key(*principal, {"spiffe", "role"}, "`principal`"))
        return deny(Reason::RequestInvalid, *unknown);
    }
    if (principal == in.end() || !principal->is_object() || principal->size() != 1 ||
        !(principal->contains("spiffe") || principal->contains("role")) || !principal->begin()->is_string()) {
      return deny(Reason::RequestInvalid,
                  "`principal` must be {\"spiffe\": \"spiffe://...\"} or {\"role\": \"...\"}, or the request carries "
                  "a token (`issuer`, `claims`, `header`)");
    }
    bound.principal_kind = principal->begin().key();
    bound.principal_name = principal->begin()->get<std::string>();
  }
  if (auto problem = principal_problem(bound.principal_kind, bound.principal_name))
    return deny(Reason::RequestInvalid, *problem);
  bound.valid_spiffe = bound.principal_kind == "spiffe";
  auto request_it = in.find("request");
  if (request_it == in.end() || !request_it->is_object())
    return deny(Reason::RequestInvalid, "`request` must be an object with the `action`, `resource` and `time`");
  json request_json = *request_it;
  Type request_type = schema_type(*policy_, "writ_access_request");
  // `principal` is filled in from the request's principal, never given.
  std::vector<std::string> known = field_names(request_type);
  std::erase(known, "principal");
  if (auto unknown = unknown_key(request_json, known, "`request`")) return deny(Reason::RequestInvalid, *unknown);
  if (auto problem = normalise_time(request_json)) return deny(Reason::RequestInvalid, *problem);
  request_json["principal"] = bound.principal_name;
  auto request = bind::bind_json(request_json, request_type, "request");
  if (!request) return deny(Reason::RequestInvalid, request.error());
  bound.request = std::move(request).value();
  if (bound.token) {
    if (auto denied = check_token_times(*bound.token, field(bound.request, "time")->as_int()))
      return std::move(*denied);
  }
  bound.action = field(bound.request, "action")->as_string();
  bound.resource = field(bound.request, "resource")->as_string();
  if (auto problem = stdlib::resource_path_problem(bound.resource))
    return deny(Reason::RequestInvalid, fmt::format("`request.resource` cannot be used: {}", *problem));
  return bound;
}

RequestedGrant requested_grant(const Value& request, std::int64_t max_ttl) {
  RequestedGrant requested;
  requested.max_ttl = max_ttl;
  if (const Value* ttl = field(request, "ttl")) requested.ttl = ttl->as_int();
  if (const Value* audience = field(request, "audience")) requested.audience = audience->as_string();
  for (const Value& s : field(request, "scopes")->as_list()) requested.scopes.push_back(s.as_string());
  return requested;
}

bool access_rule_applies(const RuleHead& r, const AccessSubject& request) {
  if (!r.access) return false;
  if (!r.actions.matches(request.action) || !r.resources.matches(request.resource)) return false;
  if (r.principal_kind == "token") {
    // `by token ISSUERS`: a caller with a token from one of them (`*`: any verified token).
    return !request.token_issuer.empty() && (r.issuers.empty() || listed(r.issuers, request.token_issuer));
  }
  if (!r.principal_kind.empty()) {
    if (r.principal_kind != request.principal_kind) return false;
    if (request.principal_kind == "spiffe" && !request.valid_spiffe) return false;
    if (!r.principals.matches(request.principal_name)) return false;
  }
  return true;
}

}  // namespace writ::interp
