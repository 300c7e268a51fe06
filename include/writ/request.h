// Typed requests: an issuance (a verified token asking for a role) and an access check, built
// field by field instead of written as JSON. Both carry exactly what the JSON form of
// docs/semantics.md §5 carries, and the engine decides them the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "writ/export.h"

namespace writ {

// A claim's value: what a JWT's JSON payload can hold.
class WRIT_API ClaimValue {
 public:
  using List = std::vector<ClaimValue>;
  using Object = std::vector<std::pair<std::string, ClaimValue>>;

  ClaimValue() = default;  // null
  ClaimValue(std::string value) : value_(std::move(value)) {}
  ClaimValue(std::string_view value) : value_(std::string(value)) {}
  ClaimValue(const char* value) : value_(std::string(value)) {}
  ClaimValue(std::int64_t value) : value_(value) {}
  ClaimValue(int value) : value_(std::int64_t{value}) {}
  ClaimValue(bool value) : value_(value) {}
  ClaimValue(List value) : value_(std::move(value)) {}
  ClaimValue(Object value) : value_(std::move(value)) {}
  static ClaimValue strings(const std::vector<std::string>& values);

  using Variant = std::variant<std::monostate, std::string, std::int64_t, bool, List, Object>;
  const Variant& variant() const noexcept { return value_; }

 private:
  Variant value_;
};

// The scope tokens of an OAuth `scope` parameter (RFC 6749 §3.3: separated by single spaces), for
// `IssueRequest::scopes` and `Exchange::scope`; nullopt, with `problem` saying why, for a parameter
// with an empty token (leading, trailing or doubled spaces) or a character no scope token has.
// Writ refuses such scopes in a request (docs/semantics.md §5.1), so split with this.
WRIT_API std::optional<std::vector<std::string>> split_scope(std::string_view scope, std::string* problem = nullptr);

// The token exchange (RFC 8693) a broker received, when it did.
struct Exchange {
  std::string grant_type = "urn:ietf:params:oauth:grant-type:token-exchange";
  std::vector<std::string> audience;
  std::vector<std::string> resource;
  std::vector<std::string> scope;
  std::string subject_token_type = "urn:ietf:params:oauth:token-type:jwt";
  bool actor_token = false;
  std::string requested_token_type;  // empty: not given
  std::string actor_token_type;      // empty: not given
};

// A verified token asking for a role. `issuer` is the declared issuer whose keys verified it.
class WRIT_API IssueRequest {
 public:
  IssueRequest(std::string issuer, std::string role);
  ~IssueRequest();
  IssueRequest(const IssueRequest& other);
  IssueRequest& operator=(const IssueRequest& other);
  IssueRequest(IssueRequest&&) noexcept;
  IssueRequest& operator=(IssueRequest&&) noexcept;

  // The token's claims, one at a time or all at once from the verified payload's JSON text (an
  // object; a later `claim` replaces a field of it). Text that is not one JSON object makes the
  // decision a deny, `token.invalid_claims`, saying why.
  IssueRequest& claim(std::string name, ClaimValue value);
  IssueRequest& claims_json(std::string_view payload);
  // The verified JOSE header: `alg` is required; `kid` and `typ` when the token had them.
  IssueRequest& header(std::string alg, std::string kid = {}, std::string typ = {});
  IssueRequest& header_field(std::string name, std::string value);
  IssueRequest& time(std::int64_t unix_seconds);  // the broker's clock; default: the system clock when decided
  IssueRequest& ttl(std::int64_t seconds);        // the lifetime asked for
  IssueRequest& audience(std::string audience);
  IssueRequest& scopes(std::vector<std::string> scopes);
  IssueRequest& source_ip(std::string ip);
  IssueRequest& broker(std::string name);
  IssueRequest& request_field(std::string name, ClaimValue value);  // any other `request` field
  IssueRequest& exchange(Exchange exchange);

  // The JSON form (docs/semantics.md §5.1), as `writ eval` reads it; it is what the engine
  // decides (a string that is not valid UTF-8 is shown as U+FFFD here and denied there).
  std::string to_json() const;

  struct Impl;
  const Impl& impl() const noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// May `principal` perform `action` on `resource`? The principal is a SPIFFE ID or a role, or a
// caller with a token: the token `issuer` verified, given with `claim`/`claims_json` and `header`
// as in an IssueRequest (its checks run before any rule).
class WRIT_API AccessRequest {
 public:
  static AccessRequest spiffe(std::string id, std::string action, std::string resource);
  static AccessRequest role(std::string name, std::string action, std::string resource);
  static AccessRequest token(std::string issuer, std::string action, std::string resource);
  ~AccessRequest();
  AccessRequest(const AccessRequest& other);
  AccessRequest& operator=(const AccessRequest& other);
  AccessRequest(AccessRequest&&) noexcept;
  AccessRequest& operator=(AccessRequest&&) noexcept;

  AccessRequest& time(std::int64_t unix_seconds);  // default: the system clock when decided
  AccessRequest& source_ip(std::string ip);
  AccessRequest& broker(std::string name);
  AccessRequest& field(std::string name, ClaimValue value);  // any other request field
  // A token caller's claims and verified header (ignored for a SPIFFE or role principal's request:
  // they make it a request with both, which is refused).
  AccessRequest& claim(std::string name, ClaimValue value);
  AccessRequest& claims_json(std::string_view payload);
  AccessRequest& header(std::string alg, std::string kid = {}, std::string typ = {});

  std::string to_json() const;  // docs/semantics.md §5.2

  struct Impl;
  const Impl& impl() const noexcept { return *impl_; }

 private:
  AccessRequest(const char* principal_kind, std::string principal_name);
  AccessRequest();
  std::unique_ptr<Impl> impl_;
};

}  // namespace writ
