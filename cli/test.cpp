// `writ test`: run the `test` blocks of policy sets; a line per failure, then `N passed, N failed`.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/load_policy.h"
#include "cli/terminal.h"
#include "runtime/engine/engine.h"
#include "runtime/interp/test_runner.h"

namespace writ::cli {
namespace {

struct TestArgs {
  std::vector<std::string> paths;
  bool coverage = false;
  bool verbose = false;
  std::string format = "text";
  std::string engine = "both";  // both: the interpreter and native code must agree
  std::string tier = "optimized";
};

void print_failure(const interp::TestOutcome& o) {
  std::cout << o.location << ": test \"" << o.name << "\" failed\n";
  for (const auto& d : o.differences) std::cout << "  " << d << "\n";
  std::string trace = interp::decision_to_text(o.decision);
  // Indent the decision's explanation under the failure.
  std::size_t start = 0;
  while (start < trace.size()) {
    std::size_t end = trace.find('\n', start);
    if (end == std::string::npos) end = trace.size();
    std::cout << "  | " << trace.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

int run_test(const TestArgs& args) {
  LoadedInterpreter loaded = load_interpreter(args.paths, "test");
  if (!loaded.interpreter) return loaded.exit_code;
  const LoadedPolicySet* policy = loaded.policy.get();
  // Native code as brokers run it, built from the same checked policy; when the policy does not
  // compile natively, brokers serve it with the interpreter, and so do the tests.
  std::shared_ptr<const engine::Engine> native;
  if (args.engine == "both") {
    engine::EngineOptions options;
    options.tiers = args.tier == "fast" ? engine::Tiers::Fast : engine::Tiers::Optimized;
    auto created = engine::Engine::create(loaded.policy, options);
    if (!created) {
      std::cerr << "writ test: " << created.error() << "\n";
      return kExitPolicyErrors;
    }
    native = *created;
    if (native->native() == nullptr)
      std::cerr << "writ test: native code does not serve this policy (" << native->fallback_reason()
                << "); the tests ran on the interpreter only\n";
  }
  interp::TestReport report =
      interp::run_tests(*loaded.interpreter, *policy, native && native->native() != nullptr ? native.get() : nullptr);
  std::vector<const RuleInfo*> unexercised;
  for (const RuleInfo& rule : policy->program.rules) {
    if (report.matched_rules.count(rule.id) == 0) unexercised.push_back(&rule);
  }
  if (args.format == "json") {
    nlohmann::json out;
    nlohmann::json tests = nlohmann::json::array();
    for (const interp::TestOutcome& o : report.outcomes) {
      tests.push_back({{"name", o.name},
                       {"location", o.location},
                       {"passed", o.passed},
                       {"differences", o.differences},
                       {"decision", interp::decision_to_json(o.decision)}});
    }
    out["tests"] = tests;
    out["passed"] = report.passed();
    out["failed"] = report.failed();
    if (args.coverage) {
      nlohmann::json rules = nlohmann::json::array();
      for (const RuleInfo* r : unexercised) rules.push_back(r->id);
      out["unexercised_rules"] = rules;
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const interp::TestOutcome& o : report.outcomes) {
      if (!o.passed)
        print_failure(o);
      else if (args.verbose)
        std::cout << o.location << ": test \"" << o.name << "\" passed\n";
    }
    if (args.coverage) {
      std::size_t total = policy->program.rules.size();
      std::cout << "coverage: " << (total - unexercised.size()) << " of " << total << " rules matched in some test\n";
      for (const RuleInfo* r : unexercised) {
        const SourceFile& f = policy->sources.file(r->decl->span.file);
        std::cout << "  not exercised: " << r->id << " (" << f.path() << ":"
                  << f.line_column(r->decl->head_span.begin).line << ")\n";
      }
    }
    if (args.verbose) {
      std::cout << "engines: the interpreter"
                << (native && native->native() != nullptr
                        ? std::string(" and native code (") + native->serving_tier() + " tier)"
                        : std::string(" only"))
                << "\n";
    }
    std::cout << report.passed() << " passed, " << report.failed() << " failed\n";
  }
  return report.failed() > 0 ? kExitPolicyErrors : kExitOk;
}

}  // namespace

void add_test_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* cmd =
      app.add_subcommand("test", "Run the `test` blocks of policy sets (exit 0 all passed, 1 failures, 2 usage)");
  cmd->add_option("paths", args->paths, "Policy files or directories (tests live in them or in *_test.writ files)")
      ->required();
  cmd->add_flag("--coverage", args->coverage, "List the rules that no test made match");
  cmd->add_flag("-v,--verbose", args->verbose, "Also list the tests that passed");
  cmd->add_option("--engine", args->engine,
                  "both: run every test on the interpreter and on native code, which must agree; interpreter: the "
                  "interpreter only")
      ->check(CLI::IsMember({"both", "interpreter"}))
      ->capture_default_str();
  cmd->add_option("--tier", args->tier, "The native tier the tests run on")
      ->check(CLI::IsMember({"optimized", "fast"}))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_test(*args); });
}

}  // namespace writ::cli
