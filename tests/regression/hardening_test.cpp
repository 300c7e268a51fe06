// Regression tests for the red-team findings of issue 12: each reproduces one finding on both
// engines and asserts the fixed behaviour (fail closed, a clear error, no corruption).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "runtime/engine/engine.h"
#include "tests/unit/test_support.h"

namespace writ {

using namespace writ::engine;  // the engine under test
namespace {

using nlohmann::json;

// Both engines over one in-memory policy; the native one must compile.
struct Engines {
  std::shared_ptr<const Engine> native, interpreter;

  explicit Engines(const std::string& policy) {
    auto set = std::make_shared<LoadedPolicySet>(testing::check_text(policy));
    EXPECT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
    EngineOptions n;
    n.require_native = true;
    n.tiers = Tiers::Fast;
    EngineOptions i;
    i.backend = Backend::Interpreter;
    native = *Engine::create(set, n);
    interpreter = *Engine::create(set, i);
  }

  // The decision on `text` (as JSON), the same from both engines and both native paths.
  json decide(const std::string& text) const {
    DecisionContext context;
    json fast = interp::decision_to_json(native->decide_text(text, context));
    json oracle = interp::decision_to_json(interpreter->decide_text(text));
    EXPECT_EQ(fast, oracle) << text;
    return oracle;
  }
};

// An ordinary GitHub Actions issuance request for `role` (the claims of testing::kGithubIssuer).
std::string github_request(const std::string& role) {
  return R"({"kind": "issue", "issuer": "github", "header": {"alg": "RS256"}, "claims": {
    "iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": "repo:a/b:ref:refs/heads/main",
    "exp": 2000, "iat": 900, "nbf": 900, "jti": "j", "actor": "x", "actor_id": "1", "repository": "a/b",
    "repository_id": "5", "repository_owner": "a", "repository_owner_id": "1", "repository_visibility": "private",
    "ref": "refs/heads/main", "ref_type": "branch", "sha": "s", "head_ref": "", "base_ref": "", "event_name": "push",
    "workflow": "w", "workflow_ref": "w", "workflow_sha": "s", "job_workflow_ref": "j", "job_workflow_sha": "s",
    "run_id": "1", "run_number": "1", "run_attempt": "1"}, "request": {"role": ")" +
         role + R"(", "time": 1000}})";
}

const char* const kAccessPolicy = R"(
@id("intents") permit access "read" on "payments/intents/*" by *
@id("spiffe-read") permit access "read" on "ledger/*" by spiffe "spiffe://prod.acme.example/*"
@id("no-staging") forbid access * on * by spiffe "spiffe://staging.acme.example/*"
)";

// Finding 3: an access request read twice (its `kind` after other members) with escaped strings
// unescaped twice into a buffer sized for one pass.
TEST(Hardening, Finding03AccessRequestReadTwiceWithEscapes) {
  Engines engines(kAccessPolicy);
  // Mostly plain bytes, so that unescaped they take nearly as much space as escaped: read twice,
  // they overflowed a buffer sized for the document once.
  std::string escaped = std::string(300, 'a') + "\\/" + std::string(300, 'b') + "\\u001b";
  for (const char* order : {"action-first", "resource-first"}) {
    std::string action = R"("action": "read)" + escaped + R"(")";
    std::string resource = R"("resource": "payments/intents/)" + escaped + R"(")";
    std::string first = std::string(order) == "action-first" ? action : resource;
    std::string second = std::string(order) == "action-first" ? resource : action;
    std::string text = R"({"request": {)" + first + ", " + second +
                       R"(, "time": 5}, "kind": "access", "principal": {"role": "x\u0041"}})";
    json d = engines.decide(text);
    EXPECT_EQ(d["decision"], "deny") << d;
    // The same, with strings that match a rule: a second pass must read what the first did.
    std::string plain = R"({"request": {"action": "r\u0065ad", "resource": "payments\/intents\/42", "time": 5},
                           "kind": "access", "principal": {"role": "\u0078"}})";
    EXPECT_EQ(engines.decide(plain)["decision"], "allow");
  }
}

// Finding 1: a custom schema retyping a registered claim made native code read a string cell as
// the expiry (a wrong allow) and crash on `aud: string`. The checker refuses such a schema.
TEST(Hardening, Finding01RegisteredClaimsKeepTheirJwtTypes) {
  for (const char* field :
       {"exp: string", "exp: list<string>", "exp: \"a\" | \"b\"", "exp: {at: int}", "exp: int", "aud: string",
        "aud: list<string>", "iss: int", "nbf: duration?", "iat: string?", "sub: list<string>", "jti: int?"}) {
    std::string policy = std::string("schema custom {\n  ") + field + R"(
}
issuer ci = "https://ci.example" {
  schema: custom
  audience: "broker"
  algorithms: [RS256]
}
@id("r") permit issue "r" to ci
)";
    LoadedPolicySet set = testing::check_text(policy);
    std::vector<std::string> codes = testing::codes(set);
    EXPECT_NE(std::find(codes.begin(), codes.end(), "E2009"), codes.end()) << field << "\n" << testing::rendered(set);
  }
  // The JWT types themselves, optional or not, and an `extends jwt` that narrows: accepted.
  LoadedPolicySet ok = testing::check_text(R"(
schema custom extends jwt {
  exp: timestamp
  aud: one_or_many<string>
  jti: string?
}
issuer ci = "https://ci.example" {
  schema: custom
  audience: "broker"
  algorithms: [RS256]
}
@id("r") permit issue "r" to ci
)");
  EXPECT_FALSE(ok.diagnostics.has_errors()) << testing::rendered(ok);
  // An issuer's schema that leaves registered claims out would let the token's `nbf` or `iat`
  // through unread (found by the review of this fix): an error.
  LoadedPolicySet partial = testing::check_text(R"(
schema s {
  aud: one_or_many<string>
  exp: timestamp
}
issuer ci = "https://ci.example" {
  schema: s
  audience: "broker"
  algorithms: [RS256]
}
@id("r") permit issue "r" to ci
)");
  EXPECT_EQ(testing::codes(partial), std::vector<std::string>{"E4001"}) << testing::rendered(partial);
  EXPECT_NE(testing::rendered(partial).find("`iss`, `sub`, `nbf`, `iat`, `jti`"), std::string::npos)
      << testing::rendered(partial);
}

// Finding 4: constants inlined at every use made `const b2 = max(b1, b1)` chains compile in
// exponential time and memory; string doubling crashed. Constants are evaluated once, `+` has a
// length limit in both engines, and lowering has a node budget.
TEST(Hardening, Finding04ConstantChainsCompileInLinearTime) {
  std::string policy = testing::kGithubIssuer;
  policy += "const b0 = 1\n";
  for (int i = 1; i <= 60; ++i) policy += fmt::format("const b{} = max(b{}, b{})\n", i, i - 1, i - 1);
  policy += "const l0 = [\"x\"]\n";
  for (int i = 1; i <= 60; ++i) policy += fmt::format("const l{} = l{}\n", i, i - 1);
  policy += R"(@id("r") permit issue "r" to github when { int(token.run_attempt) >= b60 && "x" in l60 })";
  policy += "\n";
  Engines engines(policy);  // native code must compile (and quickly: this took 2^60 steps)
  ASSERT_NE(engines.native, nullptr);
  EXPECT_STREQ(engines.native->serving_tier(), "fast");

  // Doubling a string: refused when the constant is evaluated, naming the limit.
  std::string doubling = testing::kGithubIssuer;
  doubling += "const s0 = \"ab\"\n";
  for (int i = 1; i <= 40; ++i) doubling += fmt::format("const s{} = s{} + s{}\n", i, i - 1, i - 1);
  doubling += "@id(\"r\") permit issue \"r\" to github when { token.sub == s40 }\n";
  auto set = std::make_shared<LoadedPolicySet>(testing::check_text(doubling));
  ASSERT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
  for (Backend backend : {Backend::Interpreter, Backend::Native}) {
    EngineOptions options;
    options.backend = backend;
    auto engine = Engine::create(set, options);
    ASSERT_FALSE(engine.ok());
    EXPECT_NE(engine.error().find("longer than 1048576 bytes"), std::string::npos) << engine.error();
  }
}

// The same limit at run time: `let` chains doubling a claim err (both engines), so the permit
// does not match and the forbid does.
TEST(Hardening, Finding04StringsBuiltAtRunTimeAreBounded) {
  std::string lets = "  let s0 = token.sub\n";
  for (int i = 1; i <= 40; ++i) lets += fmt::format("  let s{} = s{} + s{}\n", i, i - 1, i - 1);
  Engines engines(
      std::string(testing::kGithubIssuer) + "@id(\"p\") permit issue \"r\" to github when {\n" + lets +
      "  size(s40) > 0\n}\n@id(\"q\") permit issue \"q\" to github\n@id(\"f\") forbid issue \"q\" to github when {\n" +
      lets + "  size(s40) == 0\n}\n");
  json p = engines.decide(github_request("r"));
  EXPECT_EQ(p["reason"], "no_permit") << p;
  ASSERT_EQ(p["errors"].size(), 1u) << p;
  EXPECT_NE(p["errors"][0]["message"].get<std::string>().find("longer than 1048576 bytes"), std::string::npos) << p;
  json f = engines.decide(github_request("q"));
  EXPECT_EQ(f["reason"], "forbid") << f;
}

// Finding 13: smaller ones on the request path, both engines.
TEST(Hardening, Finding13ClaimsProblemsAreInvalidClaims) {
  Engines engines(std::string(testing::kGithubIssuer) + "@id(\"r\") permit issue \"r\" to github\n");
  std::string ok = github_request("r");
  EXPECT_EQ(engines.decide(ok)["decision"], "allow");
  auto with_claim = [&](const std::string& extra) {
    std::string text = ok;
    text.insert(text.find("\"run_attempt\""), extra + ", ");
    return engines.decide(text);
  };
  // A duplicate claim key is a claims problem (semantics §3), not a malformed request.
  json dup = with_claim(R"("actor": "y")");
  EXPECT_EQ(dup["reason"], "token.invalid_claims") << dup;
  // A number beyond a double, declared or not: refused, as token.invalid_claims.
  EXPECT_EQ(with_claim(R"("undeclared": 1e400)")["reason"], "token.invalid_claims");
  // A key longer than the 64 KiB string limit.
  EXPECT_EQ(with_claim("\"" + std::string((64u << 10) + 1, 'k') + "\": 1")["reason"], "token.invalid_claims");
  EXPECT_EQ(with_claim("\"" + std::string(64u << 10, 'k') + "\": 1")["decision"], "allow");  // at the limit
  // An expiry with a long fraction floors exactly: at time 1999 a token with exp 1999.999... has
  // expired (the nearest double, 2000.0, would have kept it valid for one more second).
  std::string fraction = ok;
  fraction.replace(fraction.find("\"exp\": 2000"), 11, "\"exp\": 1999.99999999999999999999999");
  fraction.replace(fraction.find("\"time\": 1000"), 12, "\"time\": 1998");
  EXPECT_EQ(engines.decide(fraction)["decision"], "allow") << fraction;
  fraction.replace(fraction.find("\"time\": 1998"), 12, "\"time\": 1999");
  EXPECT_EQ(engines.decide(fraction)["reason"], "token.expired");
  std::string exponent = ok;
  exponent.replace(exponent.find("\"exp\": 2000"), 11, "\"exp\": 2.0001e3");
  EXPECT_EQ(engines.decide(exponent)["decision"], "allow");
  exponent.replace(exponent.find("\"exp\": 2.0001e3"), 16, "\"exp\": 1e16");
  EXPECT_EQ(engines.decide(exponent)["reason"], "token.invalid_claims");  // past 2^52 with an exponent
}

// Found by the review: list and record constants doubling (`const c2 = [c1, c1]`) made native
// compilation exponential. Such a constant is not inlined past a budget (the interpreter serves),
// and one too large once expanded does not load.
TEST(Hardening, ReviewCompositeConstantChainsAreBounded) {
  auto chain = [](int n, bool record) {
    std::string p = std::string(testing::kGithubIssuer) + "const c0 = [\"a\", \"b\"]\n";
    for (int i = 1; i <= n; ++i)
      p += record ? fmt::format("const c{} = {{a: c{}, b: c{}}}\n", i, i - 1, i - 1)
                  : fmt::format("const c{} = [c{}, c{}]\n", i, i - 1, i - 1);
    std::string path = "c" + std::to_string(n);
    for (int i = 0; record && i < n; ++i) path += ".a";  // down to c0
    return p + "@id(\"r\") permit issue \"r\" to github when { size(" + path + ") == 2 }\n";
  };
  for (bool record : {false, true}) {
    auto set = std::make_shared<LoadedPolicySet>(testing::check_text(chain(16, record)));
    ASSERT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
    EngineOptions native;
    native.require_native = true;
    auto refused = Engine::create(set, native);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("expands to more than 10000 IR nodes"), std::string::npos) << refused.error();
    auto served = Engine::create(set, {});  // tiered: the interpreter serves it
    ASSERT_TRUE(served.ok()) << served.error();
    EXPECT_EQ(interp::decision_to_json((*served)->decide_text(github_request("r")))["decision"], "allow");
    auto too_large = Engine::create(std::make_shared<LoadedPolicySet>(testing::check_text(chain(20, record))), {});
    ASSERT_FALSE(too_large.ok());
    EXPECT_NE(too_large.error().find("too large: it holds more than 1048576 values"), std::string::npos)
        << too_large.error();
  }
}

// The SPIFFE example's mesh policy, read from the source tree.
std::string mesh_policy() {
  std::ifstream in(std::string(WRIT_SOURCE_DIR) + "/examples/spiffe-services/mesh.writ");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string access_request(const std::string& principal, const std::string& action, const std::string& resource,
                           std::int64_t time = 1767232800) {
  return R"({"kind": "access", "principal": )" + principal + R"(, "request": {"action": ")" + action +
         R"(", "resource": ")" + resource + R"(", "time": )" + std::to_string(time) + "}}";
}

// Findings 7 and 12: a role spelled like a SPIFFE ID, or a `spiffe` principal that is not a valid
// SPIFFE ID, was decided like one; it is refused before any rule, on both engines.
TEST(Hardening, Finding07And12PrincipalsAreRefusedUnlessWellFormed) {
  Engines engines(mesh_policy());
  // The write forbid relies on `is_spiffe_id(request.principal)` meaning a SPIFFE caller.
  json role = engines.decide(access_request(R"({"role": "spiffe://prod.acme.example/ns/orders/sa/orders-api"})",
                                            "payments.intents.write", "payments/intents/1"));
  EXPECT_EQ(role["reason"], "request.invalid") << role;
  for (const char* id : {"spiffe://STAGING.acme.example/ns/x", "spiffe://staging.acme.example:8443/ns/x",
                         "spiffe://u@staging.acme.example/ns/x", "spiffe://staging.acme.example/ns/x?q",
                         "spiffe://staging.acme.example/ns/x#f", "spiffe://staging.acme.example/ns/%78",
                         "spiffe://staging.acme.example//x", "spiffe://staging.acme.example./ns/x",
                         "Spiffe://staging.acme.example/ns/x"}) {
    json d = engines.decide(
        access_request(R"({"spiffe": ")" + std::string(id) + R"("})", "ledger.export.read", "ledger/exports/2026-11"));
    EXPECT_EQ(d["reason"], "request.invalid") << id << " " << d;
  }
  // The bare trust-domain ID is covered by `spiffe://staging.acme.example/*`.
  json bare = engines.decide(
      access_request(R"({"spiffe": "spiffe://staging.acme.example"})", "ledger.export.read", "ledger/exports/1"));
  EXPECT_EQ(bare["reason"], "forbid") << bare;
}

// Finding 8: `payments/intents/../../ledger/...` passed a rule for `payments/intents/*`, and `under`
// accepted `spiffe://td/ns/payments/../orders`.
TEST(Hardening, Finding08DotSegmentsAreRefused) {
  Engines engines(mesh_policy());
  std::string orders = R"({"spiffe": "spiffe://prod.acme.example/ns/orders/sa/orders-api"})";
  EXPECT_EQ(engines.decide(access_request(orders, "payments.intents.read", "payments/intents/42"))["decision"],
            "allow");
  for (const char* resource : {"payments/intents/../../ledger/exports/2026-11", "payments/intents/./x",
                               "payments/intents/%2e%2e/%2e%2e/ledger", "payments/intents/x%2f..%2f..%2fledger"}) {
    json d = engines.decide(access_request(orders, "payments.intents.read", resource));
    EXPECT_EQ(d["reason"], "request.invalid") << resource << " " << d;
  }
  json up = engines.decide(access_request(R"({"spiffe": "spiffe://prod.acme.example/ns/payments/../orders"})",
                                          "config.read", "config/payments/db"));
  EXPECT_EQ(up["reason"], "request.invalid") << up;
}

// Finding 11: everything after a NUL byte was ignored. Finding 5: invalid UTF-8 echoed in a
// detail made printing the decision throw, so no decision was printed.
TEST(Hardening, Finding05And11DamagedBytesGiveADecisionThatPrints) {
  Engines engines(mesh_policy());
  std::string ok = access_request(R"({"spiffe": "spiffe://prod.acme.example/ns/orders/sa/orders-api"})",
                                  "payments.intents.read", "payments/intents/42");
  EXPECT_EQ(engines.decide(ok)["decision"], "allow");
  for (const std::string& tail : {std::string("\0{garbage", 9), std::string("\0", 1), std::string(" \0 ", 3)}) {
    json d = engines.decide(ok + tail);
    EXPECT_EQ(d["reason"], "request.invalid") << d;
    EXPECT_NE(d["detail"].get<std::string>().find("NUL"), std::string::npos) << d;
  }
  EXPECT_EQ(engines.decide(ok + " x")["reason"], "request.invalid");
  for (const char* bad : {"\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\x1b[31m\xe2\x82"}) {
    std::string text = access_request(std::string(R"({"role": "a)") + bad + R"("})", "read", "r");
    json d = engines.decide(text);
    EXPECT_EQ(d["reason"], "request.invalid") << d.dump(-1, ' ', false, json::error_handler_t::replace);
    EXPECT_NO_THROW((void)d.dump()) << "the decision must print as it is";
    std::string shown = interp::decision_to_text(engines.interpreter->decide_text(text));
    EXPECT_EQ(shown.find('\x1b'), std::string::npos) << shown;
  }
  // A duplicate key with control characters: named with escapes, not raw bytes.
  json dup = engines.decide(R"({"kind": "access", "\u001b[2J": 1, "\u001b[2J": 2})");
  EXPECT_EQ(dup["reason"], "request.invalid");
  EXPECT_EQ(dup["detail"].get<std::string>().find('\x1b'), std::string::npos) << dup;
  EXPECT_NE(dup["detail"].get<std::string>().find("\\x1B[2J"), std::string::npos) << dup;
}

// Found by the review of these fixes: a time written with a leading zero (not JSON) was bound
// by the fast path, which allowed what the interpreter refused.
TEST(Hardening, ReviewLeadingZerosAreNotJson) {
  Engines engines(std::string(testing::kGithubIssuer) + "@id(\"r\") permit issue \"r\" to github\n" + kAccessPolicy);
  std::string ok = github_request("r");
  for (const char* exp : {"02000", "-00", "02e3", "02000.5", "00"}) {
    std::string text = ok;
    text.replace(text.find("\"exp\": 2000"), 11, std::string("\"exp\": ") + exp);
    EXPECT_EQ(engines.decide(text)["reason"], "token.invalid_claims") << exp;
  }
  std::string access = access_request(R"({"role": "x"})", "read", "payments/intents/1");
  access.replace(access.find("\"time\": "), 8, "\"time\": 0");
  EXPECT_EQ(engines.decide(access)["reason"], "request.invalid") << access;
}

// Found by the second review: a large constant list used by many rules was copied into native
// code at every use (gigabytes); the copies are bounded in bytes and the interpreter serves.
TEST(Hardening, ReviewLargeConstantsUsedByManyRulesAreBounded) {
  std::string policy = std::string(testing::kGithubIssuer) + "const big = [";
  for (int i = 0; i < 1000; ++i) policy += (i ? ", \"" : "\"") + std::string(1000, 'a') + std::to_string(i) + "\"";
  policy += "]\n";
  for (int r = 0; r < 70; ++r)
    policy += fmt::format("@id(\"r{}\") permit issue \"r\" to github when {{ token.sub in big }}\n", r);
  auto set = std::make_shared<LoadedPolicySet>(testing::check_text(policy));
  ASSERT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
  EngineOptions native;
  native.require_native = true;
  auto refused = Engine::create(set, native);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("more than 67108864 bytes in all"), std::string::npos) << refused.error();
  auto served = Engine::create(set, {});
  ASSERT_TRUE(served.ok()) << served.error();
  EXPECT_EQ(interp::decision_to_json((*served)->decide_text(github_request("r")))["reason"], "no_permit");
}

// Found by the second review: `- -9223372036854775808` folded to a wrapped value; its negation
// overflows, an evaluation error on both engines (so the permit does not match).
TEST(Hardening, ReviewNegatingTheLeastIntegerErrs) {
  Engines engines(std::string(testing::kGithubIssuer) +
                  "@id(\"r\") permit issue \"r\" to github when { - -9223372036854775808 < 0 }\n");
  json d = engines.decide(github_request("r"));
  EXPECT_EQ(d["reason"], "no_permit") << d;
  ASSERT_EQ(d["errors"].size(), 1u) << d;
  EXPECT_EQ(d["errors"][0]["message"], "negation overflows");
}

}  // namespace
}  // namespace writ
