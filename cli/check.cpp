// `writ check`: parse and check policy sets, report diagnostics as text, JSON or SARIF.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/terminal.h"
#include "cli/version.h"
#include "compiler/diag/render.h"
#include "compiler/driver/policy_set.h"
#include "runtime/interp/evaluator.h"

namespace writ::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string color = "auto";
  bool deny_warnings = false;
  bool quiet = false;
};

// A constant that checks but does not evaluate (an overflow, a value too large) would stop a broker
// from loading the policy set: evaluated here as the loader does, it is E4008 at the constant.
void report_constants_that_do_not_evaluate(LoadedPolicySet& set) {
  if (set.diagnostics.has_errors()) return;
  auto evaluator = interp::Evaluator::create(set.program);
  if (evaluator) return;
  std::string message = evaluator.error();
  Span span;
  // The evaluator's errors name the constant first: "constant `c`: ...".
  std::size_t open = message.find('`'), close = open == std::string::npos ? open : message.find('`', open + 1);
  if (close != std::string::npos) {
    auto it = set.program.constants.find(message.substr(open + 1, close - open - 1));
    if (it != set.program.constants.end() && it->second.decl != nullptr) span = it->second.decl->name_span;
  }
  set.diagnostics.report(diag::DiagId::ConstantEvaluation, span, message);
  set.diagnostics.sort();
}

int run_check(const CheckArgs& args) {
  LoadedPolicySet set = driver::load_policy_set(args.paths);
  for (const std::string& e : set.io_errors) std::fprintf(stderr, "writ check: %s\n", e.c_str());
  if (!set.io_errors.empty()) return kExitUsage;
  if (set.user_files.empty()) {
    std::fprintf(stderr, "writ check: no .writ files found\n");
    return kExitUsage;
  }
  report_constants_that_do_not_evaluate(set);
  const auto& diagnostics = set.diagnostics.diagnostics();
  if (args.format == "json") {
    std::cout << render_json(diagnostics, set.sources);
  } else if (args.format == "sarif") {
    std::cout << render_sarif(diagnostics, set.sources, std::string(kVersion));
  } else {
    bool color = use_color(args.color, stdout);
    std::cout << render_text(diagnostics, set.sources, diag::TextRenderOptions{color});
    if (!args.quiet || !diagnostics.empty()) {
      std::cout << "checked " << set.user_files.size() << " file" << (set.user_files.size() == 1 ? "" : "s") << ", "
                << set.program.rules.size() << " rule" << (set.program.rules.size() == 1 ? "" : "s") << ": "
                << summary_line(diagnostics) << "\n";
    }
  }
  if (set.diagnostics.has_errors()) return kExitPolicyErrors;
  if (args.deny_warnings && set.diagnostics.warning_count() > 0) return kExitPolicyErrors;
  return kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Check policy files for errors (exit 0 clean, 1 errors, 2 usage or I/O)");
  cmd->add_option("paths", args->paths, "Policy files or directories (searched for *.writ)")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->capture_default_str();
  cmd->add_option("--color", args->color, "Colour text output")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--deny-warnings", args->deny_warnings, "Exit 1 when there are warnings (for CI)");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing when the policy set is clean");
  cmd->callback([args, &exit_code] { exit_code = run_check(*args); });
}

}  // namespace writ::cli
