// Generates policy sets for benchmarks.
#include "bench/policy_generator.h"

#include <fmt/format.h>

namespace writ::bench {

std::vector<SourceText> generate_policy_set(int rules, int files, bool one_role) {
  std::vector<SourceText> out;
  out.push_back({"issuers.writ", R"(issuer github = "https://token.actions.githubusercontent.com" {
  schema: github_actions
  audience: "https://broker.example"
  leeway: 30s
  algorithms: [RS256]
}

const allowed_events = ["push", "workflow_dispatch"]
)"});
  int per_file = (rules + files - 1) / files;
  for (int f = 0; f < files; ++f) {
    std::string text = fmt::format("// Generated deploy rules, part {}.\n", f);
    for (int r = f * per_file; r < std::min(rules, (f + 1) * per_file); ++r) {
      text += fmt::format(R"(
@id("deploy-{0}")
@owner("team-{1}")
permit issue "deployer{3}" to github when {{
  token.repository_id == "{2}"
  token.ref == "refs/heads/main"
  has(token.environment) && token.environment == "production"
  token.event_name in allowed_events
  has(token.runner_environment) && token.runner_environment == "github-hosted"
  token.job_workflow_ref like "acme/repo-{0}/.github/workflows/*.yml@refs/heads/main"
}} grant {{
  ttl: min(15m, token.exp - request.time)
  tags: {{ repo: token.repository }}
}}
)",
                          r, r % 37, 100000 + r, one_role ? std::string() : fmt::format("-{}", r));
    }
    out.push_back({fmt::format("rules_{:03}.writ", f), std::move(text)});
  }
  return out;
}

std::vector<SourceText> generate_access_policy_set(int rules, int files) {
  std::vector<SourceText> out;
  out.push_back({"forbids.writ", R"(// Nothing from staging touches production data.
@id("no-staging")
forbid access * on "data/*" by spiffe "spiffe://staging.acme.example/*"
)"});
  int per_file = (rules + files - 1) / files;
  for (int f = 0; f < files; ++f) {
    std::string text = fmt::format("// Generated service access rules, part {}.\n", f);
    for (int r = f * per_file; r < std::min(rules, (f + 1) * per_file); ++r) {
      text += fmt::format(R"(
@id("svc-{0}-data")
@owner("team-{1}")
permit access ["svc-{0}.read", "svc-{0}.list"] on "data/svc-{0}/*"
  by spiffe "spiffe://prod.acme.example/ns/team-{0}/sa/*" when {{
  request.principal under "spiffe://prod.acme.example/ns/team-{0}"
  has(request.broker) && request.broker == "broker-prod"
}}
)",
                          r, r % 37);
    }
    out.push_back({fmt::format("access_{:03}.writ", f), std::move(text)});
  }
  return out;
}

}  // namespace writ::bench
