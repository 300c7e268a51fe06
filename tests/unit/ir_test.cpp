// Tests for lowering checked rules to the decision IR, and for rule shapes.
#include <gtest/gtest.h>

#include "compiler/codegen/rule_shape.h"
#include "compiler/ir/lower.h"
#include "tests/unit/test_support.h"

namespace writ {
namespace {

ir::Policy lowered(const std::string& rules) {
  LoadedPolicySet set = testing::check_text(std::string(testing::kGithubIssuer) + rules);
  EXPECT_FALSE(set.diagnostics.has_errors()) << testing::rendered(set);
  auto policy = ir::lower(set.program);
  EXPECT_TRUE(policy.ok()) << policy.error();
  return policy.ok() ? std::move(policy).value() : ir::Policy{};
}

// The worked example of docs/architecture.md.
TEST(Lowering, TheWorkedExample) {
  ir::Policy p = lowered(R"(
const deploy_events = ["push", "workflow_dispatch"]

@id("deploy-api")
permit issue "api-deployer" to github when {
  let sub = github_sub(token.sub)
  has(sub.repository_id) && sub.repository_id == "892"
  token.event_name in deploy_events
  has(token.environment) && token.environment like "prod-*"
} grant {
  ttl: min(15m, token.exp - request.time)
}
)");
  EXPECT_EQ(ir::to_text(p),
            R"(rule deploy-api (permit issue)
  %0 = (github-sub (field token #1 sub))
  require (and (has %0 #4 repository_id) (eq (field %0 #4 repository_id) "892"))
  require (in-set (field token #19 event_name) {"push", "workflow_dispatch"})
  require (and (has token #29 environment) (like (field token #29 environment) "prod-*"))
  grant ttl = (min 900 (sub (field token #3 exp) (field request #0 time)))
)");
}

TEST(Lowering, ConstantsAreInlinedAndListsOfLiteralsBecomeSets) {
  ir::Policy p = lowered(R"(
const limit = 7
@id("r") permit issue "r" to github when { int(token.run_attempt) < limit && token.ref in ["b", "a", "b"] }
)");
  EXPECT_EQ(ir::to_text(p),
            "rule r (permit issue)\n"
            "  require (and (lt (parse-int (field token #27 run_attempt)) 7) (in-set (field token #14 ref) {\"a\", "
            "\"b\"}))\n");
}

TEST(Lowering, ErrorSitesWordErrorsAsTheInterpreterDoes) {
  ir::Policy p = lowered(R"(
@id("r") permit issue "r" to github when { has(token.environment) && token.environment == "x"; 10 / size(token.ref) > 1 }
)");
  std::vector<std::string> sites(p.sites.begin(), p.sites.end());
  EXPECT_NE(std::find(sites.begin(), sites.end(), "`token.environment` is absent"), sites.end());
  EXPECT_NE(std::find(sites.begin(), sites.end(), "`10 / size(token.ref)` divides by zero"), sites.end());
}

TEST(Lowering, RefusesWhatNativeCodeDoesNotSupport) {
  LoadedPolicySet set =
      testing::check_text(std::string(testing::kGithubIssuer) +
                          R"(@id("r") permit issue "r" to github when { [split(token.ref, "/")] == [["a"]] })");
  ASSERT_FALSE(set.diagnostics.has_errors()) << testing::rendered(set);
  auto policy = ir::lower(set.program);
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.error().find("comparing values of type `list<list<string>>`"), std::string::npos) << policy.error();
}

TEST(RuleShapes, RulesThatDifferOnlyInConstantsShareAShape) {
  ir::Policy p = lowered(R"(
@id("a") permit issue "a" to github when { token.repository_id == "1"; token.ref like "refs/heads/*" }
@id("b") permit issue "b" to github when { token.repository_id == "22"; token.ref like "refs/tags/*" }
@id("c") permit issue "c" to github when { token.repository_id == "1"; token.ref like "refs/*/x*" }
@id("d") permit issue "d" to github when { token.repository == "1"; token.ref like "refs/heads/*" }
)");
  auto a = codegen::shape_of(p, p.rules[0]);
  auto b = codegen::shape_of(p, p.rules[1]);
  auto c = codegen::shape_of(p, p.rules[2]);
  auto d = codegen::shape_of(p, p.rules[3]);
  EXPECT_EQ(a.key, b.key);
  EXPECT_NE(a.key, c.key);         // three glob pieces, not two
  EXPECT_NE(a.key, d.key);         // another claim
  std::vector<std::string> texts;  // besides texts, the table holds the error sites of the fields
  for (const auto& c : b.constants) {
    if (c.kind == codegen::ShapeConstant::Kind::Text) texts.push_back(c.text);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"22", "refs/tags/", ""}));
}

}  // namespace
}  // namespace writ
