// A small policy and requests for the public-API tests: one issuer, a permit with a grant, a
// forbid, and an access rule.
#pragma once

#include <cstdint>
#include <string>

namespace writ::api_test {

inline const char* kPolicy = R"(schema ci_token extends jwt {
  repository: string
  ref: string
}

issuer ci = "https://ci.example" {
  schema: ci_token
  audience: ["broker"]
  algorithms: [RS256]
}

@id("deploy") permit issue "deployer" to ci when {
  token.repository == "acme/payments"
} grant { ttl: 15m  scopes: ["deploy"] }

@id("no-tags") forbid issue "deployer" to ci when {
  token.ref == "refs/heads/untrusted"
}

@id("mesh-read") permit access "read" on "payments/*" by spiffe "spiffe://acme.example/ns/payments/*"
@id("ci-artifacts") permit access "write" on "artifacts/*" by token ci when {
  request.resource under "artifacts/" + token.repository
}
)";

// The same policy with the permit for another repository: a second version to reload to.
inline const char* kPolicyOtherRepository = R"(schema ci_token extends jwt {
  repository: string
  ref: string
}

issuer ci = "https://ci.example" {
  schema: ci_token
  audience: ["broker"]
  algorithms: [RS256]
}

@id("deploy") permit issue "deployer" to ci when {
  token.repository == "acme/ledger"
} grant { ttl: 10m }
)";

inline constexpr std::int64_t kNow = 1767261600;

inline std::string issue_json(const std::string& repository, std::int64_t exp = kNow + 300,
                              const std::string& ref = "refs/heads/main") {
  return R"({"kind":"issue","issuer":"ci","header":{"alg":"RS256"},"claims":{"iss":"https://ci.example","sub":"x",)"
         R"("aud":"broker","exp":)" +
         std::to_string(exp) + R"(,"repository":")" + repository + R"(","ref":")" + ref +
         R"("},"request":{"role":"deployer","time":)" + std::to_string(kNow) + "}}";
}

}  // namespace writ::api_test
