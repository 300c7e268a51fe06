// `writ bench`: for a user's own policy set and request, how long compiling takes and what one
// decision costs with the interpreter and with native code (both tiers), bound and from JSON.
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/load_policy.h"
#include "runtime/bind/json_reader.h"

namespace writ::cli {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct BenchArgs {
  std::vector<std::string> policy;
  std::string input;
  double seconds = 0.3;
  std::string format = "text";
};

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// Nanoseconds per call of `f`, measured over at least `seconds`.
template <typename F>
double ns_per_call(double seconds, F&& f) {
  std::size_t n = 1, total = 0;
  auto start = Clock::now();
  for (;;) {
    for (std::size_t i = 0; i < n; ++i) f();
    total += n;
    double spent = std::chrono::duration<double>(Clock::now() - start).count();
    if (spent >= seconds) return spent * 1e9 / static_cast<double>(total);
    n *= 2;
  }
}

struct Latency {
  double bound = 0, from_json = 0;  // ns per decision
};

Latency time_interpreter(const interp::Interpreter& interp, const json& request, const std::string& text,
                         double seconds) {
  Latency l;
  l.from_json = ns_per_call(seconds, [&] { (void)interp.decide_text(text); });
  if (request.value("kind", "") == "issue") {
    auto bound = interp.bind_issue(request);
    if (auto* b = std::get_if<interp::BoundIssueRequest>(&bound)) {
      l.bound = ns_per_call(seconds, [&] { (void)interp.decide_bound(*b); });
      return l;
    }
  }
  if (request.value("kind", "") == "access") {
    auto bound = interp.bind_access(request);
    if (auto* b = std::get_if<interp::BoundAccessRequest>(&bound)) {
      l.bound = ns_per_call(seconds, [&] { (void)interp.decide_access_bound(*b); });
      return l;
    }
  }
  l.bound = ns_per_call(seconds, [&] { (void)interp.decide(request); });
  return l;
}

Latency time_native(const engine::Engine& engine, const json& request, const std::string& text, double seconds) {
  Latency l;
  engine::DecisionContext context;
  l.from_json = ns_per_call(seconds, [&] { (void)engine.decide_text(text, context); });
  const engine::NativePolicy* native = engine.native();
  if (native != nullptr && request.value("kind", "") == "issue") {
    auto bound = native->bind_issue(request);
    if (auto* b = std::get_if<std::unique_ptr<engine::OwnedIssueRequest>>(&bound)) {
      engine::Verdict verdict;
      l.bound = ns_per_call(seconds, [&] { native->decide_issue((*b)->request, context, verdict); });
      return l;
    }
  }
  if (native != nullptr && request.value("kind", "") == "access") {
    engine::JsonBinder binder;  // the bound request's views point into it
    if (const engine::NativeAccessRequest* bound = binder.bind(*native, text).access) {
      engine::Verdict verdict;
      l.bound = ns_per_call(seconds, [&] { native->decide_access(*bound, context, verdict); });
      return l;
    }
  }
  l.bound = ns_per_call(seconds, [&] { (void)engine.decide(request); });
  return l;
}

std::string duration_text(double ns) {
  if (ns < 1e3) return fmt::format("{:.0f} ns", ns);
  if (ns < 1e6) return fmt::format("{:.2f} µs", ns / 1e3);
  return fmt::format("{:.2f} ms", ns / 1e6);
}

int run_bench(const BenchArgs& args) {
  auto check_start = Clock::now();
  LoadedInterpreter checked;
  if (!load_checked(args.policy, "bench", checked)) return checked.exit_code;
  double check_ms = elapsed_ms(check_start);

  std::optional<std::string> input = read_input(args.input, limits::kMaxRequestBytes, "bench");
  if (!input) return kExitUsage;
  const std::string& text = *input;
  auto request = bind::read_json_strict(text);
  if (!request) {
    std::cerr << "writ bench: " << args.input << ": " << request.error() << "\n";
    return kExitUsage;
  }

  auto build = [&](engine::Tiers tiers, double& ms) -> std::shared_ptr<const engine::Engine> {
    engine::EngineOptions options;
    options.tiers = tiers;
    auto start = Clock::now();
    auto engine = engine::Engine::create(checked.policy, options);
    ms = elapsed_ms(start);
    if (!engine) {
      std::cerr << "writ bench: " << engine.error() << "\n";
      return nullptr;
    }
    return *engine;
  };
  double fast_ms = 0, optimized_ms = 0;
  auto fast = build(engine::Tiers::Fast, fast_ms);
  auto optimized = build(engine::Tiers::Optimized, optimized_ms);
  if (!fast || !optimized) return kExitPolicyErrors;
  bool native = fast->native() != nullptr;

  const interp::Interpreter& interp = *fast->interpreter();  // built from sources: never null
  json decision = interp::decision_to_json(interp.decide(*request));
  for (const auto* engine : {fast.get(), optimized.get()}) {
    if (interp::decision_to_json(engine->decide(*request)) != decision) {
      std::cerr << "writ bench: native code and the interpreter disagree on this request; please report it\n";
      return kExitPolicyErrors;
    }
  }
  Latency li = time_interpreter(interp, *request, text, args.seconds);
  Latency lf = time_native(*fast, *request, text, args.seconds);
  Latency lo = time_native(*optimized, *request, text, args.seconds);

  if (args.format == "json") {
    json out = {{"rules", checked.policy->program.rules.size()},
                {"native", native},
                {"compile_ms", {{"check", check_ms}, {"fast_tier", fast_ms}, {"optimized_tier", optimized_ms}}},
                {"decide_ns",
                 {{"interpreter", {{"bound", li.bound}, {"from_json", li.from_json}}},
                  {"fast_tier", {{"bound", lf.bound}, {"from_json", lf.from_json}}},
                  {"optimized_tier", {{"bound", lo.bound}, {"from_json", lo.from_json}}}}},
                {"speedup", {{"bound", li.bound / lo.bound}, {"from_json", li.from_json / lo.from_json}}},
                {"decision", decision["decision"]},
                {"reason", decision["reason"]}};
    if (!native) out["fallback_reason"] = fast->fallback_reason();
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{} rules; the request is decided {} ({})\n\n", checked.policy->program.rules.size(),
                           decision["decision"].get<std::string>(), decision["reason"].get<std::string>());
  if (!native) std::cout << "native code is not in use: " << fast->fallback_reason() << "\n\n";
  std::cout << fmt::format(
      "compile\n  check (parse, types)     {:>10}\n  native fast tier         {:>10}\n"
      "  native optimised tier    {:>10}\n\n",
      duration_text(check_ms * 1e6), duration_text(fast_ms * 1e6), duration_text(optimized_ms * 1e6));
  std::cout << fmt::format("decide (per decision)    {:>12} {:>12} {:>12} {:>10}\n", "interpreter", "native fast",
                           "optimised", "speed-up");
  for (auto [label, i, f, o] : {std::tuple{"bound request", li.bound, lf.bound, lo.bound},
                                std::tuple{"from JSON", li.from_json, lf.from_json, lo.from_json}}) {
    std::cout << fmt::format("  {:<22} {:>12} {:>12} {:>12} {:>9.0f}×\n", label, duration_text(i), duration_text(f),
                             duration_text(o), i / o);
  }
  return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Measure compile time and decision latency (interpreter and native code) for a policy set and request");
  cmd->add_option("-p,--policy", args->policy, "Policy files or directories")->required();
  cmd->add_option("-i,--input", args->input, "A request as JSON (see docs/semantics.md)")->required();
  cmd->add_option("--seconds", args->seconds, "Time spent measuring each latency")
      ->check(CLI::Range(0.01, 60.0))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  cmd->footer(
      "Machines are noisy: compare the ratios of one run. Exit codes: 0 measured, 1 the policy set has errors,\n"
      "2 usage error or an unreadable request.");
  cmd->callback([args, &exit_code] { exit_code = run_bench(*args); });
}

}  // namespace writ::cli
