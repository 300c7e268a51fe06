// From source to native code: how long until a policy set serves from its fast tier (parse,
// check, lower, compile with no IR passes), and what the optimised tier costs on top.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench/policy_generator.h"
#include "compiler/codegen/compiled_policy.h"
#include "compiler/driver/policy_set.h"
#include "compiler/ir/lower.h"
#include "runtime/engine/engine.h"

namespace {

std::vector<writ::SourceText> sources_for(int rules) {
  return writ::bench::generate_policy_set(rules, std::max(1, rules / 100));
}

void BM_SourceToServingFastTier(benchmark::State& state) {
  auto sources = sources_for(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto set = std::make_shared<writ::LoadedPolicySet>(writ::driver::check_sources(sources));
    writ::engine::EngineOptions options;
    options.require_native = true;
    options.tiers = writ::engine::Tiers::Fast;
    auto engine = writ::engine::Engine::create(set, options);
    if (!engine) return state.SkipWithError(engine.error().c_str());
    benchmark::DoNotOptimize(engine->get());
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
}

void compile_only(benchmark::State& state, bool optimize, unsigned threads = 0, std::string cache = {}) {
  auto set = writ::driver::check_sources(sources_for(static_cast<int>(state.range(0))));
  auto ir = writ::ir::lower(set.program);
  if (!ir) return state.SkipWithError(ir.error().c_str());
  for (auto _ : state) {
    writ::codegen::CompileOptions options;
    options.optimize = optimize;
    options.compile_threads = threads;
    options.functions_per_module = optimize ? 64 : 512;
    options.cache_directory = cache;
    auto code = writ::codegen::CompiledPolicy::compile(*ir, options);
    if (!code) return state.SkipWithError(code.error().c_str());
    benchmark::DoNotOptimize(code->get());
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
}

void BM_CompileFastTier(benchmark::State& state) {
  compile_only(state, false);
}
void BM_CompileOptimizedTier(benchmark::State& state) {
  compile_only(state, true);
}
// A restart with unchanged policies: every module comes from the object cache (the first,
// untimed compile fills it).
void BM_CompileOptimizedTierFromCache(benchmark::State& state) {
  std::string cache = (std::filesystem::temp_directory_path() / "writ_compile_bench_cache").string();
  std::filesystem::remove_all(cache);
  auto set = writ::driver::check_sources(sources_for(static_cast<int>(state.range(0))));
  auto ir = writ::ir::lower(set.program);
  if (!ir) return state.SkipWithError(ir.error().c_str());
  writ::codegen::CompileOptions options;
  options.optimize = true;
  options.compile_threads = 2;
  options.functions_per_module = 64;
  options.cache_directory = cache;
  if (!writ::codegen::CompiledPolicy::compile(*ir, options)) return state.SkipWithError("cannot compile");
  for (auto _ : state) {
    auto code = writ::codegen::CompiledPolicy::compile(*ir, options);
    if (!code || (*code)->cache_misses() != 0) return state.SkipWithError("not served from the cache");
    benchmark::DoNotOptimize(code->get());
  }
  std::filesystem::remove_all(cache);
  state.counters["rules"] = static_cast<double>(state.range(0));
}

// An engine restarted on unchanged policies (already checked): the optimised tier is cached whole
// (EngineOptions::cache_directory), so it serves at once, with no code generated and no background
// build. The first, untimed engine fills the cache.
void BM_EngineRestartFromCodeCache(benchmark::State& state) {
  std::string cache = (std::filesystem::temp_directory_path() / "writ_engine_bench_cache").string();
  std::filesystem::remove_all(cache);
  auto set = std::make_shared<writ::LoadedPolicySet>(
      writ::driver::check_sources(sources_for(static_cast<int>(state.range(0)))));
  writ::engine::EngineOptions options;
  options.require_native = true;
  options.cache_directory = cache;
  auto first = writ::engine::Engine::create(set, options);
  if (!first || !(*first)->wait_for_optimized()) return state.SkipWithError("cannot compile");
  first = writ::Error{"done"};
  for (auto _ : state) {
    auto engine = writ::engine::Engine::create(set, options);
    if (!engine || std::string((*engine)->serving_tier()) != "optimized") {
      return state.SkipWithError("not served from the cache");
    }
    benchmark::DoNotOptimize(engine->get());
    state.PauseTiming();  // unloading the engine is not part of starting it
    engine = writ::Error{"unloaded"};
    state.ResumeTiming();
  }
  std::filesystem::remove_all(cache);
  state.counters["rules"] = static_cast<double>(state.range(0));
}

// As the engine builds it in the background: on both cores.
void BM_CompileOptimizedTierTwoThreads(benchmark::State& state) {
  compile_only(state, true, 2);
}

// A broker starting from a compiled bundle (`writ compile`): read and verify it, decode its
// runtime image (no source is parsed or checked), link its code. No code is generated. Both tiers.
void load_bundle(benchmark::State& state, bool optimize) {
  auto set = std::make_shared<writ::LoadedPolicySet>(
      writ::driver::check_sources(sources_for(static_cast<int>(state.range(0)))));
  writ::engine::BundleOptions options;
  options.optimize = optimize;
  auto bytes = writ::engine::Engine::compile_bundle(set, options);
  if (!bytes) return state.SkipWithError(bytes.error().c_str());
  for (auto _ : state) {
    auto engine = writ::engine::Engine::load_bundle(*bytes);
    if (!engine) return state.SkipWithError(engine.error().c_str());
    benchmark::DoNotOptimize(engine->get());
    state.PauseTiming();  // unloading the engine is not part of loading it
    engine = writ::Error{"unloaded"};
    state.ResumeTiming();
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
  state.counters["bundle_bytes"] = static_cast<double>(bytes->size());
}
void BM_LoadFastTierBundle(benchmark::State& state) {
  load_bundle(state, false);
}
void BM_LoadOptimizedTierBundle(benchmark::State& state) {
  load_bundle(state, true);
}

BENCHMARK(BM_SourceToServingFastTier)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
BENCHMARK(BM_CompileFastTier)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_CompileOptimizedTier)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_CompileOptimizedTierFromCache)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_EngineRestartFromCodeCache)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_LoadFastTierBundle)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_LoadOptimizedTierBundle)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_CompileOptimizedTierTwoThreads)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
