// An embedder's program against an installed Writ: decides one allowed and one denied request
// with a policy given in memory; exits 0 only if both come out as they must.
#include <iostream>

#include <writ/engine.h>

int main() {
  const char* policy = R"(schema ci_token extends jwt {
  repository: string
}
issuer ci = "https://ci.example" {
  schema: ci_token
  audience: ["broker"]
  algorithms: [RS256]
}
@id("deploy") permit issue "deployer" to ci when { token.repository == "acme/payments" } grant { ttl: 5m }
)";
  writ::LoadResult loaded = writ::Engine::load(writ::PolicySource::texts({{"consumer.writ", policy}}));
  if (!loaded) {
    for (const auto& d : loaded.diagnostics) std::cerr << writ::to_string(d) << "\n";
    return 1;
  }
  auto request = [](const char* repository) {
    writ::IssueRequest r("ci", "deployer");
    r.claim("iss", "https://ci.example").claim("sub", "s").claim("aud", "broker");
    r.claim("exp", std::int64_t{1767261900}).claim("repository", repository);
    r.header("RS256").time(1767261600);
    return r;
  };
  writ::Decision allowed = loaded.engine->decide(request("acme/payments"));
  writ::Decision denied = loaded.engine->decide(request("acme/other"));
  std::cout << writ::to_json(allowed) << "\n" << writ::to_json(denied) << "\n";
  bool ok = allowed.allow && allowed.grant && allowed.grant->ttl == 300 && !denied.allow &&
            denied.reason == writ::Reason::NoPermit;
  std::cout << (ok ? "consumer: ok" : "consumer: WRONG DECISIONS") << " (libwrit " << writ::version() << ")\n";
  return ok ? 0 : 1;
}
