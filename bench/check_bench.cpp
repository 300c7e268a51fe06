// Benchmarks of `writ check` end to end (parse and check, with the built-in schemas) on
// generated policy sets, to show time grows linearly with the number of rules.
#include <benchmark/benchmark.h>

#include "bench/policy_generator.h"
#include "compiler/driver/policy_set.h"

namespace {

void BM_CheckPolicySet(benchmark::State& state) {
  const int rules = static_cast<int>(state.range(0));
  const int files = static_cast<int>(state.range(1));
  std::vector<writ::SourceText> sources = writ::bench::generate_policy_set(rules, files);
  std::size_t bytes = 0;
  for (const auto& s : sources) bytes += s.text.size();
  for (auto _ : state) {
    writ::LoadedPolicySet set = writ::driver::check_sources(sources);
    if (set.diagnostics.has_errors()) state.SkipWithError("generated policy set has errors");
    benchmark::DoNotOptimize(set.program.rules.size());
  }
  state.counters["rules"] = rules;
  state.counters["us_per_rule"] = benchmark::Counter(
      static_cast<double>(rules), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}

BENCHMARK(BM_CheckPolicySet)
    ->Args({1000, 10})
    ->Args({10000, 100})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
