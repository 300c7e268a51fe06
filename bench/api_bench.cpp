// The public API's cost over the internal engine, in one run: the same ~1.1 KB GitHub Actions
// request decided through writ::Engine (libwrit, shared) with and without a DecisionContext, as a
// typed IssueRequest, and through the internal engine directly; on 1 and 10,000 generated rules,
// and with two threads sharing one engine.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "bench/policy_generator.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "writ/engine.h"

namespace {

// The generated rule for repository `repo` permits this request (bench/policy_generator.cpp).
std::string request_for(int repo) {
  return fmt::format(
      R"({{"kind":"issue","issuer":"github","header":{{"alg":"RS256","typ":"JWT"}},"claims":{{)"
      R"("iss":"https://token.actions.githubusercontent.com","aud":"https://broker.example",)"
      R"("sub":"repo:acme/repo-{0}:environment:production","exp":1767261900,"iat":1767261600,"nbf":1767261000,)"
      R"("jti":"8f1c2d3e-0001-4a5b-9c8d-7e6f5a4b3c2d","actor":"octocat","actor_id":"583231",)"
      R"("repository":"acme/repo-{0}","repository_id":"{1}","repository_owner":"acme",)"
      R"("repository_owner_id":"4410117","repository_visibility":"private","ref":"refs/heads/main",)"
      R"("ref_type":"branch","sha":"4e1243bd22c66e76c2ba9eddc1f91394e57f9f83","head_ref":"","base_ref":"",)"
      R"("event_name":"push","workflow":"Deploy",)"
      R"("workflow_ref":"acme/repo-{0}/.github/workflows/deploy.yml@refs/heads/main",)"
      R"("workflow_sha":"4e1243bd22c66e76c2ba9eddc1f91394e57f9f83",)"
      R"("job_workflow_ref":"acme/repo-{0}/.github/workflows/deploy.yml@refs/heads/main",)"
      R"("job_workflow_sha":"4e1243bd22c66e76c2ba9eddc1f91394e57f9f83","run_id":"5652725410",)"
      R"("run_number":"118","run_attempt":"1","runner_environment":"github-hosted","environment":"production"}},)"
      R"("request":{{"role":"deployer-{0}","time":1767261700}}}})",
      repo, 100000 + repo);
}

// One engine per size, kept for the whole run (compiling 10,000 rules once is enough).
const writ::Engine& engine_for(int rules) {
  static std::map<int, std::unique_ptr<writ::Engine>> engines;
  auto& slot = engines[rules];
  if (!slot) {
    std::vector<writ::PolicyText> texts;
    for (auto& file : writ::bench::generate_policy_set(rules, std::max(1, rules / 100), false)) {
      texts.push_back({file.path, file.text});
    }
    writ::EngineOptions options;
    options.tiers = writ::Tiers::Optimized;
    options.require_native = true;
    slot = std::move(writ::Engine::load(writ::PolicySource::texts(std::move(texts)), options).engine);
  }
  return *slot;
}

void check_allowed(benchmark::State& state, const writ::Decision& d) {
  if (!d.allow) state.SkipWithError(("the request is not allowed: " + std::string(d.reason_code())).c_str());
}

void BM_ApiDecideWithContext(benchmark::State& state) {
  const writ::Engine& engine = engine_for(static_cast<int>(state.range(0)));
  std::string text = request_for(static_cast<int>(state.range(0)) / 2);
  writ::DecisionContext context;
  check_allowed(state, engine.decide(text, context));
  for (auto _ : state) benchmark::DoNotOptimize(engine.decide(text, context));
}

void BM_ApiDecide(benchmark::State& state) {
  const writ::Engine& engine = engine_for(static_cast<int>(state.range(0)));
  std::string text = request_for(static_cast<int>(state.range(0)) / 2);
  check_allowed(state, engine.decide(text));
  for (auto _ : state) benchmark::DoNotOptimize(engine.decide(text));
}

void BM_ApiDecideTyped(benchmark::State& state) {
  const writ::Engine& engine = engine_for(1);
  std::string text = request_for(0);
  std::string claims = text.substr(text.find("\"claims\":") + 9);
  claims = claims.substr(0, claims.find("},\"request\"") + 1);
  writ::IssueRequest request("github", "deployer-0");
  request.claims_json(claims).header("RS256", "", "JWT").time(1767261700);
  writ::DecisionContext context;
  check_allowed(state, engine.decide(request, context));
  for (auto _ : state) benchmark::DoNotOptimize(engine.decide(request, context));
}

// The same request through the internal engine the public one wraps: the floor of the API's cost.
void BM_InternalDecideWithContext(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  writ::engine::EngineOptions options;
  options.tiers = writ::engine::Tiers::Optimized;
  options.require_native = true;
  auto policy = std::make_shared<writ::LoadedPolicySet>(
      writ::driver::check_sources(writ::bench::generate_policy_set(rules, std::max(1, rules / 100), false)));
  auto engine = writ::engine::Engine::create(policy, options);
  if (!engine) return state.SkipWithError(engine.error().c_str());
  std::string text = request_for(rules / 2);
  writ::engine::DecisionContext context;
  check_allowed(state, (*engine)->decide_text(text, context));
  for (auto _ : state) benchmark::DoNotOptimize((*engine)->decide_text(text, context));
}

void repeated(benchmark::internal::Benchmark* b) {
  b->Repetitions(5)->ReportAggregatesOnly(true)->MinWarmUpTime(0.05)->ComputeStatistics(
      "min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
}

}  // namespace

BENCHMARK(BM_InternalDecideWithContext)->Arg(1)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_ApiDecideWithContext)->Arg(1)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_ApiDecideWithContext)->Arg(1)->Threads(2)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_ApiDecide)->Arg(1)->Arg(10000)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_ApiDecide)->Arg(1)->Threads(2)->Unit(benchmark::kNanosecond)->Apply(repeated);
BENCHMARK(BM_ApiDecideTyped)->Unit(benchmark::kNanosecond)->Apply(repeated);

BENCHMARK_MAIN();
