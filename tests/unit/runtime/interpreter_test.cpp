// Tests for the interpreter's fail-closed rules, forbid precedence and grant computation.
#include <gtest/gtest.h>

#include "runtime/interp/interpreter.h"
#include "tests/unit/runtime/github_request.h"
#include "tests/unit/test_support.h"

namespace writ {
namespace {

using nlohmann::json;

std::shared_ptr<const interp::Interpreter> make(const std::string& rules) {
  auto set = std::make_shared<LoadedPolicySet>(testing::check_text(std::string(testing::kGithubIssuer) + rules));
  EXPECT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
  auto interp = interp::Interpreter::create(set);
  EXPECT_TRUE(interp.ok());
  return interp.ok() ? *interp : nullptr;
}

// The shared GitHub request, with `run_attempt` not a number (so `int(token.run_attempt)` errs)
// and the given patches.
json request(const std::string& role, json claims_patch = json::object(), json request_patch = json::object()) {
  json r = testing::github_request(role, "5");
  r["claims"]["run_attempt"] = "x1";
  r["claims"].merge_patch(claims_patch);
  r["request"].merge_patch(request_patch);
  return r;
}

TEST(Interpreter, APermitThatErrsDoesNotMatch) {
  auto interp = make(R"(
@id("errs") permit issue "r" to github when { int(token.run_attempt) == 1 }
)");
  Decision d = interp->decide(request("r"));
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.reason_code(), "no_permit");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].rule, "errs");
  EXPECT_NE(d.errors[0].message.find("x1"), std::string::npos);
}

TEST(Interpreter, AForbidThatErrsMatches) {
  auto interp = make(R"(
@id("ok") permit issue "r" to github when { token.repository_id == "5" }
@id("errs") forbid issue "r" to github when { int(token.run_attempt) > 3 }
)");
  Decision d = interp->decide(request("r"));
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.reason_code(), "forbid");
  EXPECT_EQ(d.rules, std::vector<std::string>{"errs"});
}

TEST(Interpreter, ForbidBeatsPermitAndDefaultIsDeny) {
  auto interp = make(R"(
@id("p") permit issue "r" to github
@id("f") forbid issue "r" to github when { token.event_name == "push" }
)");
  EXPECT_EQ(interp->decide(request("r")).reason_code(), "forbid");
  EXPECT_TRUE(interp->decide(request("r", {{"event_name", "schedule"}})).allow);
  EXPECT_EQ(interp->decide(request("other")).reason_code(), "no_permit");
}

TEST(Interpreter, GrantTakesTheLeastTtlAndUnionsScopes) {
  auto interp = make(R"(
@id("a") permit issue "r" to github grant { ttl: 10m  scopes: ["read"]  tags: { repo: token.repository } }
@id("b") permit issue "r" to github grant { ttl: token.exp - request.time  scopes: ["write", "read"] }
)");
  Decision d = interp->decide(request("r"));
  ASSERT_TRUE(d.allow) << d.reason_code();
  EXPECT_EQ(d.rules, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.grant->ttl, 600);
  EXPECT_EQ(d.grant->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(d.grant->tags.at("repo"), "a/b");
  // Requested scopes must all be granted.
  EXPECT_EQ(interp->decide(request("r", json::object(), {{"scopes", json::array({"admin"})}})).reason_code(),
            "grant.scope_not_granted");
  Decision narrowed = interp->decide(request("r", json::object(), {{"scopes", json::array({"write"})}, {"ttl", 60}}));
  EXPECT_EQ(narrowed.grant->scopes, std::vector<std::string>{"write"});
  EXPECT_EQ(narrowed.grant->ttl, 60);
}

TEST(Interpreter, RefusesPolicySetsWithErrors) {
  auto set = std::make_shared<LoadedPolicySet>(testing::check_text("const x = nope"));
  EXPECT_FALSE(interp::Interpreter::create(set).ok());
}

TEST(Interpreter, MalformedRequestsAreDeniedNeverThrown) {
  auto interp = make("@id(\"p\") permit issue \"r\" to github\n");
  for (const char* text :
       {"", "[]", "{}", R"({"kind": "issue"})", R"({"kind": "issue", "issuer": 5})", R"({"kind": "access"})",
        R"({"kind": "issue", "issuer": "github", "claims": []})", "{\"kind\": \"issue\", \"kind\": \"access\"}"}) {
    Decision d = interp->decide_text(text);
    EXPECT_FALSE(d.allow) << text;
    EXPECT_FALSE(d.reason_code().empty());
  }
}

}  // namespace
}  // namespace writ
