// Every limit of stdlib/limits.h, at its value (accepted) and just past it (refused with a clear
// error), on both engines where a request is involved.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "compiler/driver/policy_set.h"
#include "compiler/ir/lower.h"
#include "compiler/syntax/parse.h"
#include "runtime/engine/engine.h"
#include "stdlib/files.h"
#include "stdlib/limits.h"
#include "stdlib/spiffe_id.h"
#include "tests/unit/test_support.h"

namespace writ {

using namespace writ::engine;  // the engine under test
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("writ_limits_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name, std::size_t size, char fill = ' ') const {
    std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary) << std::string(size, fill);
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Both engines over `policy`, deciding `text` alike.
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
  json decide(const std::string& text) const {
    DecisionContext context;
    json a = interp::decision_to_json(native->decide_text(text, context));
    json b = interp::decision_to_json(interpreter->decide_text(text));
    EXPECT_EQ(a, b);
    return b;
  }
};

const char* const kAccessAll = "@id(\"any\") permit access * on * by *\n";

std::string access(const std::string& principal, const std::string& resource) {
  return R"({"kind": "access", "principal": )" + principal + R"(, "request": {"action": "a", "resource": ")" +
         resource + R"(", "time": 1}})";
}

TEST(Limits, PolicyFileBytes) {
  TempDir dir;
  std::string at = dir.file("at.writ", limits::kMaxPolicyFileBytes);
  std::string past = dir.file("past.writ", limits::kMaxPolicyFileBytes + 1);
  EXPECT_TRUE(driver::load_policy_set({at}).io_errors.empty());
  auto refused = driver::load_policy_set({past}).io_errors;
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].find("is larger than the limit of 8388608 bytes"), std::string::npos) << refused[0];
}

TEST(Limits, PolicyFileCount) {
  TempDir dir;
  for (std::size_t i = 0; i < limits::kMaxPolicyFiles; ++i) dir.file(fmt::format("p{:05}.writ", i), 0);
  std::vector<std::string> errors;
  EXPECT_EQ(driver::find_policy_files({dir.path().string()}, errors).size(), limits::kMaxPolicyFiles);
  EXPECT_TRUE(errors.empty());
  dir.file("one-more.writ", 0);
  errors.clear();
  driver::find_policy_files({dir.path().string()}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("more than 10000 policy files"), std::string::npos) << errors[0];
}

TEST(Limits, BundleAndKeyFileBytes) {
  TempDir dir;
  for (auto [limit, name] :
       {std::pair{limits::kMaxBundleBytes, "bundle"}, std::pair{limits::kMaxKeyFileBytes, "key"}}) {
    std::string at = (dir.path() / (std::string(name) + ".at")).string();
    std::string past = (dir.path() / (std::string(name) + ".past")).string();
    {
      std::ofstream(at, std::ios::binary);
      std::ofstream(past, std::ios::binary);
    }
    fs::resize_file(at, limit);  // sparse: no disk used
    fs::resize_file(past, limit + 1);
    EXPECT_EQ(stdlib::read_file_limited(at, limit).value().size(), limit);
    EXPECT_EQ(stdlib::read_file_limited(past, limit).error(),
              fmt::format("is larger than the limit of {} bytes", limit));
  }
}

TEST(Limits, SourceNesting) {
  auto nested = [](int depth) {
    return "const x = " + std::string(static_cast<std::size_t>(depth), '(') + "1" +
           std::string(static_cast<std::size_t>(depth), ')') + "\n";
  };
  EXPECT_FALSE(testing::check_text(nested(limits::kMaxSourceNesting)).diagnostics.has_errors())
      << testing::rendered(testing::check_text(nested(limits::kMaxSourceNesting)));
  LoadedPolicySet past = testing::check_text(nested(limits::kMaxSourceNesting + 1));
  ASSERT_TRUE(past.diagnostics.has_errors());
  EXPECT_NE(testing::rendered(past).find("nest"), std::string::npos) << testing::rendered(past);
}

TEST(Limits, RequestBytes) {
  Engines engines(kAccessAll);
  std::string ok = access(R"({"role": "r"})", "x");
  std::string at = ok + std::string(limits::kMaxRequestBytes - ok.size(), ' ');
  EXPECT_EQ(engines.decide(at)["decision"], "allow");
  json past = engines.decide(at + " ");
  EXPECT_EQ(past["reason"], "request.invalid");
  EXPECT_NE(past["detail"].get<std::string>().find("larger than the limit of 1048576 bytes"), std::string::npos);
}

// Claims the schema does not declare are ignored, whatever they hold, so they can carry values
// at each limit (a request's other parts refuse unknown keys).
const char* const kIssueAll = R"(issuer ci = "https://ci.example" { schema: jwt  audience: "b"  algorithms: [RS256] }
@id("any") permit issue * to ci
)";

std::string issue(const std::string& sub, const std::string& extra = "") {
  return R"({"kind": "issue", "issuer": "ci", "header": {"alg": "RS256"}, "request": {"role": "r", "time": 1},
             "claims": {"iss": "https://ci.example", "aud": "b", "exp": 100, "sub": ")" +
         sub + "\"" + extra + "}}";
}

TEST(Limits, JsonDepthStringsKeysAndArrays) {
  Engines engines(kIssueAll);
  // Depth: the request is level 1, `claims` level 2, `extra` level 3, then the nested arrays.
  auto deep = [](std::size_t levels) { return ", \"extra\": " + std::string(levels, '[') + std::string(levels, ']'); };
  EXPECT_EQ(engines.decide(issue("x", deep(limits::kMaxJsonDepth - 2)))["decision"], "allow");
  // Past a limit inside the claims, the claims are refused (docs/semantics.md §3).
  EXPECT_EQ(engines.decide(issue("x", deep(limits::kMaxJsonDepth - 1)))["reason"], "token.invalid_claims");
  std::string s(limits::kMaxJsonStringBytes, 'r');
  EXPECT_EQ(engines.decide(issue(s))["decision"], "allow");
  EXPECT_EQ(engines.decide(issue(s + "r"))["reason"], "token.invalid_claims");
  EXPECT_EQ(engines.decide(issue("x", ", \"" + s + "\": 1"))["decision"], "allow");
  EXPECT_EQ(engines.decide(issue("x", ", \"" + s + "k\": 1"))["reason"], "token.invalid_claims");
  auto array = [](std::size_t n) {
    std::string out = ", \"extra\": [";
    for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "0" : ",0";
    return out + "]";
  };
  EXPECT_EQ(engines.decide(issue("x", array(limits::kMaxJsonArrayItems)))["decision"], "allow");
  EXPECT_EQ(engines.decide(issue("x", array(limits::kMaxJsonArrayItems + 1)))["reason"], "token.invalid_claims");
  // A resource at the string limit, in an access request.
  Engines access_engines(kAccessAll);
  EXPECT_EQ(access_engines.decide(access(R"({"role": "r"})", s))["decision"], "allow");
  EXPECT_EQ(access_engines.decide(access(R"({"role": "r"})", s + "r"))["reason"], "request.invalid");
}

TEST(Limits, SpiffeIdAndTrustDomainBytes) {
  Engines engines(kAccessAll);
  std::string td(limits::kMaxTrustDomainBytes, 't');
  auto principal = [](const std::string& id) { return R"({"spiffe": ")" + id + R"("})"; };
  EXPECT_EQ(engines.decide(access(principal("spiffe://" + td), "x"))["decision"], "allow");
  EXPECT_EQ(engines.decide(access(principal("spiffe://" + td + "t"), "x"))["reason"], "request.invalid");
  std::string prefix = "spiffe://td/";
  std::string id = prefix + std::string(limits::kMaxSpiffeIdBytes - prefix.size(), 'p');
  EXPECT_EQ(engines.decide(access(principal(id), "x"))["decision"], "allow");
  EXPECT_EQ(engines.decide(access(principal(id + "p"), "x"))["reason"], "request.invalid");
}

TEST(Limits, ComputedStringBytes) {
  // "ab" doubled 19 times is exactly 1 MiB; once more is past the limit.
  auto doubling = [](int times) {
    std::string p = "const s0 = \"ab\"\n";
    for (int i = 1; i <= times; ++i) p += fmt::format("const s{} = s{} + s{}\n", i, i - 1, i - 1);
    return p + fmt::format("@id(\"r\") permit access * on * by * when {{ size(s{}) > 0 }}\n", times);
  };
  for (Backend backend : {Backend::Interpreter, Backend::Native}) {
    EngineOptions options;
    options.backend = backend;
    auto at = Engine::create(std::make_shared<LoadedPolicySet>(testing::check_text(doubling(19))), options);
    EXPECT_TRUE(at.ok()) << at.error();
    auto past = Engine::create(std::make_shared<LoadedPolicySet>(testing::check_text(doubling(20))), options);
    ASSERT_FALSE(past.ok());
    EXPECT_NE(past.error().find("longer than 1048576 bytes"), std::string::npos) << past.error();
  }
}

TEST(Limits, ConstantValues) {
  // c0 holds 3 values (the list and its two items); each doubling holds 2n + 1: c18 holds
  // 2^20 - 1, within the limit; c19 holds 2^21 - 1, past it.
  auto doubling = [](int times) {
    std::string p = "const c0 = [\"a\", \"b\"]\n";
    for (int i = 1; i <= times; ++i) p += fmt::format("const c{} = [c{}, c{}]\n", i, i - 1, i - 1);
    return p + fmt::format("@id(\"r\") permit access * on * by * when {{ size(c{}) == 2 }}\n", times);
  };
  EngineOptions interpreter;
  interpreter.backend = Backend::Interpreter;
  auto at = Engine::create(std::make_shared<LoadedPolicySet>(testing::check_text(doubling(18))), interpreter);
  EXPECT_TRUE(at.ok()) << at.error();
  auto past = Engine::create(std::make_shared<LoadedPolicySet>(testing::check_text(doubling(19))), interpreter);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error(), "constant `c19` is too large: it holds more than 1048576 values once expanded");
}

TEST(Limits, IrNodeBudget) {
  LoadedPolicySet set =
      testing::check_text(R"(@id("r") permit access * on * by * when { request.action in ["a", "b", "c"] })");
  ASSERT_FALSE(set.diagnostics.has_errors());
  auto full = ir::lower(set.program);
  ASSERT_TRUE(full.ok()) << full.error();
  std::size_t nodes = full->nodes.size();
  EXPECT_TRUE(ir::lower(set.program, nullptr, nodes).ok());  // exactly at the budget
  auto past = ir::lower(set.program, nullptr, nodes - 1);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error(),
            fmt::format("the policy is too large to compile: it lowers to more than {} IR nodes", nodes - 1));
  EXPECT_GE(limits::kMaxIrNodes, std::size_t{1} << 22);  // the documented value
}

}  // namespace
}  // namespace writ
