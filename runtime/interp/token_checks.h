// The token checks of docs/semantics.md §5.1 (issuer, algorithm, type, audience, times), written
// once for both binders: the interpreter's (runtime/interp/request_binder.cpp), which reads them
// from JSON values, and native code's fast path (runtime/native/json_binder.cpp), which reads them
// from cells. Each binder extracts the facts; these functions decide, in the documented order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/check/program.h"
#include "stdlib/saturating.h"
#include "writ/decision.h"

namespace writ::interp {

// Why a token is refused. The detail is worded only when asked for (the fast path never asks:
// it leaves refusals to the interpreter's binder, which words them).
struct TokenRefusal {
  Reason reason;
  const IssuerInfo* issuer;
  std::optional<std::string_view> alg = std::nullopt;  // token.algorithm: the refused one, if any
  bool absent = false;                                 // token.expired: there is no `exp`
  std::string_view critical = {};                      // token.critical_header: the first one listed
  bool alg_not_text = false;                           // token.algorithm: an `alg` that is not a string
  std::string detail() const;
};

inline bool listed(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// What the header checks read of the verified JOSE header. nullopt: absent, or not a string.
struct HeaderFacts {
  std::optional<std::string_view> alg, typ;
  // `crit` is present (and not null), whatever it holds; and its first item, when a string.
  bool critical = false;
  std::string_view first_critical = {};
  bool alg_given = false;  // `alg` is there (and not null), whatever its type
};

// What selects the issuer of a token: its `iss`, or for a trust-domain issuer its `sub`.
// nullopt: absent, or not a string.
struct TokenKey {
  std::optional<std::string_view> iss, sub;
};

// Whether a token belongs to its issuer: `iss` is the issuer's exactly, or, for an issuer keyed
// by a SPIFFE trust domain, `sub` is a valid SPIFFE ID in it (`iss`, if any, does not select it).
bool token_matches_issuer(const IssuerInfo& issuer, const TokenKey& key);

// The token must belong to its issuer; the verified header must carry an allowed `alg`, a listed
// `typ` when the issuer lists types (an absent one passes only with `require_type: false`), and
// no `crit`: Writ understands no JWS extension, and RFC 7515 §4.1.11 has a verifier refuse a
// token whose `crit` names one it does not understand.
std::optional<TokenRefusal> check_issuer_and_header(const IssuerInfo& issuer, const TokenKey& key,
                                                    const HeaderFacts& header);

// Some `aud` must be one of the issuer's audiences (`any_audience(pred)`: whether `pred` holds for
// one of the token's audiences); `exp` must be present and `now < exp + leeway`; `nbf` and `iat`,
// when present, at most `now + leeway`. Saturating, so claims near the ends of int64 stay exact.
template <typename AnyAudience>
std::optional<TokenRefusal> check_audience_and_times(const IssuerInfo& issuer, AnyAudience&& any_audience,
                                                     std::int64_t now, std::optional<std::int64_t> exp,
                                                     std::optional<std::int64_t> nbf, std::optional<std::int64_t> iat) {
  if (!any_audience([&](std::string_view aud) { return listed(issuer.audiences, aud); }))
    return TokenRefusal{Reason::TokenAudience, &issuer};
  std::int64_t leeway = issuer.leeway_seconds;
  if (!exp) return TokenRefusal{Reason::TokenExpired, &issuer, std::nullopt, true};
  if (!(now < stdlib::saturating_add(*exp, leeway))) return TokenRefusal{Reason::TokenExpired, &issuer};
  if (nbf && stdlib::saturating_add(*nbf, -leeway) > now) return TokenRefusal{Reason::TokenNotYetValid, &issuer};
  if (iat && stdlib::saturating_add(*iat, -leeway) > now) return TokenRefusal{Reason::TokenIssuedInFuture, &issuer};
  return std::nullopt;
}

}  // namespace writ::interp
