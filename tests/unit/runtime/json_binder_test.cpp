// Tests for the fast JSON path: it binds ordinary requests itself, refuses anything unusual
// (leaving it to the exact slow path), and never decides differently from the interpreter.
#include <gtest/gtest.h>

#include "runtime/engine/engine.h"
#include "tests/unit/test_support.h"

namespace writ::engine {
namespace {

using nlohmann::json;

class JsonFastPath : public ::testing::Test {
 protected:
  void SetUp() override { load(""); }

  // The GitHub issuer and one rule, with `more` policy text.
  void load(const std::string& more) {
    auto set = std::make_shared<LoadedPolicySet>(testing::check_text(std::string(testing::kGithubIssuer) + R"(
@id("deploy") permit issue "deployer" to github when { token.repository_id == "5" } grant { ttl: 10m }
)" + more));
    ASSERT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
    EngineOptions native;
    native.require_native = true;
    native.tiers = Tiers::Fast;
    EngineOptions interp;
    interp.backend = Backend::Interpreter;
    native_ = *Engine::create(set, native);
    interpreter_ = *Engine::create(set, interp);
  }

  // Decides `text` both ways, expects the same decision, and says whether the fast path bound it.
  bool fast(const std::string& text) {
    std::uint64_t before = context_.fast_binds;
    json a = interp::decision_to_json(native_->decide_text(text, context_));
    json b = interp::decision_to_json(interpreter_->decide_text(text));
    EXPECT_EQ(a, b) << text;
    return context_.fast_binds > before;
  }

  static std::string claims(const std::string& extra = "") {
    return R"({"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": "repo:a/b:ref:refs/heads/main",
      "exp": 2000, "iat": 900, "nbf": 900, "jti": "j", "actor": "x", "actor_id": "1", "repository": "a/b", "repository_id": "5",
      "repository_owner": "a", "repository_owner_id": "1", "repository_visibility": "private", "ref": "refs/heads/main",
      "ref_type": "branch", "sha": "s", "head_ref": "", "base_ref": "", "event_name": "push", "workflow": "w",
      "workflow_ref": "w", "workflow_sha": "s", "job_workflow_ref": "j", "job_workflow_sha": "s", "run_id": "1",
      "run_number": "1", "run_attempt": "1")" +
           extra + "}";
  }

  static std::string request(const std::string& claims_text, const std::string& extra = "") {
    return R"({"kind": "issue", "issuer": "github", "header": {"alg": "RS256"}, "claims": )" + claims_text +
           R"(, "request": {"role": "deployer", "time": 1000})" + extra + "}";
  }

  std::shared_ptr<const Engine> native_, interpreter_;
  DecisionContext context_;
};

TEST_F(JsonFastPath, BindsAnOrdinaryRequest) {
  EXPECT_TRUE(fast(request(claims())));
  EXPECT_TRUE(fast(request(claims(R"(, "unknown_claim": {"nested": [1, 2, {"x": null}]})"))));
  EXPECT_TRUE(fast(request(claims(R"(, "environment": null)"))));  // null is absent
  EXPECT_TRUE(fast(request(claims(), R"(, "exchange": {"audience": ["x"]})")));
}

TEST_F(JsonFastPath, LeavesInvalidRequestsToTheSlowPath) {
  // Keys no part has: refused, and named, by the slow path.
  EXPECT_FALSE(fast(request(claims(), R"(, "extra": 1)")));
  EXPECT_FALSE(fast(request(claims(), R"(, "exchange": {"audiences": ["x"]})")));
  EXPECT_FALSE(fast(request(claims(R"(, "repository_id": "6")"))));                   // a duplicate key
  EXPECT_FALSE(fast(request(claims(R"(, "x": 1, "\u0078": 2)"))));                    // duplicate once unescaped
  EXPECT_FALSE(fast(request(claims(R"(, "x": {"k": 1, "k": 2})"))));                  // a duplicate deep down
  EXPECT_FALSE(fast(request(claims(), R"(, "request": {"role": "x", "time": 1})")));  // a duplicate part
  EXPECT_FALSE(fast(request(claims(R"(, "run_id": 1)"))));                            // not a string (and a duplicate)
  EXPECT_FALSE(fast(request(claims()).substr(0, 50)));                                // truncated
  EXPECT_FALSE(fast(R"({"kind":)"));                                                  // ends where a value starts
  EXPECT_FALSE(fast(request(claims(R"(, "x":)"))));
  EXPECT_FALSE(fast("[]"));
  EXPECT_FALSE(fast(""));
  std::string deep = std::string(40, '[') + std::string(40, ']');
  EXPECT_FALSE(fast(request(claims(", \"deep\": " + deep))));              // too deep
  EXPECT_FALSE(fast(request(claims(R"(, "repository_visibility": 5)"))));  // a duplicate of the wrong type
  EXPECT_FALSE(fast(request(claims()) + " {}"));                           // content after the request
  EXPECT_FALSE(fast(request(claims()) + "}"));
  EXPECT_FALSE(fast(request(claims(R"(, "x": [1 2])"))));  // not JSON deep in an unknown claim
  EXPECT_FALSE(fast(request(claims(R"(, "x": nul)"))));
  EXPECT_FALSE(fast(request(claims(R"(, "x": "\q")"))));          // a bad escape
  EXPECT_FALSE(fast(request(claims(R"(, "x": "\ud800")"))));      // a lone surrogate
  EXPECT_FALSE(fast(request(claims(), R"(, "kind": "issue")")));  // a duplicate part
  // Many claims no schema describes: distinct ones bind, a duplicate among them does not.
  std::string many;
  for (int i = 0; i < 12; ++i) many += ", \"extra_" + std::to_string(i) + "\": " + std::to_string(i);
  EXPECT_TRUE(fast(request(claims(many))));
  EXPECT_FALSE(fast(request(claims(many + R"(, "extra_7": 0)"))));
}

TEST_F(JsonFastPath, EscapedKeysAndStringsBindUnescaped) {
  EXPECT_TRUE(fast(request(claims(R"(, "environment": "prod\"uction\u00e9")"))));
  std::string text = request(claims());
  const std::string plain = R"("repository_id": "5")";
  text.replace(text.find(plain), plain.size(), R"("repository\u005fid": "\u0035")");
  EXPECT_TRUE(fast(text));  // the rule sees "5": allowed
  EXPECT_TRUE(native_->decide_text(text, context_).allow);
}

// The request's members may come in any order; claims met before the issuer are bound once the
// issuer is known (a second pass when issuers have different token types).
TEST_F(JsonFastPath, PartsBindInAnyOrder) {
  std::string claims_first =
      R"({"claims": )" + claims() +
      R"(, "request": {"role": "deployer", "time": 1000}, "header": {"alg": "RS256"}, "kind": "issue", "issuer": "github"})";
  EXPECT_TRUE(fast(claims_first));
  load(R"(
issuer k8s = "https://kubernetes.default.svc" { schema: kubernetes audience: "a" algorithms: [RS256] }
)");
  EXPECT_TRUE(fast(claims_first));
  EXPECT_TRUE(native_->decide_text(claims_first, context_).allow);
}

TEST_F(JsonFastPath, NumbersBindAsTheInterpreterBindsThem) {
  auto with_exp = [&](const std::string& exp) {
    std::string text = request(claims());
    text.replace(text.find("\"exp\": 2000"), 11, "\"exp\": " + exp);
    return text;
  };
  EXPECT_TRUE(fast(with_exp("2e3")));      // a NumericDate may be written as a float
  fast(with_exp("2000.9"));                // a fractional NumericDate rounds down
  fast(with_exp("-1.5"));                  // expired
  fast(with_exp("1e400"));                 // out of range
  fast(with_exp("18446744073709551615"));  // above int64
  fast(with_exp("9223372036854775807"));   // exp + leeway overflows
  fast(with_exp("\"2000\""));              // a string
}

// Access requests: the `request` record from the object's own members, the principal from its
// one-member object. Decided on the fast path when ordinary, left to the slow path otherwise,
// and the same decision either way.
TEST_F(JsonFastPath, BindsAccessRequests) {
  load(R"(
@id("read") permit access ["read", "li*"] on "data/*" by spiffe "spiffe://prod.acme/ns/*" when {
  request.principal under "spiffe://prod.acme/ns/orders"
  !has(request.source_ip) || request.source_ip != "10.0.0.1"
}
@id("roles") permit access "deploy" on * by role "deployer-*" when { has(request.broker) }
@id("late") forbid access * on "data/audit/*" by * when { request.time in window(mon..sun, 00:00..06:00, "UTC") }
)");
  auto access = [](const std::string& members, const std::string& outside = "") {
    return R"({"kind": "access", "principal": {"spiffe": "spiffe://prod.acme/ns/orders/sa/api"}, "request": {)" +
           members + "}" + outside + "}";
  };
  std::string ordinary = R"("action": "read", "resource": "data/x", "time": 1000)";
  EXPECT_TRUE(fast(access(ordinary)));
  EXPECT_EQ(native_->decide_text(access(ordinary), context_).rules, std::vector<std::string>{"read"});
  EXPECT_TRUE(fast(access(R"("action": "list", "resource": "data/audit/1", "time": 6000, "broker": "b")")));
  EXPECT_TRUE(fast(access(ordinary + R"(, "source_ip": "10.0.0.1")")));  // the condition is false: no permit
  EXPECT_TRUE(fast(access(ordinary + R"(, "source_ip": null)")));
  EXPECT_TRUE(fast(R"({"request": {"time": 1000, "action": "deploy", "resource": "k8s/x", "broker": "b"},
                       "principal": {"role": "deployer-eu"}, "kind": "access"})"));  // any member order
  // An invalid SPIFFE ID is refused before any rule: the slow path says why (request.invalid).
  EXPECT_FALSE(
      fast(R"({"kind": "access", "principal": {"spiffe": "not a spiffe id"}, "request": {)" + ordinary + "}}"));
  EXPECT_TRUE(fast(R"({"kind": "access", "principal": {"role": "deployer-eu"}, "request": {"action": "deploy",
                       "resource": "r", "time": 1, "broker": "b"}})"));  // escapes, unescaped

  // Left to the slow path, which gives the exact deny (or decision).
  EXPECT_FALSE(fast(access(R"("action": "read", "resource": "data/x")")));                  // no time
  EXPECT_FALSE(fast(access(R"("action": "read", "resource": "data/x", "time": "1000")")));  // not RFC 3339
  EXPECT_TRUE(fast(access(R"("action": "read", "resource": "data/x", "time": "1970-01-01T00:16:40Z")")));
  EXPECT_FALSE(fast(access(R"("action": 7, "resource": "data/x", "time": 1000)")));
  EXPECT_FALSE(fast(access(ordinary + R"(, "action": "read")")));  // a duplicate
  EXPECT_FALSE(fast(access(ordinary + R"(, "x": 1)")));            // unknown in `request`
  EXPECT_FALSE(fast(access(ordinary + R"(, "principal": "r")")));  // `principal` is never given there
  EXPECT_FALSE(fast(access(ordinary, R"(, "x": 1)")));             // unknown in the request object
  EXPECT_FALSE(fast(access(ordinary, R"(, "action": "read")")));   // the old shape
  EXPECT_FALSE(fast(access(ordinary, R"(, "kind": "access")")));
  EXPECT_FALSE(fast(access(ordinary, R"(, "principal": {"role": "r"})")));
  EXPECT_FALSE(fast(access(ordinary, R"(, "request": {})")));
  EXPECT_FALSE(fast(R"({"kind": "access", "principal": {"spiffe": "spiffe://a/b", "role": "r"}, "request": {)" +
                    ordinary + "}}"));
  EXPECT_FALSE(fast(R"({"kind": "access", "principal": {"user": "u"}, "request": {)" + ordinary + "}}"));
  EXPECT_FALSE(fast(R"({"kind": "access", "principal": {}, "request": {)" + ordinary + "}}"));
  EXPECT_FALSE(fast(R"({"kind": "access", "principal": "spiffe://a/b", "request": {)" + ordinary + "}}"));
  EXPECT_FALSE(fast(R"({"kind": "access", "principal": {"role": 1}, "request": {)" + ordinary + "}}"));
  EXPECT_FALSE(fast(R"({"principal": {"role": "r"}, "request": {)" + ordinary + "}}"));  // no kind
  EXPECT_FALSE(fast(R"({"kind": "access", "principal": {"role": "r"}})"));               // no request
  EXPECT_FALSE(fast(access(ordinary) + " {}"));                                          // trailing content
}

}  // namespace
}  // namespace writ::engine
