// Differential testing: random policies and requests, decided by the interpreter (the oracle)
// and by native code in both tiers; every decision must be identical, down to error messages.
//
//   writ_differential [--cases N] [--seed S] [--requests K] [--verbose]
//
// Exits 1 on any mismatch (printing the seed, policy, request and both decisions, ready to
// become a conformance case), or if the generator stops producing useful cases.
#include <cstdlib>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "compiler/diag/render.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "tests/differential/policy_fuzzer.h"

namespace {

using nlohmann::json;

struct Options {
  long long cases = 100000;
  std::uint64_t seed = 1;
  int requests = 100;
  bool verbose = false;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "writ_differential: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--cases")
      o.cases = std::stoll(value());
    else if (a == "--seed")
      o.seed = std::stoull(value());
    else if (a == "--requests")
      o.requests = std::stoi(value());
    else if (a == "--verbose")
      o.verbose = true;
    else {
      std::cerr << "usage: writ_differential [--cases N] [--seed S] [--requests K] [--verbose]\n";
      std::exit(2);
    }
  }
  return o;
}

std::shared_ptr<const writ::engine::Engine> engine(std::shared_ptr<const writ::LoadedPolicySet> set,
                                                   writ::engine::Backend backend, bool optimize, std::string& error) {
  writ::engine::EngineOptions options;
  options.backend = backend;
  options.require_native = backend == writ::engine::Backend::Native;
  options.tiers = optimize ? writ::engine::Tiers::Optimized : writ::engine::Tiers::Fast;
  options.claim_index_from = 2;  // generated policies are small: index whatever can be
  auto e = writ::engine::Engine::create(std::move(set), options);
  if (!e) {
    error = e.error();
    return nullptr;
  }
  return *e;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  long long cases = 0, policies = 0, rejected = 0, mismatches = 0, allowed = 0, errored = 0;
  std::uint64_t fast_binds = 0, explained = 0;
  for (std::uint64_t n = 0; cases < o.cases; ++n) {
    std::uint64_t seed = o.seed + n;
    writ::fuzz::PolicyFuzzer fuzzer(seed);
    std::string source = fuzzer.policy();
    auto set = std::make_shared<writ::LoadedPolicySet>(writ::driver::check_sources({{"fuzz.writ", source}}));
    if (fuzzer.retyped_registered_claim() && !set->diagnostics.has_errors()) {
      std::cerr << fmt::format("seed {}: a schema retyping a registered claim was accepted\n{}\n", seed, source);
      return 1;
    }
    if (set->diagnostics.has_errors()) {
      // Some random rules contradict themselves (E5001) and the like: the checker is right to refuse.
      ++rejected;
      if (o.verbose)
        std::cerr << source << writ::diag::render_text(set->diagnostics.diagnostics(), set->sources) << "\n";
      continue;
    }
    ++policies;

    std::string error;
    auto oracle = engine(set, writ::engine::Backend::Interpreter, false, error);
    bool optimize = n % 2 == 0;  // both tiers, alternately
    auto native = engine(set, writ::engine::Backend::Native, optimize, error);
    if (!oracle || !native) {
      std::cerr << fmt::format("seed {}: the policy checks but does not load: {}\n{}\n", seed, error, source);
      return 1;
    }
    writ::engine::DecisionContext context;
    for (int k = 0; k < o.requests; ++k, ++cases) {
      json request = fuzzer.request();
      json expected = writ::interp::decision_to_json(oracle->decide(request));
      json actual = writ::interp::decision_to_json(native->decide(request));
      // The same request as JSON text, written as a hostile client might (members in any order,
      // strings escaped every way), through the fast binder when it can take it and through the
      // strict reader; both must decide as the interpreter does on the parsed request.
      std::string text = fuzzer.text(request);
      json from_text = writ::interp::decision_to_json(native->decide_text(text, context));
      if (expected == actual && expected != from_text) actual = std::move(from_text);
      json oracle_text = writ::interp::decision_to_json(oracle->decide_text(text));
      if (expected == actual && expected != oracle_text) actual = std::move(oracle_text);
      // One request in eight is also explained, by both: same rules, same outcomes, same words.
      if (expected == actual && k % 8 == 0) {
        writ::DecideOptions explain{.explain = true};
        expected = writ::interp::decision_to_json(oracle->decide(request, explain));
        actual = writ::interp::decision_to_json(native->decide(request, explain));
        ++explained;
      }
      if (expected["decision"] == "allow") ++allowed;
      if (!expected["errors"].empty()) ++errored;
      if (expected == actual) continue;
      ++mismatches;
      std::cerr << fmt::format(
          "MISMATCH (seed {}, request {}, {} tier)\n--- policy\n{}--- request\n{}\n--- interpreter\n{}\n--- "
          "native\n{}\n\n",
          seed, k, optimize ? "optimised" : "fast", source, text, expected.dump(2), actual.dump(2));
      if (mismatches >= 5) return 1;
    }
    fast_binds += context.fast_binds;
  }
  std::cout << fmt::format(
      "differential: {} cases on {} policies ({} generated policies refused by the checker); {} allowed, {} with rule "
      "errors; {} mismatches\n",
      cases, policies, rejected, allowed, errored, mismatches);
  std::cout << fmt::format("differential: {} requests bound on the fast JSON path, {} explained\n", fast_binds,
                           explained);
  if (mismatches > 0) return 1;
  // A generator that stopped exercising the engines would pass vacuously.
  if (policies == 0 || rejected > policies || allowed * 50 < cases || errored * 100 < cases) {
    std::cerr << "differential: the generator no longer produces enough useful cases\n";
    return 1;
  }
  return 0;
}
