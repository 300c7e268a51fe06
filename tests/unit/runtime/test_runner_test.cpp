// `writ test` runs each test block on the interpreter and on native code; a disagreement fails.
#include <gtest/gtest.h>

#include "runtime/engine/engine.h"
#include "runtime/interp/test_runner.h"
#include "tests/unit/test_support.h"

namespace writ {
namespace {

constexpr const char* kPolicy = R"(
schema ci_token extends jwt {
  repository: string
}
issuer ci = "https://ci.example" {
  schema: ci_token
  audience: ["broker"]
  algorithms: [RS256]
}
@id("deploy") permit issue "deployer" to ci when { token.repository == "acme/payments" } grant { ttl: 5m }
test "payments deploys" {
  issuer: ci
  role: "deployer"
  token: { iss: "https://ci.example", sub: "s", aud: "broker", exp: 2000, iat: 1000, repository: "acme/payments" }
  expect: allow
  ttl: 5m
}
)";

// An engine that gets every request wrong in one way: it denies everything.
class DenyingDecider final : public interp::Decider {
 public:
  explicit DenyingDecider(const interp::Interpreter& oracle) : oracle_(oracle) {}
  Decision decide(const nlohmann::json&, DecideOptions) const override { return oracle_.deny(Reason::NoPermit, ""); }
  Decision decide_text(std::string_view, DecideOptions) const override { return oracle_.deny(Reason::NoPermit, ""); }
  const std::string& policy_version() const override { return oracle_.policy_version(); }

 private:
  const interp::Interpreter& oracle_;
};

struct Loaded {
  std::shared_ptr<LoadedPolicySet> policy;
  std::shared_ptr<const interp::Interpreter> interpreter;
};

Loaded load() {
  Loaded out;
  out.policy = std::make_shared<LoadedPolicySet>(testing::check_text(kPolicy));
  EXPECT_FALSE(out.policy->diagnostics.has_errors()) << testing::rendered(*out.policy);
  out.interpreter = *interp::Interpreter::create(out.policy);
  return out;
}

TEST(TestRunner, PassesWhenNativeCodeAgreesWithTheInterpreter) {
  Loaded loaded = load();
  for (auto tiers : {engine::Tiers::Fast, engine::Tiers::Optimized}) {
    engine::EngineOptions options;
    options.tiers = tiers;
    auto native = engine::Engine::create(loaded.policy, options);
    ASSERT_TRUE(native.ok()) << native.error();
    ASSERT_NE((*native)->native(), nullptr);
    interp::TestReport report = interp::run_tests(*loaded.interpreter, *loaded.policy, native->get());
    ASSERT_EQ(report.outcomes.size(), 1u);
    EXPECT_TRUE(report.outcomes[0].passed) << report.outcomes[0].differences.front();
  }
}

TEST(TestRunner, ADisagreementBetweenTheEnginesFailsTheTest) {
  Loaded loaded = load();
  DenyingDecider wrong(*loaded.interpreter);
  interp::TestReport report = interp::run_tests(*loaded.interpreter, *loaded.policy, &wrong);
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_FALSE(report.outcomes[0].passed);
  ASSERT_EQ(report.outcomes[0].differences.size(), 1u);
  EXPECT_NE(
      report.outcomes[0].differences[0].find("the engines disagree: the interpreter decides {\"decision\":\"allow\""),
      std::string::npos)
      << report.outcomes[0].differences[0];
  // Without a second engine the same test passes: the interpreter alone is right.
  EXPECT_TRUE(interp::run_tests(*loaded.interpreter, *loaded.policy).outcomes[0].passed);
}

}  // namespace
}  // namespace writ
