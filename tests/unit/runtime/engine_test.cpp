// Tests for the engine: native tiers, the background optimiser's swap, fallback to the
// interpreter, and refusing to load when native code is required but impossible.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bench/policy_generator.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "tests/unit/runtime/front_end.h"
#include "tests/unit/runtime/github_request.h"
#include "tests/unit/test_support.h"

namespace writ::engine {
namespace {

using nlohmann::json;

std::shared_ptr<const LoadedPolicySet> policy(const std::string& rules) {
  auto set = std::make_shared<LoadedPolicySet>(testing::check_text(std::string(testing::kGithubIssuer) + rules));
  EXPECT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
  return set;
}

// The shared request helper, under the short name these tests use.
constexpr auto request = [](auto&&... args) { return testing::github_request(args...); };

constexpr const char* kRules = R"(
@id("deploy") permit issue "deployer" to github when { token.repository_id == "5" } grant { ttl: 10m }
)";

TEST(Engine, TieredServesFromTheFastTierThenSwapsInTheOptimisedOne) {
  EngineOptions options;
  options.require_native = true;
  auto engine = Engine::create(policy(kRules), options);
  ASSERT_TRUE(engine.ok()) << engine.error();
  std::string first = (*engine)->serving_tier();
  EXPECT_TRUE(first == "fast" || first == "optimized") << first;
  json allowed = interp::decision_to_json((*engine)->decide(request("deployer", "5")));
  EXPECT_EQ(allowed["decision"], "allow");
  ASSERT_TRUE((*engine)->wait_for_optimized());
  EXPECT_STREQ((*engine)->serving_tier(), "optimized");
  EXPECT_EQ(interp::decision_to_json((*engine)->decide(request("deployer", "5"))), allowed);
  EXPECT_EQ(interp::decision_to_json((*engine)->decide(request("deployer", "6")))["decision"], "deny");
}

TEST(Engine, DestroyingATieredEngineCancelsItsOptimiser) {
  // 2,000 rules of one shape: the fast tier is ready at once, the optimised one would take
  // seconds; the engine must not wait for it when dropped.
  auto set = std::make_shared<LoadedPolicySet>(driver::check_sources(bench::generate_policy_set(2000, 20)));
  ASSERT_FALSE(set->diagnostics.has_errors());
  auto started = std::chrono::steady_clock::now();
  {
    auto engine = Engine::create(set);
    ASSERT_TRUE(engine.ok()) << engine.error();
    EXPECT_STREQ((*engine)->serving_tier(), "fast");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

TEST(Engine, FallsBackToTheInterpreterForWhatNativeCodeDoesNotSupport) {
  // Equality of lists of lists is not lowered to native code yet.
  const char* rules = R"(
@id("lists") permit issue "r" to github when { [split(token.repository, "/")] == [["a", "b"]] }
)";
  auto engine = Engine::create(policy(rules));
  ASSERT_TRUE(engine.ok()) << engine.error();
  EXPECT_EQ((*engine)->backend(), Backend::Interpreter);
  EXPECT_STREQ((*engine)->serving_tier(), "interpreter");
  EXPECT_NE((*engine)->fallback_reason().find("does not support"), std::string::npos) << (*engine)->fallback_reason();
  EXPECT_EQ(interp::decision_to_json((*engine)->decide(request("r", "5")))["decision"], "allow");

  EngineOptions strict;
  strict.require_native = true;
  auto refused = Engine::create(policy(rules), strict);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("cannot be compiled to native code"), std::string::npos) << refused.error();
}

TEST(Engine, TheInterpreterBackendCompilesNothing) {
  EngineOptions options;
  options.backend = Backend::Interpreter;
  auto engine = Engine::create(policy(kRules), options);
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ((*engine)->native(), nullptr);
  EXPECT_EQ(interp::decision_to_json((*engine)->decide(request("deployer", "5")))["decision"], "allow");
}

TEST(Engine, ExplanationsComeFromTheInterpreter) {
  auto engine = Engine::create(policy(kRules));
  ASSERT_TRUE(engine.ok());
  Decision d = (*engine)->decide(request("deployer", "6"), {.explain = true});
  ASSERT_EQ(d.explanation.size(), 1u);
  EXPECT_EQ(d.explanation[0].outcome, "not_matched");
  EXPECT_EQ(d.explanation[0].condition, "token.repository_id == \"5\"");
}

namespace fs = std::filesystem;

// A cache directory of this test's own, removed when it ends.
struct ScratchDirectory {
  fs::path path;
  explicit ScratchDirectory(const std::string& name)
      : path(fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
  }
  ~ScratchDirectory() { fs::remove_all(path); }
  std::vector<fs::path> files(const std::string& extension) const {
    std::vector<fs::path> out;
    if (!fs::exists(path)) return out;
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() == extension) out.push_back(entry.path());
    }
    return out;
  }
};

EngineOptions cached_native(const ScratchDirectory& cache, Tiers tiers) {
  EngineOptions options;
  options.require_native = true;
  options.tiers = tiers;
  options.cache_directory = cache.path.string();
  return options;
}

void damage(const fs::path& file) {
  std::fstream(file, std::ios::in | std::ios::out | std::ios::binary).seekp(60).put('\x7f');
}

TEST(Engine, ARestartServesTheCachedOptimisedTierAtOnce) {
  ScratchDirectory cache("writ_code_cache");
  EngineOptions options = cached_native(cache, Tiers::Tiered);
  auto first = Engine::create(policy(kRules), options);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE((*first)->wait_for_optimized());
  json allowed = interp::decision_to_json((*first)->decide(request("deployer", "5")));
  json denied = interp::decision_to_json((*first)->decide(request("deployer", "6"), {.explain = true}));
  ASSERT_EQ(cache.files(".bundle").size(), 1u);  // written by the optimiser's thread
  EXPECT_NE(cache.files(".bundle")[0].filename().string().find("-optimized.bundle"), std::string::npos);

  // The restart generates no code: the optimised tier serves from the first decision.
  auto second = Engine::create(policy(kRules), options);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_STREQ((*second)->serving_tier(), "optimized");
  EXPECT_EQ((*second)->native()->code().cache_hits() + (*second)->native()->code().cache_misses(), 0);
  EXPECT_EQ(interp::decision_to_json((*second)->decide(request("deployer", "5"))), allowed);
  EXPECT_EQ(interp::decision_to_json((*second)->decide(request("deployer", "6"), {.explain = true})), denied);

  // Another policy has a file of its own and never serves this one's code.
  auto other = Engine::create(policy(R"(
@id("deploy") permit issue "deployer" to github when { token.repository_id == "6" } grant { ttl: 10m }
)"),
                              options);
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_EQ((*other)->decide(request("deployer", "6")).allow, true);
  EXPECT_EQ((*other)->decide(request("deployer", "5")).allow, false);
  ASSERT_TRUE((*other)->wait_for_optimized());
  EXPECT_EQ(cache.files(".bundle").size(), 2u);
}

TEST(Engine, ACachedTierThatDoesNotLoadIsCompiledAgainAndReplaced) {
  ScratchDirectory cache("writ_code_cache_bad");
  EngineOptions options = cached_native(cache, Tiers::Optimized);
  auto first = Engine::create(policy(kRules), options);
  ASSERT_TRUE(first.ok()) << first.error();
  json allowed = interp::decision_to_json((*first)->decide(request("deployer", "5")));
  ASSERT_EQ(cache.files(".bundle").size(), 1u);
  fs::path cached = cache.files(".bundle")[0];

  // Damaged: refused by its checksum, compiled again (from the module cache), and replaced.
  damage(cached);
  auto second = Engine::create(policy(kRules), options);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_GT((*second)->native()->code().cache_hits(), 0);
  EXPECT_EQ(interp::decision_to_json((*second)->decide(request("deployer", "5"))), allowed);
  auto third = Engine::create(policy(kRules), options);
  ASSERT_TRUE(third.ok()) << third.error();
  EXPECT_EQ((*third)->native()->code().cache_hits() + (*third)->native()->code().cache_misses(), 0);

  // Another policy's code under this policy's name: refused (the manifest names its policy).
  auto other_policy = policy(R"(
@id("deploy") permit issue "deployer" to github when { token.repository_id == "5" } grant { ttl: 20m }
)");
  auto other = Engine::create(other_policy, options);
  ASSERT_TRUE(other.ok()) << other.error();
  fs::path other_file;
  for (const fs::path& f : cache.files(".bundle")) {
    if (f != cached) other_file = f;
  }
  ASSERT_FALSE(other_file.empty());
  fs::copy_file(other_file, cached, fs::copy_options::overwrite_existing);
  auto fourth = Engine::create(policy(kRules), options);
  ASSERT_TRUE(fourth.ok()) << fourth.error();
  EXPECT_GT((*fourth)->native()->code().cache_hits(), 0);  // compiled again: the copy did not serve
  EXPECT_EQ(interp::decision_to_json((*fourth)->decide(request("deployer", "5"))), allowed);
}

// A cache that cannot be written (here a file stands where the directory should be) costs the
// caching, never the engine.
TEST(Engine, ACacheThatCannotBeWrittenOnlyLosesTheCache) {
  ScratchDirectory scratch("writ_code_cache_file");
  fs::create_directories(scratch.path);
  fs::path file = scratch.path / "not-a-directory";
  std::ofstream(file) << "x";
  for (Tiers tiers : {Tiers::Tiered, Tiers::Optimized}) {
    EngineOptions options;
    options.require_native = true;
    options.tiers = tiers;
    options.cache_directory = file.string();
    auto engine = Engine::create(policy(kRules), options);
    ASSERT_TRUE(engine.ok()) << engine.error();
    ASSERT_TRUE((*engine)->wait_for_optimized());
    EXPECT_TRUE((*engine)->decide(request("deployer", "5")).allow);
    EXPECT_FALSE((*engine)->decide(request("deployer", "6")).allow);
  }
  EXPECT_EQ(scratch.files(".bundle").size(), 0u);
  EXPECT_EQ(fs::file_size(file), 1u);
}

TEST(Engine, AChangedPolicyRecompilesOnlyModulesNotInTheObjectCache) {
  ScratchDirectory cache("writ_module_cache");
  EngineOptions options = cached_native(cache, Tiers::Optimized);
  auto first = Engine::create(policy(kRules), options);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ((*first)->native()->code().cache_hits(), 0);
  EXPECT_GT((*first)->native()->code().cache_misses(), 0);
  json allowed = interp::decision_to_json((*first)->decide(request("deployer", "5")));

  // Without the whole tier cached, its modules come from the module cache.
  for (const fs::path& f : cache.files(".bundle")) fs::remove(f);
  auto second = Engine::create(policy(kRules), options);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_GT((*second)->native()->code().cache_hits(), 0);
  EXPECT_EQ((*second)->native()->code().cache_misses(), 0);
  EXPECT_EQ(interp::decision_to_json((*second)->decide(request("deployer", "5"))), allowed);

  // A damaged file is never loaded: it is compiled again.
  for (const fs::path& f : cache.files(".bundle")) fs::remove(f);
  for (const fs::path& f : cache.files(".o")) damage(f);
  auto third = Engine::create(policy(kRules), options);
  ASSERT_TRUE(third.ok()) << third.error();
  EXPECT_EQ((*third)->native()->code().cache_hits(), 0);
  EXPECT_EQ(interp::decision_to_json((*third)->decide(request("deployer", "5"))), allowed);
}

}  // namespace
}  // namespace writ::engine

namespace writ::engine {
namespace {

// Many rules for one role, each beginning with its repository id: native code runs only the
// rules for the token's repository (and those not indexed), from source or from a bundle.
TEST(Engine, RulesForOneRoleAreIndexedByTheirFirstClaimTest) {
  std::string rules = "@id(\"bot\") permit issue \"deploy\" to github when { token.actor == \"bot\" }\n";
  for (int i = 0; i < 40; ++i) {
    rules += "@id(\"r" + std::to_string(i) +
             "\") permit issue \"deploy\" to github when {\n  token.repository_id == \"" + std::to_string(i) +
             "\"\n  token.ref == \"refs/heads/main\"\n}\n";
  }
  auto set = policy(rules);
  auto engine = Engine::create(set, EngineOptions{.require_native = true, .tiers = Tiers::Fast});
  ASSERT_TRUE(engine.ok()) << engine.error();
  auto bundle = Engine::compile_bundle(set, BundleOptions{.optimize = false});
  ASSERT_TRUE(bundle.ok()) << bundle.error();
  auto loaded = Engine::load_bundle(*bundle, testing::with_front_end());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  for (const auto& e : {*engine, *loaded}) {
    auto bound = e->native()->bind_issue(request("deploy", "7"));
    ASSERT_TRUE(std::holds_alternative<std::unique_ptr<OwnedIssueRequest>>(bound));
    const NativeIssueRequest& r = std::get<std::unique_ptr<OwnedIssueRequest>>(bound)->request;
    EXPECT_EQ(r.all_candidates->size(), 41u);
    EXPECT_EQ(*r.candidates, (std::vector<std::uint32_t>{0, 8}));  // "bot", then r7
    json decision = interp::decision_to_json(e->decide(request("deploy", "7")));
    EXPECT_EQ(decision["rules"], json::array({"r7"})) << decision.dump(2);
    EXPECT_EQ(interp::decision_to_json(e->decide(request("deploy", "99")))["decision"], "deny");
    // An explanation still reports on every candidate, as the interpreter's does.
    EXPECT_EQ(e->decide(request("deploy", "7"), DecideOptions{.explain = true}).explanation.size(), 41u);
  }
}

}  // namespace
}  // namespace writ::engine

namespace writ::engine {
namespace {

// Generated code allocates lists and records by bumping the arena's cursor inline, and calls
// the host only when the chunk is full: hundreds of scopes, each making a list and a record,
// fill several chunks in one decision. Native code must decide as the interpreter does, on a
// fresh context and on one reused (whose arena kept its largest chunk).
TEST(Engine, GeneratedCodeAllocatesPastTheArenasChunk) {
  const char* rules = R"(
@id("many") permit issue "deployer" to github when {
  all(s in request.scopes, s in [s, token.ref])
  any(s in request.scopes, s == "scope-299")
} grant {
  scopes: request.scopes
  tags: { repo: token.repository, ref: token.ref }
}
)";
  auto set = policy(rules);
  auto native = Engine::create(set, EngineOptions{.require_native = true, .tiers = Tiers::Optimized});
  ASSERT_TRUE(native.ok()) << native.error();
  auto interpreter = Engine::create(set, EngineOptions{.backend = Backend::Interpreter});
  ASSERT_TRUE(interpreter.ok()) << interpreter.error();
  json input = request("deployer", "5");
  for (int i = 0; i < 300; ++i) input["request"]["scopes"].push_back("scope-" + std::to_string(i));
  json expected = interp::decision_to_json((*interpreter)->decide(input));
  ASSERT_EQ(expected["decision"], "allow") << expected.dump(2);
  ASSERT_EQ(expected["grant"]["scopes"].size(), 300u);
  DecisionContext context;
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(interp::decision_to_json((*native)->decide_text(input.dump(), context)), expected) << "round " << round;
  }
  EXPECT_EQ(interp::decision_to_json((*native)->decide(input)), expected);
}

}  // namespace
}  // namespace writ::engine
