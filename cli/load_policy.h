// Loads a policy set and builds its interpreter (`writ test`) or engine (`writ eval`,
// `writ bench`), reporting problems on stderr with the command's name.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/read_input.h"
#include "compiler/diag/render.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "stdlib/limits.h"

namespace writ::cli {

struct LoadedInterpreter {
  std::shared_ptr<LoadedPolicySet> policy;
  std::shared_ptr<const interp::Interpreter> interpreter;  // null on failure
  int exit_code = kExitOk;                                 // the exit code on failure
};

// Reads and checks the policy set; false (with `exit_code` set) if it cannot be used.
inline bool load_checked(const std::vector<std::string>& paths, const std::string& command, LoadedInterpreter& out) {
  out.policy = std::make_shared<LoadedPolicySet>(driver::load_policy_set(paths));
  for (const auto& e : out.policy->io_errors) std::cerr << "writ " << command << ": " << e << "\n";
  if (!out.policy->io_errors.empty()) {
    out.exit_code = kExitUsage;
    return false;
  }
  if (out.policy->diagnostics.has_errors()) {
    std::cerr << render_text(out.policy->diagnostics.diagnostics(), out.policy->sources);
    std::cerr << "writ " << command << ": the policy set has errors\n";
    out.exit_code = kExitPolicyErrors;
    return false;
  }
  return true;
}

inline LoadedInterpreter load_interpreter(const std::vector<std::string>& paths, const std::string& command) {
  LoadedInterpreter out;
  if (!load_checked(paths, command, out)) return out;
  auto interpreter = interp::Interpreter::create(out.policy);
  if (!interpreter) {
    std::cerr << "writ " << command << ": " << interpreter.error() << "\n";
    out.exit_code = kExitPolicyErrors;
    return out;
  }
  out.interpreter = *interpreter;
  return out;
}

struct LoadedEngine {
  std::shared_ptr<LoadedPolicySet> policy;
  std::shared_ptr<const engine::Engine> engine;  // null on failure
  int exit_code = kExitOk;
};

inline LoadedEngine load_engine(const std::vector<std::string>& paths, const std::string& command,
                                engine::EngineOptions options) {
  LoadedInterpreter checked;
  LoadedEngine out;
  bool ok = load_checked(paths, command, checked);
  out.policy = checked.policy;
  out.exit_code = checked.exit_code;
  if (!ok) return out;
  auto engine = engine::Engine::create(out.policy, options);
  if (!engine) {
    std::cerr << "writ " << command << ": " << engine.error() << "\n";
    out.exit_code = kExitPolicyErrors;
    return out;
  }
  out.engine = *engine;
  return out;
}

// Loads a compiled bundle (`writ compile`). With `paths`, the bundle must have been compiled from
// exactly that policy set (else it is stale); a refused bundle is a policy error (exit 1).
inline LoadedEngine load_bundle_engine(const std::string& bundle_path, const std::vector<std::string>& paths,
                                       const std::string& command, engine::EngineOptions options) {
  LoadedEngine out;
  std::string expected_version;
  if (!paths.empty()) {
    LoadedInterpreter current = load_interpreter(paths, command);
    if (!current.interpreter) {
      out.exit_code = current.exit_code;
      return out;
    }
    expected_version = current.interpreter->policy_version();
  }
  std::optional<std::string> bytes = read_input(bundle_path, limits::kMaxBundleBytes, command);
  if (!bytes) {
    out.exit_code = kExitUsage;
    return out;
  }
  options.check_sources = driver::check_sources;  // explanations and --engine interpreter re-check the sources
  auto engine = engine::Engine::load_bundle(*bytes, options, expected_version);
  if (!engine) {
    std::cerr << "writ " << command << ": " << bundle_path << ": " << engine.error() << "\n";
    out.exit_code = kExitPolicyErrors;
    return out;
  }
  out.engine = *engine;
  return out;
}

}  // namespace writ::cli
