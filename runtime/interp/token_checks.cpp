// The wording of token refusals (runtime/interp/token_checks.h).
#include "runtime/interp/token_checks.h"

#include <fmt/format.h>

namespace writ::interp {

std::string TokenRefusal::detail() const {
  switch (reason) {
    case Reason::TokenIssuerMismatch:
      return fmt::format("the token's `iss` is not `{}`", issuer->iss);
    case Reason::TokenAlgorithm:
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
