// Tests for the checker: names, types, guards, literals, declarations and logic.
#include <gtest/gtest.h>

#include "tests/unit/test_support.h"

namespace writ::testing {
namespace {

using Codes = std::vector<std::string>;

// Checks `conditions` inside a permit rule for the GitHub issuer.
Codes rule_codes(const std::string& conditions, const std::string& grant = "") {
  std::string text = std::string(kGithubIssuer) + "@id(\"r\")\npermit issue \"role\" to github when {\n" + conditions +
                     "\n}" + (grant.empty() ? "" : " grant {\n" + grant + "\n}") + "\n";
  return codes(check_text(text));
}

TEST(Checker, CleanPolicyHasNoDiagnostics) {
  auto set = check_text(std::string(kGithubIssuer) + R"(
const repos = ["5005", "5006"]
@id("deploy")
permit issue "deployer" to github when {
  token.repository_id in repos
  token.ref == "refs/heads/main"
  has(token.environment) && token.environment == "prod"
  token.event_name in ["push", "workflow_dispatch"]
  token.job_workflow_ref like "acme/deploy/.github/workflows/*.yml@refs/heads/main"
  int(token.run_attempt) <= 3
  request.time - token.iat < 5m
  request.time in window(mon..fri, 09:00..17:00, "Europe/Berlin")
  github_sub(token.sub).repository == "acme/payments"
  any(a in token.aud, a == "sts.amazonaws.com")
  "sts.amazonaws.com" in token.aud
} grant {
  ttl: min(15m, token.exp - request.time)
  audience: "sts.amazonaws.com"
  scopes: ["deploy:" + token.repository_id]
  tags: { repo: token.repository, "run-id": token.run_id }
}
)");
  EXPECT_EQ(codes(set), Codes{}) << rendered(set);
  EXPECT_EQ(set.program.rules.size(), 1u);
  EXPECT_EQ(set.program.rules[0].id, "deploy");
}

TEST(Checker, UnknownClaimSuggestsTheNearestName) {
  auto set = check_text(std::string(kGithubIssuer) +
                        "@id(\"r\") permit issue \"x\" to github when { token.repositry == \"a\" }");
  ASSERT_EQ(codes(set), Codes{"E1001"});
  const diag::Diagnostic& d = set.diagnostics.diagnostics()[0];
  EXPECT_EQ(d.help, "did you mean `repository`?");
}

TEST(Checker, OptionalClaimsNeedAHasGuard) {
  EXPECT_EQ(rule_codes("token.environment == \"prod\""), Codes{"E2003"});
  EXPECT_EQ(rule_codes("has(token.environment)\ntoken.environment == \"prod\""), Codes{});
  EXPECT_EQ(rule_codes("has(token.environment) && token.environment == \"prod\""), Codes{});
  EXPECT_EQ(rule_codes("!has(token.environment) || token.environment == \"prod\""), Codes{});
  // A guard inside `||` does not protect the next line.
  EXPECT_EQ(rule_codes("has(token.environment) || token.ref == \"x\"\ntoken.environment == \"prod\""), Codes{"E2003"});
  EXPECT_EQ(rule_codes("has(token.ref)"), Codes{"W0005"});
}

TEST(Checker, TypeErrors) {
  EXPECT_EQ(rule_codes("token.run_attempt > 1"), Codes{"E2002"});
  EXPECT_EQ(rule_codes("token.repository_id == 5005"), Codes{"E2002"});
  EXPECT_EQ(rule_codes("token.ref"), Codes{"E2008"});
  EXPECT_EQ(rule_codes("token.ref + 1 == \"x\""), Codes{"E2001"});
  EXPECT_EQ(rule_codes("token.ref in \"refs\""), Codes{"E2001"});
  EXPECT_EQ(rule_codes("token.repository_visibility == \"publik\""), Codes{"E2006"});
  EXPECT_EQ(rule_codes("token.event_name in [\"push\", 1]"), Codes{"E2001"});
  EXPECT_EQ(rule_codes("token.ref.size == 1"), Codes{"E2005"});
  EXPECT_EQ(rule_codes("token.ref like token.sha"), Codes{"E2007"});
}

TEST(Checker, FunctionsAreCheckedByNameAndArity) {
  EXPECT_EQ(rule_codes("start_with(token.ref, \"refs/\")"), Codes{"E1008"});
  EXPECT_EQ(rule_codes("starts_with(token.ref)"), Codes{"E1009"});
  EXPECT_EQ(rule_codes("token.ref.starts_with(\"refs/heads/\")"), Codes{});
  EXPECT_EQ(rule_codes("min(1, 2m) > 0"), Codes{"E2001"});
  // Quantifiers bind a variable, so they have no method form.
  EXPECT_EQ(rule_codes("token.aud.all(a in token.aud, a == \"x\")"), Codes{"E1009"});
}

TEST(Checker, LiteralsAreValidatedAtCompileTime) {
  EXPECT_EQ(rule_codes("token.ref like \"refs\\\\\""), Codes{"E3001"});  // a lone trailing `\`
  EXPECT_EQ(rule_codes("token.sha matches \"[a-f\""), Codes{"E3002"});
  EXPECT_EQ(rule_codes("request.time in window(mon..fri, 09:00..25:00)"), Codes{"E3003"});
  EXPECT_EQ(rule_codes("request.time in window(mon..fri, 17:00..09:00)"), Codes{"E3003"});
  EXPECT_EQ(rule_codes("request.time in window(mon..fri, 09:00..17:00, \"Europe/Berln\")"), Codes{"E3005"});
  EXPECT_EQ(rule_codes("spiffe(\"spiffe://Bad.Domain/x\").path == \"/x\""), Codes{"E3004"});
  EXPECT_EQ(rule_codes("int(\"12a\") == 12"), Codes{"E3008"});
  EXPECT_EQ(rule_codes("request.time > timestamp(\"2026-13-01T00:00:00Z\")"), Codes{"E3007"});
  EXPECT_EQ(rule_codes("token.ref like \"*\""), Codes{"E5002"});
  EXPECT_EQ(rule_codes("token.ref under \"\""), Codes{"E5002"});
}

TEST(Checker, ContradictionsAreFound) {
  EXPECT_EQ(rule_codes("token.ref == \"a\" && token.ref == \"b\""), Codes{"E5001"});
  EXPECT_EQ(rule_codes("token.ref == \"a\"\ntoken.ref in [\"b\", \"c\"]"), Codes{"E5001"});
  EXPECT_EQ(rule_codes("token.ref in [\"a\", \"b\"]\ntoken.ref != \"a\"\ntoken.ref != \"b\""), Codes{"E5001"});
  EXPECT_EQ(rule_codes("token.ref == \"refs/tags/v1\"\ntoken.ref like \"refs/heads/*\""), Codes{"E5001"});
  EXPECT_EQ(rule_codes("has(token.environment)\n!has(token.environment)"), Codes{"E5001"});
  // Satisfiable combinations are not reported.
  EXPECT_EQ(rule_codes("token.ref in [\"a\", \"b\"]\ntoken.ref != \"a\""), Codes{});
  EXPECT_EQ(rule_codes("token.ref == \"refs/heads/main\"\ntoken.ref like \"refs/heads/*\""), Codes{});
}

TEST(Checker, IssuerDeclarationsAreValidated) {
  auto set = check_text(R"(
issuer a = "https://a" { schema: github_actions audience: "x" algorithms: [none, HS256, RS265] }
issuer b = "https://a" { schema: nope audience: ["x", ""] algorithms: [ES256] leeway: 10m lee: 1s }
issuer c = "https://c" { }
)");
  auto c = codes(set);
  for (std::string expected : {"E4002", "E1002", "E4006", "E4001", "E3006"}) {
    EXPECT_NE(std::find(c.begin(), c.end(), expected), c.end()) << expected << "\n" << rendered(set);
  }
  EXPECT_EQ(std::count(c.begin(), c.end(), "E4002"), 3);
  // c lacks schema, audience and algorithms.
  EXPECT_GE(std::count(c.begin(), c.end(), "E4001"), 4);
}

TEST(Checker, RuleIdsAreUniqueAndValid) {
  auto set = check_text(std::string(kGithubIssuer) + R"(
@id("same") permit issue "a" to github
@id("same") permit issue "b" to github
@id("has space") permit issue "c" to github
permit issue "d" to github
)");
  EXPECT_EQ(codes(set), (Codes{"E1006", "E4004", "W0001"}));
  EXPECT_EQ(set.program.rules[3].id, "test.writ:11");
}

TEST(Checker, SchemasExtendAndNarrow) {
  auto set = check_text(std::string(kGithubIssuer) + R"(
schema acme_github extends github_actions { repo_property_tier: "gold" | "silver"? }
issuer acme = "https://token.actions.githubusercontent.com/acme" { schema: acme_github audience: "x" algorithms: [RS256] }
@id("r") permit issue "x" to acme when {
  token.repository_id == "1"
  has(token.repo_property_tier) && token.repo_property_tier == "gold"
}
schema loop_a extends loop_b { }
schema loop_b extends loop_a { }
schema bad extends github_actions { ref: int }
schema self { me: self }
)");
  EXPECT_EQ(codes(set), (Codes{"E1007", "E1010", "E2009"})) << rendered(set);
}

TEST(Checker, AccessRules) {
  auto ok = check_text(R"(
@id("orders-read") permit access "db.read" on "db/payments/*" by spiffe "spiffe://prod.acme/ns/orders/sa/*" when {
  spiffe(request.principal).trust_domain == "prod.acme"
  request.resource under "db/payments"
}
)");
  EXPECT_EQ(codes(ok), Codes{}) << rendered(ok);
  auto bad = check_text(R"(
@id("a") permit access "x" on "y" by spiffe "spiffe://*.acme/x"
@id("b") permit access "x" on "y" by robot "r2"
@id("c") permit access "x" on "y" by role "deployer" when { token.ref == "x" }
@id("d") permit access "x" on "y" by * grant { ttl: 5m }
)");
  EXPECT_EQ(codes(bad), (Codes{"E3004", "E1011", "E1012", "E4003"})) << rendered(bad);
}

TEST(Checker, GrantsAreTyped) {
  EXPECT_EQ(rule_codes("token.ref == \"x\"", "ttl: \"15m\""), Codes{"E2001"});
  EXPECT_EQ(rule_codes("token.ref == \"x\"", "ttl: 0s"), Codes{"E3006"});
  EXPECT_EQ(rule_codes("token.ref == \"x\"", "tags: { n: 1 }"), Codes{"E2001"});
  EXPECT_EQ(rule_codes("token.ref == \"x\"", "tll: 5m"), Codes{"E4003"});
}

TEST(Checker, LetBindingsAndConstants) {
  EXPECT_EQ(rule_codes("let sub = github_sub(token.sub)\nsub.context == \"environment\""), Codes{});
  EXPECT_EQ(rule_codes("let unused = token.ref\ntoken.ref == \"x\""), Codes{"W0003"});
  EXPECT_EQ(rule_codes("nope == 1"), Codes{"E1004"});
  auto cyclic = check_text("const a = b\nconst b = a");
  EXPECT_FALSE(codes(cyclic).empty());
  auto uses_token = check_text("const a = token.ref");
  EXPECT_EQ(codes(uses_token), Codes{"E1012"});
}

TEST(Checker, WarnsWhenAPermitRestsOnlyOnRenamableNames) {
  EXPECT_EQ(rule_codes("token.repository == \"acme/payments\""), Codes{"W0002"});
  EXPECT_EQ(rule_codes("token.repository == \"acme/payments\"\ntoken.repository_owner_id == \"65\""), Codes{});
}

}  // namespace
}  // namespace writ::testing
