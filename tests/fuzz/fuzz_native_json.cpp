// libFuzzer target: arbitrary bytes as a request (issue or access), decided by native code through
// the fast simdjson binder and by the interpreter through the strict reader. The two decisions must be
// identical (the fast path may refuse a request, never differ), and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"

namespace {

const char* const kPolicy = R"(
issuer github = "https://token.actions.githubusercontent.com" { schema: github_actions audience: "a" algorithms: [RS256] leeway: 30s }
issuer k8s = "https://kubernetes.default.svc" { schema: kubernetes audience: "a" algorithms: [RS256] }
@id("gh") permit issue * to github when {
  let s = github_sub(token.sub)
  s.repository == token.repository || int(token.run_attempt) > 0
  has(token.environment) || token.ref like "refs/heads/*"
} grant { ttl: min(15m, token.exp - request.time) tags: { repo: token.repository } scopes: ["read", "write"] }
@id("k8s") permit issue * to k8s when { token."kubernetes.io".namespace under "payments" }
@id("no") forbid issue "never" to *
@id("svc") permit access * on * by spiffe "spiffe://prod.acme/*" when { spiffe(request.principal).path under "/ns" }
issuer mesh = spiffe "prod.acme" { schema: spiffe_jwt_svid audience: "a" algorithms: [ES256] types: ["JWT"] require_type: false }
@id("by-token") permit access ["read", "write"] on "artifacts/*" by token github when {
  request.resource under "artifacts/" + token.repository_id
  !has(header.jku) && !has(header.x5u)
}
@id("any-token") forbid access "delete" on * by token * when { has(token.jti) && token.jti == "revoked" }
@id("svid") permit access "read" on "db/*" by token mesh when { token.sub under "spiffe://prod.acme/ns" }
@id("data") permit access ["read", "li*"] on "data/*" by role "reader-*" when {
  has(request.broker) && request.broker != "" || request.time in window(mon..fri, 09:00..17:00, "UTC")
}
@id("audit") forbid access "delete" on "data/audit/*" by * when { !has(request.source_ip) || request.source_ip != "10.0.0.1" }
)";

struct Engines {
  std::shared_ptr<const writ::engine::Engine> native, interpreter;
};

const Engines& engines() {
  static const Engines e = [] {
    auto set = std::make_shared<writ::LoadedPolicySet>(writ::driver::check_sources({{"fuzz.writ", kPolicy}}));
    writ::engine::EngineOptions native;
    native.require_native = true;
    native.tiers = writ::engine::Tiers::Fast;
    writ::engine::EngineOptions interp;
    interp.backend = writ::engine::Backend::Interpreter;
    auto n = writ::engine::Engine::create(set, native);
    auto i = writ::engine::Engine::create(set, interp);
    if (!n || !i) std::abort();
    return Engines{*n, *i};
  }();
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static writ::engine::DecisionContext context;
  auto native = writ::interp::decision_to_json(engines().native->decide_text(text, context));
  auto oracle = writ::interp::decision_to_json(engines().interpreter->decide_text(text));
  if (native != oracle) std::abort();
  return 0;
}
