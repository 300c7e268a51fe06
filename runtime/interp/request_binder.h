// Checking and binding requests (docs/semantics.md §3, §5): the token checks against the issuer
// that verified it, and the claims, request, header and exchange bound to their schemas. It
// needs only the runtime policy, not the rules: the interpreter and native code share it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "runtime/interp/decision.h"
#include "runtime/interp/grant.h"
#include "runtime/interp/runtime_policy.h"
#include "runtime/value/value.h"

namespace writ::interp {

// What an issuance request's `exchange` part says when it leaves these out (RFC 8693's values
// for a JWT subject token); every binder fills in the same.
inline constexpr std::string_view kDefaultGrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
inline constexpr std::string_view kDefaultSubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";

// An issuance request after the token checks and binding (docs/semantics.md §3, §5.1): what the
// rules see. Binding once and deciding many times is how benchmarks separate the two costs.
struct BoundIssueRequest {
  const IssuerInfo* issuer = nullptr;
  Value token, request, header, exchange;
};

// A request's verified token, bound: the issuer that verified it, its claims and its header.
struct BoundToken {
  const IssuerInfo* issuer = nullptr;
  Value token, header;
};

// What an access rule's head (actions, resources, principal) is matched against.
struct AccessSubject {
  std::string_view principal_kind;  // "spiffe", "role" or "token"
  std::string_view principal_name;  // the SPIFFE ID, the role, or the token's `sub`
  bool valid_spiffe = false;        // a spiffe principal that is a valid SPIFFE ID
  std::string_view action, resource;
  std::string_view token_issuer = {};  // the issuer that verified the caller's token; empty: none
};

// An access request after binding (docs/semantics.md §5.2).
struct BoundAccessRequest {
  std::string principal_kind;  // "spiffe", "role" or "token"
  std::string principal_name;
  bool valid_spiffe = false;
  Value request = Value::boolean(false);
  std::string action, resource;
  std::optional<BoundToken> token;  // a caller with a token (`by token` rules read it)
  std::string token_issuer;

  AccessSubject subject() const {
    return {principal_kind, principal_name, valid_spiffe, action, resource, token_issuer};
  }
};

class RequestBinder {
 public:
  explicit RequestBinder(std::shared_ptr<const RuntimePolicy> policy) : policy_(std::move(policy)) {}

  // A bound request, or the deny (with its reason) for one that fails a check. Never throws.
  std::variant<BoundIssueRequest, Decision> bind_issue(const nlohmann::json& request) const;
  std::variant<BoundAccessRequest, Decision> bind_access(const nlohmann::json& request) const;
  // A deny for a request that fails its checks, stamped with the policy version.
  Decision deny(Reason reason, std::string detail) const;
  // The token part of a request (`issuer`, `claims`, `header`), with the checks that need no
  // clock; then its audience and times at the request's time.
  std::variant<BoundToken, Decision> bind_token(const nlohmann::json& request) const;
  std::optional<Decision> check_token_times(const BoundToken& token, std::int64_t now) const;

  const RuntimePolicy& policy() const { return *policy_; }

 private:
  std::shared_ptr<const RuntimePolicy> policy_;
};

// True if an access rule's action, resource and principal patterns select the request.
bool access_rule_applies(const RuleHead& rule, const AccessSubject& request);

// Why an access request's principal is refused (request.invalid), or nullopt: a `spiffe` one must
// be a valid SPIFFE ID, a `role` one (or a token's `sub`) non-empty and not spelled like a SPIFFE ID
// (docs/semantics.md §5.2).
std::optional<std::string> principal_problem(std::string_view kind, std::string_view name);

// What an issuance request asks for (ttl, audience, scopes), read from its bound `request`.
RequestedGrant requested_grant(const Value& request, std::int64_t max_ttl);

}  // namespace writ::interp
