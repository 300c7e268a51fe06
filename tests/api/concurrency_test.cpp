// Brokers call one engine from many threads while the optimised tier swaps in and while
// `reload` runs: every decision must be made by exactly one policy version and be right for it.
// Runs under ThreadSanitizer in .ci/run (the tsan build).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/api/api_test_policy.h"
#include "writ/engine.h"

namespace writ {
namespace {

using api_test::issue_json;

// Version A permits acme/payments (and forbids a ref); version B permits acme/ledger only.
struct Versions {
  std::string a, b;
};

Versions versions_of_both() {
  EngineOptions interpreter;
  interpreter.tiers = Tiers::Interpreter;
  auto a = Engine::load(PolicySource::texts({{"policy.writ", api_test::kPolicy}}), interpreter);
  auto b = Engine::load(PolicySource::texts({{"policy.writ", api_test::kPolicyOtherRepository}}), interpreter);
  return {a.engine->policy_version(), b.engine->policy_version()};
}

TEST(Concurrency, EveryDecisionIsMadeByOneVersionWhileReloadingAndOptimising) {
  const Versions v = versions_of_both();
  ASSERT_NE(v.a, v.b);
  EngineOptions options;  // tiered: each reload serves the fast tier, then swaps in the optimised one
  options.optimizer_threads = 1;
  LoadResult loaded = Engine::load(PolicySource::texts({{"policy.writ", api_test::kPolicy}}), options);
  ASSERT_TRUE(loaded);
  const Engine& engine = *loaded.engine;

  constexpr int kReloads = 12;
  constexpr int kDeciders = 4;
  std::atomic<bool> done{false};
  std::atomic<long> decisions{0}, wrong{0}, on_a{0}, on_b{0}, optimized{0};
  const std::string payments = issue_json("acme/payments");
  const std::string ledger = issue_json("acme/ledger");

  auto check = [&](const Decision& d, bool payments_request) {
    decisions.fetch_add(1, std::memory_order_relaxed);
    if (d.tier == Tier::Optimized) optimized.fetch_add(1, std::memory_order_relaxed);
    bool expect_allow;
    if (d.policy_version == v.a) {
      on_a.fetch_add(1, std::memory_order_relaxed);
      expect_allow = payments_request;
    } else if (d.policy_version == v.b) {
      on_b.fetch_add(1, std::memory_order_relaxed);
      expect_allow = !payments_request;
    } else {
      wrong.fetch_add(1, std::memory_order_relaxed);  // no version, or a mixture
      return;
    }
    if (d.allow != expect_allow || (d.allow && d.reason != Reason::Permit)) wrong.fetch_add(1);
    if (d.allow && (!d.grant || !d.grant->ttl || *d.grant->ttl != (payments_request ? 900 : 600))) wrong.fetch_add(1);
  };

  std::vector<std::thread> deciders;
  for (int t = 0; t < kDeciders; ++t) {
    deciders.emplace_back([&, t] {
      DecisionContext context;
      for (long i = 0; !done.load(std::memory_order_acquire); ++i) {
        bool on_payments = (i + t) % 2 == 0;
        const std::string& request = on_payments ? payments : ledger;
        // Alternate between the three entry points brokers use.
        switch (i % 3) {
          case 0:
            check(engine.decide(request, context), on_payments);
            break;
          case 1:
            check(engine.decide(request), on_payments);
            break;
          default: {
            IssueRequest typed("ci", "deployer");
            typed
                .claims_json(
                    R"({"iss":"https://ci.example","sub":"x","aud":"broker","exp":1767261900,"ref":"r","repository":")" +
                    std::string(on_payments ? "acme/payments" : "acme/ledger") + "\"}")
                .header("RS256")
                .time(api_test::kNow);
            check(engine.decide(typed), on_payments);
          }
        }
      }
    });
  }
  for (int r = 0; r < kReloads; ++r) {
    const char* text = r % 2 == 0 ? api_test::kPolicyOtherRepository : api_test::kPolicy;
    ReloadResult result = loaded.engine->reload(PolicySource::texts({{"policy.writ", text}}));
    EXPECT_TRUE(result.ok);
    // Let some reloads reach the optimised tier, interrupt others half-way.
    if (r % 3 == 0) loaded.engine->wait_for_optimized();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  done.store(true, std::memory_order_release);
  for (auto& t : deciders) t.join();

  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(on_a.load(), 0);
  EXPECT_GT(on_b.load(), 0);
  EXPECT_GT(optimized.load(), 0);
  RecordProperty("decisions", std::to_string(decisions.load()));
}

// An engine serving native code keeps its sources, not its checked program: the first explained
// decisions check them again. Many threads asking at once get one checked program and the same
// explanation, while other threads decide without one (run under ThreadSanitizer in .ci/run).
TEST(Concurrency, FirstExplanationsFromManyThreadsShareOneRecheck) {
  LoadResult loaded = Engine::load(PolicySource::texts({{"policy.writ", api_test::kPolicy}}), EngineOptions{});
  ASSERT_TRUE(loaded);
  const Engine& engine = *loaded.engine;
  const std::string other = issue_json("acme/other");
  const std::string payments = issue_json("acme/payments");
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if ((t + i) % 2 == 0) {
          Decision d = engine.decide(other, DecideOptions{.explain = true});
          if (d.allow || !d.explained || d.explanation.empty() || d.explanation.front().rule != "deploy") ++bad;
        } else if (!engine.decide(payments).allow) {
          ++bad;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace writ
