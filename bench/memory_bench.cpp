// Memory of the front end and of a serving engine: the peak and steady-state heap (operator new,
// heap_counter.h) to check a generated policy set, to load it from source, and to load its bundle.
// Each benchmark runs once per size; the counters are what matters, not the time.
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "bench/heap_counter.h"
#include "bench/policy_generator.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "writ/engine.h"

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

void report(benchmark::State& state, const writ::bench::HeapUsage& usage) {
  state.counters["peak_MiB"] = static_cast<double>(usage.peak_bytes) / kMiB;
  state.counters["steady_MiB"] = static_cast<double>(usage.steady_bytes) / kMiB;
}

std::vector<writ::PolicyText> texts_of(int rules) {
  std::vector<writ::PolicyText> texts;
  for (auto& file : writ::bench::generate_policy_set(rules, std::max(1, rules / 100), false)) {
    texts.push_back({file.path, std::move(file.text)});
  }
  return texts;
}

// A bundle of the fast tier, compiled once per size by the public API's own path (writ compile).
const std::string& bundle_of(int rules) {
  static std::map<int, std::string> bundles;
  auto& bundle = bundles[rules];
  if (bundle.empty()) {
    auto checked = std::make_shared<const writ::LoadedPolicySet>(
        writ::driver::check_sources(writ::bench::generate_policy_set(rules, std::max(1, rules / 100), false)));
    writ::engine::BundleOptions options;
    options.optimize = false;  // the fast tier: what a bundle-loaded engine serves is not the point here
    auto bytes = writ::engine::Engine::compile_bundle(checked, options);
    if (bytes) bundle = std::move(bytes).value();
  }
  return bundle;
}

// `writ check`: parse and check, the result kept (as the CLI keeps it until it has reported).
void BM_CheckFromSource(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  auto sources = writ::bench::generate_policy_set(rules, std::max(1, rules / 100));
  for (auto _ : state) {
    auto copy = sources;
    writ::bench::HeapPhase phase;
    writ::LoadedPolicySet checked = writ::driver::check_sources(std::move(copy));
    if (checked.diagnostics.has_errors()) state.SkipWithError("the generated policy has errors");
    report(state, phase.finish());
  }
}

// An engine loaded from source, serving the given tier.
void load_from_source(benchmark::State& state, writ::Tiers tiers) {
  auto texts = texts_of(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto copy = texts;
    writ::bench::HeapPhase phase;
    writ::EngineOptions options;
    options.tiers = tiers;
    options.require_native = tiers != writ::Tiers::Interpreter;
    auto loaded = writ::Engine::load(writ::PolicySource::texts(std::move(copy)), options);
    if (!loaded.engine) {
      state.SkipWithError("the generated policy does not load");
      return;
    }
    report(state, phase.finish());
  }
}

void BM_LoadFromSourceFast(benchmark::State& state) {
  load_from_source(state, writ::Tiers::Fast);
}
void BM_LoadFromSourceInterpreter(benchmark::State& state) {
  load_from_source(state, writ::Tiers::Interpreter);
}

// An engine loaded from a bundle (no parsing, checking or code generation).
void BM_LoadFromBundle(benchmark::State& state) {
  std::string bytes = bundle_of(static_cast<int>(state.range(0)));
  if (bytes.empty()) return state.SkipWithError("the generated policy does not compile");
  for (auto _ : state) {
    auto copy = bytes;
    writ::bench::HeapPhase phase;
    writ::EngineOptions options;
    options.tiers = writ::Tiers::Fast;
    auto loaded = writ::Engine::load(writ::PolicySource::bundle_bytes(std::move(copy)), options);
    if (!loaded.engine) {
      state.SkipWithError("the bundle does not load");
      return;
    }
    report(state, phase.finish());
  }
}

}  // namespace

BENCHMARK(BM_CheckFromSource)->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadFromSourceInterpreter)->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadFromSourceFast)->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadFromBundle)->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
