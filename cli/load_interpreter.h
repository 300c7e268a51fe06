// Loads a policy set and builds its interpreter for `writ eval` and `writ test`, reporting
// problems on stderr with the command's name.
#pragma once

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "compiler/diag/render.h"
#include "compiler/driver/policy_set.h"
#include "runtime/interp/interpreter.h"

namespace writ::cli {

struct LoadedInterpreter {
  std::shared_ptr<LoadedPolicySet> policy;
  std::shared_ptr<const Interpreter> interpreter;  // null on failure
  int exit_code = kExitOk;                          // the exit code on failure
};

inline LoadedInterpreter load_interpreter(const std::vector<std::string>& paths, const std::string& command) {
  LoadedInterpreter out;
  out.policy = std::make_shared<LoadedPolicySet>(load_policy_set(paths));
  for (const auto& e : out.policy->io_errors) std::cerr << "writ " << command << ": " << e << "\n";
  if (!out.policy->io_errors.empty()) {
    out.exit_code = kExitUsage;
    return out;
  }
  if (out.policy->diagnostics.has_errors()) {
    std::cerr << render_text(out.policy->diagnostics.diagnostics(), out.policy->sources);
    std::cerr << "writ " << command << ": the policy set has errors\n";
    out.exit_code = kExitPolicyErrors;
    return out;
  }
  auto interpreter = Interpreter::create(out.policy);
  if (!interpreter) {
    std::cerr << "writ " << command << ": " << interpreter.error() << "\n";
    out.exit_code = kExitPolicyErrors;
    return out;
  }
  out.interpreter = *interpreter;
  return out;
}

}  // namespace writ::cli
