// Decision latency of every back end in one run: the interpreter and native code (fast and
// optimised tiers), for a small policy (6 conditions) and generated sets of 1,000 and 10,000
// rules (one role per repository), from pre-bound input and from raw JSON claims. Compare
// ratios from one run: the machines are noisy.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include <simdjson.h>

#include "bench/policy_generator.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "runtime/fast_json/json_tokens.h"

namespace {

using nlohmann::json;

// A ~1 KB GitHub Actions token for repository `repo` (matching the generated rule for it).
json github_request(int repo) {
  json claims = {
      {"iss", "https://token.actions.githubusercontent.com"},
      {"aud", "https://broker.example"},
      {"sub", fmt::format("repo:acme/repo-{}:environment:production", repo)},
      {"exp", 1767261900},
      {"iat", 1767261600},
      {"nbf", 1767261000},
      {"jti", "8f1c2d3e-0001-4a5b-9c8d-7e6f5a4b3c2d"},
      {"actor", "octocat"},
      {"actor_id", "583231"},
      {"repository", fmt::format("acme/repo-{}", repo)},
      {"repository_id", std::to_string(100000 + repo)},
      {"repository_owner", "acme"},
      {"repository_owner_id", "4410117"},
      {"repository_visibility", "private"},
      {"ref", "refs/heads/main"},
      {"ref_type", "branch"},
      {"sha", "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83"},
      {"head_ref", ""},
      {"base_ref", ""},
      {"event_name", "push"},
      {"workflow", "Deploy"},
      {"workflow_ref", fmt::format("acme/repo-{}/.github/workflows/deploy.yml@refs/heads/main", repo)},
      {"workflow_sha", "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83"},
      {"job_workflow_ref", fmt::format("acme/repo-{}/.github/workflows/deploy.yml@refs/heads/main", repo)},
      {"job_workflow_sha", "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83"},
      {"run_id", "5652725410"},
      {"run_number", "118"},
      {"run_attempt", "1"},
      {"runner_environment", "github-hosted"},
      {"environment", "production"},
  };
  return {{"kind", "issue"},
          {"issuer", "github"},
          {"header", {{"alg", "RS256"}, {"typ", "JWT"}}},
          {"claims", claims},
          {"request", {{"role", fmt::format("deployer-{}", repo)}, {"time", 1767261700}}}};
}

std::shared_ptr<const writ::LoadedPolicySet> policy_for(int rules, bool one_role = false) {
  return std::make_shared<writ::LoadedPolicySet>(
      writ::driver::check_sources(writ::bench::generate_policy_set(rules, std::max(1, rules / 100), one_role)));
}

std::shared_ptr<const writ::interp::Interpreter> interpreter_for(int rules) {
  auto interp = writ::interp::Interpreter::create(policy_for(rules));
  return interp.ok() ? *interp : nullptr;
}

// Engines are cached: compiling 10,000 rules once per benchmark is enough.
std::shared_ptr<const writ::engine::Engine> engine_for(int rules, bool optimize, bool share = false,
                                                       bool one_role = false) {
  static std::map<std::tuple<int, bool, bool, bool>, std::shared_ptr<const writ::engine::Engine>> cache;
  auto& slot = cache[{rules, optimize, share, one_role}];
  if (!slot) {
    writ::engine::EngineOptions options;
    options.require_native = true;
    options.tiers = optimize ? writ::engine::Tiers::Optimized : writ::engine::Tiers::Fast;
    options.share_shapes = share || !optimize;
    auto engine = writ::engine::Engine::create(policy_for(rules, one_role), options);
    if (engine.ok()) slot = *engine;
  }
  return slot;
}

// Each benchmark asks for the rule in the middle of the set, so a linear scan pays half the set.
void BM_InterpreterBound(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  auto interp = interpreter_for(rules);
  if (!interp) return state.SkipWithError("policy does not load");
  auto bound = interp->bind_issue(github_request(rules / 2));
  if (!std::holds_alternative<writ::interp::BoundIssueRequest>(bound))
    return state.SkipWithError("request does not bind");
  const auto& request = std::get<writ::interp::BoundIssueRequest>(bound);
  if (!interp->decide_bound(request).allow) return state.SkipWithError("request is not allowed");
  for (auto _ : state) benchmark::DoNotOptimize(interp->decide_bound(request));
  state.counters["rules"] = rules;
}

void BM_InterpreterFromJson(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  auto interp = interpreter_for(rules);
  if (!interp) return state.SkipWithError("policy does not load");
  std::string text = github_request(rules / 2).dump();
  if (!interp->decide_text(text).allow) return state.SkipWithError("request is not allowed");
  for (auto _ : state) benchmark::DoNotOptimize(interp->decide_text(text));
  state.counters["rules"] = rules;
  state.counters["json_bytes"] = static_cast<double>(text.size());
}

void native_bound(benchmark::State& state, bool optimize, bool share = false, bool record_outcomes = true,
                  bool one_role = false) {
  int rules = static_cast<int>(state.range(0));
  auto engine = engine_for(rules, optimize, share, one_role);
  if (!engine) return state.SkipWithError("policy does not compile");
  json input = github_request(rules / 2);
  if (one_role) input["request"]["role"] = "deployer";
  auto bound = engine->native()->bind_issue(input);
  if (!std::holds_alternative<std::unique_ptr<writ::engine::OwnedIssueRequest>>(bound))
    return state.SkipWithError("request does not bind");
  const auto& request = std::get<std::unique_ptr<writ::engine::OwnedIssueRequest>>(bound)->request;
  if (!engine->native()->decide_bound(request).allow) return state.SkipWithError("request is not allowed");
  writ::engine::DecisionContext context;
  context.record_outcomes = record_outcomes;
  writ::engine::Verdict verdict;
  for (auto _ : state) {
    engine->native()->decide_issue(request, context, verdict);
    benchmark::DoNotOptimize(verdict);
  }
  state.counters["rules"] = rules;
}

void native_from_json(benchmark::State& state, bool optimize) {
  int rules = static_cast<int>(state.range(0));
  auto engine = engine_for(rules, optimize);
  if (!engine) return state.SkipWithError("policy does not compile");
  std::string text = github_request(rules / 2).dump();
  writ::engine::DecisionContext context;
  writ::engine::Verdict verdict;
  if (!engine->native()->decide_json(text, context, verdict) || !verdict.allow) {
    return state.SkipWithError("request is not allowed on the fast path");
  }
  for (auto _ : state) {
    engine->native()->decide_json(text, context, verdict);
    benchmark::DoNotOptimize(verdict);
  }
  state.counters["rules"] = rules;
  state.counters["json_bytes"] = static_cast<double>(text.size());
}

// The full documented Decision (rule ids, grant, policy version), as the CLI and audit log get it.
void BM_NativeFromJsonToDecision(benchmark::State& state) {
  auto engine = engine_for(static_cast<int>(state.range(0)), true);
  if (!engine) return state.SkipWithError("policy does not compile");
  std::string text = github_request(static_cast<int>(state.range(0)) / 2).dump();
  writ::engine::DecisionContext context;
  for (auto _ : state) benchmark::DoNotOptimize(engine->decide_text(text, context));
}

// The floors under BM_NativeFromJson, on the same document: simdjson's stage 1 (the structural
// index the fast binder walks), and a whole simdjson DOM parse (which the binder does not build).
void BM_JsonStageOneOnly(benchmark::State& state) {
  std::string text = github_request(0).dump();
  writ::engine::JsonTokens tokens;
  for (auto _ : state) benchmark::DoNotOptimize(tokens.index(text));
  state.counters["json_bytes"] = static_cast<double>(text.size());
}
void BM_SimdjsonDomParseOnly(benchmark::State& state) {
  simdjson::padded_string text(github_request(0).dump());
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element doc;
    benchmark::DoNotOptimize(parser.parse(text).get(doc));
  }
}

void BM_NativeBound(benchmark::State& state) {
  native_bound(state, true);
}
// Every rule for one role ("deployer"), differing by repository: the claim index keeps this flat
// (fast tier, shared shapes, so 10,000 rules compile in a moment).
void BM_NativeFastTierBoundOneRole(benchmark::State& state) {
  native_bound(state, false, true, true, true);
}
// What recording the outcomes explanations are built from costs: compare with BM_NativeBound.
void BM_NativeBoundWithoutOutcomes(benchmark::State& state) {
  native_bound(state, true, false, false);
}
// A whole explained decision from a JSON document (explanations are for people and audits,
// not the hot path): native outcomes with the interpreter's wording, against the interpreter.
void explained(benchmark::State& state, bool native) {
  auto engine = native ? engine_for(1, true) : nullptr;
  auto interp = native ? nullptr : interpreter_for(1);
  if (native ? engine == nullptr : interp == nullptr) return state.SkipWithError("policy does not load");
  json request = github_request(0);
  request["request"]["role"] = "deployer-1";  // no rule for repo-0 has it: a deny, explained
  writ::DecideOptions options{.explain = true};
  for (auto _ : state) {
    benchmark::DoNotOptimize(native ? engine->decide(request, options) : interp->decide(request, options));
  }
}
void BM_NativeExplained(benchmark::State& state) {
  explained(state, true);
}
void BM_InterpreterExplained(benchmark::State& state) {
  explained(state, false);
}
void BM_NativeFastTierBound(benchmark::State& state) {
  native_bound(state, false);
}
// The optimised tier with shared shapes: O2 code that reads constants from tables.
void BM_NativeOptimizedSharedBound(benchmark::State& state) {
  native_bound(state, true, true);
}
void BM_NativeFromJson(benchmark::State& state) {
  native_from_json(state, true);
}

// Access decisions (service to service, by SPIFFE ID) from JSON, as a broker gets them: the
// service in the middle of the set reads its own data. Native code in the fast tier (the rules
// differ only in their constants), against the interpreter.
std::string access_request(int service) {
  return json{{"kind", "access"},
              {"principal", {{"spiffe", fmt::format("spiffe://prod.acme.example/ns/team-{}/sa/api", service)}}},
              {"request",
               {{"action", fmt::format("svc-{}.read", service)},
                {"resource", fmt::format("data/svc-{}/orders/42", service)},
                {"time", 1767261700},
                {"broker", "broker-prod"}}}}
      .dump();
}
std::shared_ptr<const writ::LoadedPolicySet> access_policy_for(int rules) {
  return std::make_shared<writ::LoadedPolicySet>(
      writ::driver::check_sources(writ::bench::generate_access_policy_set(rules, std::max(1, rules / 100))));
}
// Fast tier: the rules differ only in their constants. Cached, as engine_for.
std::shared_ptr<const writ::engine::Engine> access_engine_for(int rules) {
  static std::map<int, std::shared_ptr<const writ::engine::Engine>> cache;
  auto& slot = cache[rules];
  if (!slot) {
    writ::engine::EngineOptions options;
    options.require_native = true;
    options.tiers = writ::engine::Tiers::Fast;
    auto engine = writ::engine::Engine::create(access_policy_for(rules), options);
    if (engine.ok()) slot = *engine;
  }
  return slot;
}
void BM_NativeFastTierAccessFromJson(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  auto engine = access_engine_for(rules);
  if (!engine) return state.SkipWithError("policy does not compile");
  std::string text = access_request(rules / 2);
  writ::engine::DecisionContext context;
  if (!engine->decide_text(text, context).allow) return state.SkipWithError("request is not allowed");
  for (auto _ : state) benchmark::DoNotOptimize(engine->decide_text(text, context));
  state.counters["rules"] = rules;
}
// Bound once (the JSON binder's views), decided many times: candidate selection, compiled heads
// and the rules, as BM_NativeBound does for issuance.
void BM_NativeFastTierAccessBound(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  auto engine = access_engine_for(rules);
  if (!engine) return state.SkipWithError("policy does not compile");
  std::string text = access_request(rules / 2);
  writ::engine::JsonBinder binder;
  const writ::engine::NativeAccessRequest* bound = binder.bind(*engine->native(), text).access;
  if (bound == nullptr) return state.SkipWithError("request does not bind");
  writ::engine::DecisionContext context;
  writ::engine::Verdict verdict;
  engine->native()->decide_access(*bound, context, verdict);
  if (!verdict.allow) return state.SkipWithError("request is not allowed");
  for (auto _ : state) {
    engine->native()->decide_access(*bound, context, verdict);
    benchmark::DoNotOptimize(verdict);
  }
  state.counters["rules"] = rules;
}
void BM_InterpreterAccessFromJson(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  auto interp = writ::interp::Interpreter::create(access_policy_for(rules));
  if (!interp) return state.SkipWithError(interp.error().c_str());
  std::string text = access_request(rules / 2);
  if (!(*interp)->decide_text(text).allow) return state.SkipWithError("request is not allowed");
  for (auto _ : state) benchmark::DoNotOptimize((*interp)->decide_text(text));
  state.counters["rules"] = rules;
}

// This 2-core VM has slow periods (1.5-1.7x, seconds long: other tenants). Five repetitions of
// each benchmark report the minimum (the machine's speed) beside the median (what noise did).
void repeated(benchmark::internal::Benchmark* b) {
  b->Repetitions(5)->ReportAggregatesOnly(true)->MinWarmUpTime(0.05)->ComputeStatistics(
      "min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
}

BENCHMARK(BM_NativeBound)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_NativeFastTierBoundOneRole)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_NativeBoundWithoutOutcomes)->Arg(1)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_NativeExplained)->Unit(benchmark::kMicrosecond)->Apply(repeated);
BENCHMARK(BM_InterpreterExplained)->Unit(benchmark::kMicrosecond)->Apply(repeated);
BENCHMARK(BM_NativeFastTierBound)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_NativeOptimizedSharedBound)->Arg(1)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_NativeFromJson)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_NativeFromJsonToDecision)->Arg(1)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_JsonStageOneOnly)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_SimdjsonDomParseOnly)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_NativeFastTierAccessFromJson)
    ->Arg(1)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond)
    ->Apply(repeated);
BENCHMARK(BM_NativeFastTierAccessBound)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_InterpreterAccessFromJson)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond)->Apply(repeated);
BENCHMARK(BM_InterpreterBound)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond)->Apply(repeated);
BENCHMARK(BM_InterpreterFromJson)->Arg(1)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond)->Apply(repeated);

}  // namespace

BENCHMARK_MAIN();
