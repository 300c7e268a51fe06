// The issuer and header checks, and the wording of token refusals (runtime/interp/token_checks.h).
#include "runtime/interp/token_checks.h"

#include <fmt/format.h>

#include "stdlib/spiffe_id.h"

namespace writ::interp {

bool token_matches_issuer(const IssuerInfo& issuer, const TokenKey& key) {
  if (issuer.trust_domain.empty()) return key.iss && *key.iss == issuer.iss;
  if (!key.sub) return false;
  auto id = stdlib::parse_spiffe_id(*key.sub);
  auto* parsed = std::get_if<stdlib::SpiffeId>(&id);
  return parsed != nullptr && parsed->trust_domain == issuer.trust_domain;
}

std::optional<TokenRefusal> check_issuer_and_header(const IssuerInfo& issuer, const TokenKey& key,
                                                    const HeaderFacts& header) {
  if (!token_matches_issuer(issuer, key)) return TokenRefusal{Reason::TokenIssuerMismatch, &issuer};
  if (!header.alg) {
    TokenRefusal refusal{Reason::TokenAlgorithm, &issuer};
    refusal.alg_not_text = header.alg_given;
    return refusal;
  }
  if (!listed(issuer.algorithms, *header.alg)) return TokenRefusal{Reason::TokenAlgorithm, &issuer, header.alg};
  if (!issuer.types.empty()) {
    bool passes = header.typ ? listed(issuer.types, *header.typ) : !issuer.require_type;
    if (!passes) return TokenRefusal{Reason::TokenType, &issuer};
  }
  if (header.critical) {
    TokenRefusal refusal{Reason::TokenCriticalHeader, &issuer};
    refusal.critical = header.first_critical;
    return refusal;
  }
  return std::nullopt;
}

std::string TokenRefusal::detail() const {
  switch (reason) {
    case Reason::TokenIssuerMismatch:
      if (!issuer->trust_domain.empty())
        return fmt::format("the token's `sub` is not a SPIFFE ID in trust domain `{}`", issuer->trust_domain);
      return fmt::format("the token's `iss` is not `{}`", issuer->iss);
    case Reason::TokenAlgorithm:
      if (alg_not_text) return "the header's `alg` must be a string";
      if (!alg) return "the verified JOSE header with its `alg` is required";
      return fmt::format("`{}` is not an algorithm issuer `{}` allows", *alg, issuer->name);
    case Reason::TokenType:
      return "the token's `typ` header is not one the issuer accepts";
    case Reason::TokenCriticalHeader:
      if (critical.empty()) return "the token's header has a `crit` parameter, and Writ understands no JWS extension";
      return fmt::format("the token's header marks `{}` critical (`crit`), an extension Writ does not understand",
                         critical);
    case Reason::TokenAudience:
      return fmt::format("the token's `aud` does not include an audience of issuer `{}`", issuer->name);
    case Reason::TokenExpired:
      return absent ? "the token has no `exp`" : "the token has expired";
    case Reason::TokenNotYetValid:
      return "the token's `nbf` is in the future";
    case Reason::TokenIssuedInFuture:
      return "the token's `iat` is in the future";
    default:
      return std::string(reason_code(reason));
  }
}

}  // namespace writ::interp
