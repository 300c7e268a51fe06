// `writ eval`: decide one request against a policy set and print the decision as JSON.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/load_policy.h"
#include "runtime/bind/json_reader.h"
#include "stdlib/printable.h"

namespace writ::cli {
namespace {

struct EvalArgs {
  std::vector<std::string> policy;
  std::string bundle;
  std::string input = "-";
  bool fail_on_deny = false;
  bool explain = false;
  std::string format = "json";
  std::string engine = "native";
  std::vector<std::string> trust;  // Ed25519 public keys (PEM files) for signed bundles
};

int run_eval(const EvalArgs& args) {
  engine::EngineOptions options;
  options.backend = args.engine == "interpreter" ? engine::Backend::Interpreter : engine::Backend::Native;
  options.tiers = engine::Tiers::Fast;  // one decision: the optimised tier would not pay for itself
  if (!args.trust.empty() && args.bundle.empty()) {
    std::cerr << "writ eval: --trust is for bundles: give one with --bundle FILE\n";
    return kExitUsage;
  }
  for (const std::string& path : args.trust) {
    std::optional<std::string> key = read_input(path, limits::kMaxKeyFileBytes, "eval");
    if (!key) return kExitUsage;
    options.trusted_bundle_keys.push_back(std::move(*key));
  }
  if (args.policy.empty() && args.bundle.empty()) {
    std::cerr << "writ eval: give the policy with --policy DIR or a compiled bundle with --bundle FILE\n";
    return kExitUsage;
  }
  LoadedEngine loaded = args.bundle.empty() ? load_engine(args.policy, "eval", options)
                                            : load_bundle_engine(args.bundle, args.policy, "eval", options);
  if (!loaded.engine) return loaded.exit_code;
  std::optional<std::string> input = read_input(args.input, limits::kMaxRequestBytes, "eval");
  if (!input) return kExitUsage;
  const std::string& text = *input;
  Decision decision = loaded.engine->decide_text(text, DecideOptions{args.explain});
  // Native code asked for but not serving (a construct it does not support): say so, never decide
  // on the interpreter silently.
  bool fell_back = args.engine == "native" && loaded.engine->backend() != engine::Backend::Native;
  if (fell_back) {
    std::cerr << "writ eval: native code does not serve this policy (" << loaded.engine->fallback_reason()
              << "); the interpreter decided\n";
  }
  if (args.format == "text") {
    std::cout << interp::decision_to_text(decision);
  } else {
    nlohmann::json out = interp::decision_to_json(decision);
    if (fell_back) {
      out["engine"] = "interpreter";
      out["fallback_reason"] = loaded.engine->fallback_reason();
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  if (decision.reason == Reason::RequestInvalid) {
    std::cerr << "writ eval: " << args.input << ": " << stdlib::printable(decision.detail) << "\n";
    return kExitUsage;
  }
  return args.fail_on_deny && !decision.allow ? kExitDenied : kExitOk;
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Decide one request (JSON, see docs/semantics.md) and print the decision as JSON");
  cmd->add_option("-p,--policy", args->policy,
                  "Policy files or directories (with --bundle: the bundle must have been compiled from them)");
  cmd->add_option("-b,--bundle", args->bundle,
                  "A bundle made by `writ compile`: decide with its code, compiling nothing");
  cmd->add_option("--trust", args->trust,
                  "With --bundle: an Ed25519 public key (PEM) trusted to sign bundles; repeat for several. With any, "
                  "unsigned bundles and those of other keys are refused");
  cmd->add_option("-i,--input", args->input, "The request as JSON, or - for stdin")->capture_default_str();
  cmd->add_flag("--fail-on-deny", args->fail_on_deny, "Exit 3 when the decision is deny");
  cmd->add_flag(
      "--explain", args->explain,
      "Explain the decision: for each candidate rule, the conditions that held or the first that failed and why");
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  cmd->add_option("--engine", args->engine,
                  "Decide with native code (falling back to the interpreter for what it does not support) or with "
                  "the reference interpreter; both give the same decision")
      ->check(CLI::IsMember({"native", "interpreter"}))
      ->capture_default_str();
  cmd->footer(
      "Exit codes: 0 decided (allow or deny), 1 the policy set has errors or the bundle is refused (damaged,\n"
      "modified, stale, or for another Writ, LLVM or machine), 2 usage error or an unreadable request,\n"
      "3 denied (with --fail-on-deny).");
  cmd->callback([args, &exit_code] { exit_code = run_eval(*args); });
}

}  // namespace writ::cli
