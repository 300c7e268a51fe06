// The public C++ API (include/writ/) as an embedder uses it, linked against the shared libwrit.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/api/api_test_policy.h"
#include "writ/engine.h"

namespace writ {
namespace {

using api_test::issue_json;
using api_test::kNow;
using api_test::kPolicy;

std::unique_ptr<Engine> load_text(const char* text, EngineOptions options = {}) {
  LoadResult loaded = Engine::load(PolicySource::texts({{"policy.writ", text}}), options);
  EXPECT_TRUE(loaded) << (loaded.diagnostics.empty() ? "" : to_string(loaded.diagnostics.front()));
  return std::move(loaded.engine);
}

TEST(EngineApi, DecidesIssuanceFromJsonText) {
  auto engine = load_text(kPolicy);
  ASSERT_NE(engine, nullptr);
  Decision d = engine->decide(issue_json("acme/payments"));
  EXPECT_TRUE(d.allow);
  EXPECT_EQ(d.reason, Reason::Permit);
  EXPECT_EQ(d.reason_code(), "permit");
  EXPECT_EQ(d.rules, std::vector<std::string>{"deploy"});
  ASSERT_TRUE(d.grant.has_value());
  EXPECT_EQ(d.grant->ttl, 900);
  EXPECT_EQ(d.grant->scopes, std::vector<std::string>{"deploy"});
  EXPECT_EQ(d.policy_version, engine->policy_version());
  EXPECT_EQ(d.policy_version.rfind("sha256:", 0), 0u);

  Decision other = engine->decide(issue_json("acme/other"));
  EXPECT_FALSE(other.allow);
  EXPECT_EQ(other.reason, Reason::NoPermit);
  Decision forbidden = engine->decide(issue_json("acme/payments", kNow + 300, "refs/heads/untrusted"));
  EXPECT_EQ(forbidden.reason, Reason::Forbid);
  EXPECT_EQ(forbidden.rules, std::vector<std::string>{"no-tags"});
  Decision expired = engine->decide(issue_json("acme/payments", kNow - 1));
  EXPECT_EQ(expired.reason, Reason::TokenExpired);
  EXPECT_EQ(expired.detail, "the token has expired");
}

TEST(EngineApi, EveryTierDecidesAlikeAndSaysWhichDecided) {
  for (Tiers tiers : {Tiers::Interpreter, Tiers::Fast, Tiers::Optimized, Tiers::Tiered}) {
    EngineOptions options;
    options.tiers = tiers;
    auto engine = load_text(kPolicy, options);
    ASSERT_NE(engine, nullptr);
    Decision d = engine->decide(issue_json("acme/payments"));
    EXPECT_TRUE(d.allow);
    switch (tiers) {
      case Tiers::Interpreter:
        EXPECT_EQ(d.tier, Tier::Interpreter);
        break;
      case Tiers::Fast:
        EXPECT_EQ(d.tier, Tier::Fast);
        break;
      case Tiers::Optimized:
        EXPECT_EQ(d.tier, Tier::Optimized);
        break;
      case Tiers::Tiered:
        EXPECT_NE(d.tier, Tier::Interpreter);
        EXPECT_TRUE(engine->wait_for_optimized());
        EXPECT_EQ(engine->serving_tier(), Tier::Optimized);
        EXPECT_EQ(engine->decide(issue_json("acme/payments")).tier, Tier::Optimized);
        break;
    }
  }
}

TEST(EngineApi, ErrorsInThePolicyComeBackAsDiagnosticsWithTheirPlace) {
  LoadResult loaded = Engine::load(PolicySource::texts({{"bad.writ", "permit issue \"r\" to nowhere\n"}}));
  EXPECT_FALSE(loaded);
  EXPECT_EQ(loaded.engine, nullptr);
  ASSERT_TRUE(has_errors(loaded.diagnostics));
  auto error = std::find_if(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                            [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; });
  ASSERT_NE(error, loaded.diagnostics.end());
  // `nowhere` (line 1, column 21) is not a declared issuer.
  EXPECT_EQ(error->file, "bad.writ");
  EXPECT_EQ(error->line, 1u);
  EXPECT_EQ(error->column, 21u) << to_string(*error);
  EXPECT_FALSE(error->code.empty());
  EXPECT_NE(error->message.find("nowhere"), std::string::npos) << error->message;
  EXPECT_EQ(to_string(*error).rfind("bad.writ:1:21: error[" + error->code + "]: ", 0), 0u) << to_string(*error);
}

TEST(EngineApi, BadSourcesAndOptionsAreRefusedNotThrown) {
  EXPECT_FALSE(Engine::load(PolicySource::paths({})));
  EXPECT_FALSE(Engine::load(PolicySource::texts({})));
  LoadResult missing = Engine::load(PolicySource::paths({"/nonexistent/policies"}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.diagnostics.front().message.find("/nonexistent/policies"), std::string::npos);
  LoadResult no_bundle = Engine::load(PolicySource::bundle_file("/nonexistent.wbundle"));
  ASSERT_FALSE(no_bundle);
  EXPECT_EQ(no_bundle.diagnostics.front().file, "/nonexistent.wbundle");
  EXPECT_FALSE(Engine::load(PolicySource::bundle_bytes("not a bundle")));
  EngineOptions zero_ttl;
  zero_ttl.max_ttl_seconds = 0;
  LoadResult refused = Engine::load(PolicySource::texts({{"p.writ", kPolicy}}), zero_ttl);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.diagnostics.front().message.find("max_ttl_seconds"), std::string::npos);
}

TEST(EngineApi, TheGlobalTtlCapBoundsEveryGrant) {
  EngineOptions options;
  options.max_ttl_seconds = 60;
  auto engine = load_text(kPolicy, options);
  ASSERT_NE(engine, nullptr);
  Decision d = engine->decide(issue_json("acme/payments"));
  ASSERT_TRUE(d.grant);
  EXPECT_EQ(d.grant->ttl, 60);
}

TEST(EngineApi, BadRequestsAreDeniedWithTheirReason) {
  auto engine = load_text(kPolicy);
  ASSERT_NE(engine, nullptr);
  for (std::string_view text : {std::string_view(""), std::string_view("{"), std::string_view("[]"),
                                std::string_view("{\"kind\":\"nope\"}"), std::string_view("\xff\xfe")}) {
    Decision d = engine->decide(text);
    EXPECT_FALSE(d.allow);
    EXPECT_EQ(d.reason, Reason::RequestInvalid) << text;
    EXPECT_EQ(d.policy_version, engine->policy_version());
  }
  Decision unknown = engine->decide(
      R"({"kind":"issue","issuer":"other","claims":{},"header":{"alg":"RS256"},"request":{"role":"r","time":1}})");
  EXPECT_EQ(unknown.reason, Reason::IssuerUnknown);
}

TEST(EngineApi, TypedIssueRequestsDecideAsTheirJson) {
  auto engine = load_text(kPolicy);
  ASSERT_NE(engine, nullptr);
  IssueRequest request("ci", "deployer");
  request.claim("iss", "https://ci.example")
      .claim("sub", "x")
      .claim("aud", ClaimValue::strings({"other", "broker"}))
      .claim("exp", kNow + 300)
      .claim("repository", "acme/payments")
      .claim("ref", "refs/heads/main")
      .header("RS256", "key-1")
      .time(kNow)
      .ttl(120);
  Decision typed = engine->decide(request);
  EXPECT_TRUE(typed.allow) << typed.reason_code() << " " << typed.detail;
  ASSERT_TRUE(typed.grant);
  EXPECT_EQ(typed.grant->ttl, 120);
  Decision from_text = engine->decide(request.to_json());
  EXPECT_EQ(to_json(typed), to_json(from_text));
  DecisionContext context;
  EXPECT_EQ(to_json(engine->decide(request, context)), to_json(typed));

  IssueRequest from_payload("ci", "deployer");
  from_payload
      .claims_json(
          R"({"iss":"https://ci.example","sub":"x","aud":"broker","exp":1767261900,"repository":"acme/payments","ref":"r"})")
      .header("RS256")
      .time(kNow);
  EXPECT_TRUE(engine->decide(from_payload).allow);
  // Without `time`, the system clock decides: this token expired in 2026.
  IssueRequest now("ci", "deployer");
  now.claims_json(
         R"({"iss":"https://ci.example","sub":"x","aud":"broker","exp":1767261900,"repository":"acme/payments","ref":"r"})")
      .header("RS256");
  EXPECT_EQ(engine->decide(now).reason, Reason::TokenExpired);
}

TEST(EngineApi, TypedRequestsThatCannotBeJsonAreDenied) {
  auto engine = load_text(kPolicy);
  ASSERT_NE(engine, nullptr);
  auto base = [] {
    IssueRequest r("ci", "deployer");
    r.header("RS256").time(kNow);
    return r;
  };
  IssueRequest duplicate = base();
  duplicate.claims_json(R"({"iss":"https://ci.example","iss":"https://ci.example"})");
  Decision d = engine->decide(duplicate);
  EXPECT_EQ(d.reason, Reason::TokenInvalidClaims);
  EXPECT_NE(d.detail.find("`iss` appears twice"), std::string::npos) << d.detail;
  IssueRequest not_object = base();
  EXPECT_EQ(engine->decide(not_object.claims_json("[1]")).reason, Reason::TokenInvalidClaims);
  IssueRequest twice = base();
  twice.claim("nested", ClaimValue::Object{{"a", 1}, {"a", 2}});
  EXPECT_EQ(engine->decide(twice).reason, Reason::TokenInvalidClaims);
  IssueRequest bad_utf8 = base();
  bad_utf8.claim("iss", "https://ci.example").claim("repository", std::string("\xc3\x28"));
  Decision invalid = engine->decide(bad_utf8);
  EXPECT_FALSE(invalid.allow);
  EXPECT_EQ(invalid.reason, Reason::RequestInvalid);
  EXPECT_NE(bad_utf8.to_json().find("\xef\xbf\xbd"), std::string::npos);  // shown as U+FFFD
}

TEST(EngineApi, TypedAccessRequests) {
  auto engine = load_text(kPolicy);
  ASSERT_NE(engine, nullptr);
  AccessRequest ok = AccessRequest::spiffe("spiffe://acme.example/ns/payments/sa/api", "read", "payments/ledger");
  Decision d = engine->decide(ok.time(kNow));
  EXPECT_TRUE(d.allow) << d.reason_code() << " " << d.detail;
  EXPECT_EQ(d.rules, std::vector<std::string>{"mesh-read"});
  EXPECT_FALSE(d.grant.has_value());
  // A role spelled like a SPIFFE ID is not one.
  AccessRequest role = AccessRequest::role("spiffe://acme.example/ns/payments/sa/api", "read", "payments/ledger");
  EXPECT_EQ(engine->decide(role).reason, Reason::RequestInvalid);
  AccessRequest dots = AccessRequest::spiffe("spiffe://acme.example/ns/payments/sa/api", "read", "payments/../admin");
  EXPECT_EQ(engine->decide(dots).reason, Reason::RequestInvalid);
  EXPECT_EQ(engine->decide(AccessRequest::role("deployer", "read", "payments/x")).reason, Reason::NoPermit);
  DecisionContext context;
  EXPECT_TRUE(engine->decide(ok, context).allow);
  EXPECT_EQ(engine->decide(dots, context).reason, Reason::RequestInvalid);

  // A caller with a token: its checks run first, then the `by token` rules read it.
  auto by_token = [&](const std::string& resource, std::int64_t exp) {
    AccessRequest r = AccessRequest::token("ci", "write", resource);
    r.claims_json(R"({"iss":"https://ci.example","sub":"x","aud":"broker","exp":)" + std::to_string(exp) +
                  R"(,"repository":"acme/payments","ref":"refs/heads/main"})")
        .header("RS256")
        .time(kNow);
    return r;
  };
  Decision own = engine->decide(by_token("artifacts/acme/payments/build.tgz", kNow + 300));
  EXPECT_TRUE(own.allow) << own.reason_code() << " " << own.detail;
  EXPECT_EQ(own.rules, std::vector<std::string>{"ci-artifacts"});
  EXPECT_EQ(engine->decide(by_token("artifacts/acme/ledger/build.tgz", kNow + 300)).reason, Reason::NoPermit);
  EXPECT_EQ(engine->decide(by_token("artifacts/acme/payments/build.tgz", kNow - 1)).reason, Reason::TokenExpired);
  EXPECT_EQ(engine->decide(by_token("artifacts/acme/payments/x", kNow + 300), context).rules,
            std::vector<std::string>{"ci-artifacts"});
  AccessRequest bad = AccessRequest::token("ci", "write", "artifacts/x");
  bad.claims_json("[1]").header("RS256");
  EXPECT_EQ(engine->decide(bad).reason, Reason::TokenInvalidClaims);
  EXPECT_NE(by_token("artifacts/x", kNow).to_json().find(R"("issuer":"ci")"), std::string::npos);
}

TEST(EngineApi, ExplanationsOnDemand) {
  auto engine = load_text(kPolicy);
  ASSERT_NE(engine, nullptr);
  Decision plain = engine->decide(issue_json("acme/other"));
  EXPECT_FALSE(plain.explained);
  EXPECT_TRUE(plain.explanation.empty());
  Decision explained = engine->decide(issue_json("acme/other"), DecideOptions{.explain = true});
  EXPECT_TRUE(explained.explained);
  ASSERT_FALSE(explained.explanation.empty());
  EXPECT_EQ(explained.explanation.front().rule, "deploy");
  EXPECT_EQ(explained.explanation.front().outcome, "not_matched");
  EXPECT_NE(to_text(explained).find("acme/other"), std::string::npos) << to_text(explained);
}

TEST(EngineApi, ReloadSwapsVersionsAndKeepsTheOldOneWhenTheNewFails) {
  auto engine = load_text(kPolicy);
  ASSERT_NE(engine, nullptr);
  std::string first = engine->policy_version();
  DecisionContext context;
  EXPECT_TRUE(engine->decide(issue_json("acme/payments"), context).allow);

  ReloadResult failed = engine->reload(PolicySource::texts({{"policy.writ", "permit issue \"r\" to nowhere\n"}}));
  EXPECT_FALSE(failed.ok);
  EXPECT_TRUE(has_errors(failed.diagnostics));
  EXPECT_EQ(failed.policy_version, first);
  EXPECT_TRUE(engine->decide(issue_json("acme/payments"), context).allow);

  ReloadResult swapped = engine->reload(PolicySource::texts({{"policy.writ", api_test::kPolicyOtherRepository}}));
  ASSERT_TRUE(swapped.ok);
  EXPECT_NE(swapped.policy_version, first);
  EXPECT_EQ(swapped.policy_version, engine->policy_version());
  // The context follows the new version.
  Decision payments = engine->decide(issue_json("acme/payments"), context);
  EXPECT_FALSE(payments.allow);
  EXPECT_EQ(payments.policy_version, swapped.policy_version);
  EXPECT_TRUE(engine->decide(issue_json("acme/ledger"), context).allow);
  EXPECT_TRUE(engine->decide(issue_json("acme/ledger")).allow);
  // `reload()` reads the current source again: the same version.
  ReloadResult again = engine->reload();
  EXPECT_TRUE(again.ok);
  EXPECT_EQ(again.policy_version, swapped.policy_version);
}

TEST(EngineApi, ReloadFromPathsRereadsTheFiles) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("writ-api-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const char* text) { std::ofstream(dir / "policy.writ") << text; };
  write(kPolicy);
  LoadResult loaded = Engine::load(PolicySource::paths({dir.string()}));
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded.engine->decide(issue_json("acme/payments")).allow);
  write(api_test::kPolicyOtherRepository);
  ASSERT_TRUE(loaded.engine->reload().ok);
  EXPECT_FALSE(loaded.engine->decide(issue_json("acme/payments")).allow);
  write("not a policy");
  ReloadResult broken = loaded.engine->reload();
  EXPECT_FALSE(broken.ok);
  ASSERT_FALSE(broken.diagnostics.empty());
  EXPECT_NE(broken.diagnostics.front().file.find("policy.writ"), std::string::npos);
  EXPECT_TRUE(loaded.engine->decide(issue_json("acme/ledger")).allow);  // the old version serves
  std::filesystem::remove_all(dir);
}

TEST(EngineApi, ReasonTableRoundTrips) {
  for (int i = 0; i <= static_cast<int>(Reason::EngineError); ++i) {
    auto reason = static_cast<Reason>(i);
    std::string_view code = reason_code(reason);
    EXPECT_FALSE(code.empty());
    EXPECT_FALSE(reason_meaning(reason).empty());
    EXPECT_EQ(reason_from_code(code), reason) << code;
  }
  EXPECT_FALSE(reason_from_code("token.bogus").has_value());
  EXPECT_EQ(tier_name(Tier::Optimized), "optimized");
  EXPECT_FALSE(version().empty());
}

}  // namespace
}  // namespace writ

namespace {

// RFC 6749 §3.3: scope tokens are separated by single spaces; an empty one is refused.
TEST(SplitScope, SplitsOnSingleSpacesAndRefusesEmptyTokens) {
  EXPECT_EQ(writ::split_scope("repo:read deploy"), (std::vector<std::string>{"repo:read", "deploy"}));
  EXPECT_EQ(writ::split_scope(""), std::vector<std::string>{});
  EXPECT_EQ(writ::split_scope("a"), std::vector<std::string>{"a"});
  for (const char* bad : {" a", "a ", "a  b", " ", "a\tb", "a\"b", "a\\b", "caf\xc3\xa9"}) {
    std::string problem;
    EXPECT_FALSE(writ::split_scope(bad, &problem).has_value()) << bad;
    EXPECT_FALSE(problem.empty()) << bad;
  }
  std::string problem;
  writ::split_scope("a  b", &problem);
  EXPECT_EQ(problem, "scope token 2 is not one: it is empty");
}

}  // namespace
