// libFuzzer target: arbitrary bytes as a request document through the strict JSON reader, the
// claim binder and the interpreter. Must never crash, hang or trip a sanitizer, and a request
// that is not well formed must never be allowed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "compiler/driver/policy_set.h"
#include "runtime/bind/bind.h"
#include "runtime/bind/json_reader.h"
#include "runtime/interp/interpreter.h"

namespace {

// A policy that allows any GitHub or Kubernetes token whose claims bind, so that binding and
// evaluation are both exercised.
const char* const kPolicy = R"(
issuer github = "https://token.actions.githubusercontent.com" { schema: github_actions audience: "a" algorithms: [RS256] leeway: 30s }
issuer k8s = "https://kubernetes.default.svc" { schema: kubernetes audience: "a" algorithms: [RS256] }
@id("gh") permit issue * to github when {
  let s = github_sub(token.sub)
  s.repository == token.repository || int(token.run_attempt) > 0
  has(token.environment) || token.ref like "refs/heads/*"
} grant { ttl: min(15m, token.exp - request.time) tags: { repo: token.repository } }
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
)";

const writ::interp::Interpreter& interpreter() {
  static const std::shared_ptr<const writ::interp::Interpreter> interp = [] {
    auto set = std::make_shared<writ::LoadedPolicySet>(writ::driver::check_sources({{"fuzz.writ", kPolicy}}));
    auto created = writ::interp::Interpreter::create(set);
    if (!created) std::abort();
    return *created;
  }();
  return *interp;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = writ::bind::read_json_strict(text);
  writ::Decision d = interpreter().decide_text(text);
  if (!parsed && d.allow) std::abort();  // malformed input must never be allowed
  if (d.allow && d.reason != writ::Reason::Permit) std::abort();
  return 0;
}
