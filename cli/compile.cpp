// `writ compile`: compile a policy set to native code and write it as a bundle that brokers
// load without compiling (`writ eval --bundle`, Engine::load_bundle); or print its decision IR.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/load_policy.h"
#include "compiler/ir/lower.h"
#include "runtime/native/native_policy.h"
#include "stdlib/files.h"

namespace writ::cli {
namespace {

struct CompileArgs {
  std::vector<std::string> policy;
  std::string output;
  std::string tier = "optimized";
  unsigned threads = 2;
  bool emit_ir = false;
  std::string format = "text";
  std::string sign;  // an Ed25519 private key (PEM file)
};

int emit_ir(const interp::Interpreter& interpreter) {
  // With the constants' values, as the engine lowers them.
  ir::ConstantValues constants = engine::constant_values_of(interpreter);
  auto lowered = ir::lower(interpreter.policy().program, &constants);
  if (!lowered) {
    std::cerr << "writ compile: " << lowered.error() << "\n";
    return kExitPolicyErrors;
  }
  std::cout << ir::to_text(*lowered);
  return kExitOk;
}

int run_compile(const CompileArgs& args) {
  if (args.emit_ir) {
    LoadedInterpreter loaded = load_interpreter(args.policy, "compile");
    return loaded.interpreter ? emit_ir(*loaded.interpreter) : loaded.exit_code;
  }
  LoadedInterpreter checked;
  if (!load_checked(args.policy, "compile", checked)) return checked.exit_code;
  if (args.output.empty()) {
    std::cerr << "writ compile: give the bundle's path with -o FILE (or --emit-ir to print the IR)\n";
    return kExitUsage;
  }
  engine::BundleOptions options;
  options.optimize = args.tier == "optimized";
  options.compile_threads = args.threads;
  if (!args.sign.empty()) {
    std::optional<std::string> key = read_input(args.sign, limits::kMaxKeyFileBytes, "compile");
    if (!key) return kExitUsage;
    options.signing_key_pem = std::move(*key);
  }
  auto started = std::chrono::steady_clock::now();
  auto bytes = engine::Engine::compile_bundle(checked.policy, options);
  if (!bytes) {
    std::cerr << "writ compile: " << bytes.error() << "\n";
    return kExitPolicyErrors;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // Written beside its destination, then renamed: a broker never reads half a bundle.
  if (auto written = stdlib::write_file_atomically(args.output, *bytes); !written) {
    std::cerr << "writ compile: " << args.output << ": cannot be written: " << written.error() << "\n";
    return kExitUsage;
  }
  auto bundle = engine::read_bundle(*bytes);
  if (!bundle) {  // never expected: what was just written must read back
    std::cerr << "writ compile: " << args.output << ": " << bundle.error() << "\n";
    return kExitUsage;
  }
  const nlohmann::json& m = bundle->manifest;
  if (args.format == "json") {
    nlohmann::json out = m;
    out["rules"] = m["rules"].size();  // the ids are in the bundle; a count is what a reader wants here
    out["path"] = args.output;
    out["bytes"] = bytes->size();
    out["compile_seconds"] = seconds;
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    auto modules = m["code"]["modules"].get<std::size_t>();
    std::cout << fmt::format("{}: {} rules, {} tier, {} module{}, {:.1f} KB, compiled in {:.2f} s\n", args.output,
                             m["rules"].size(), m["code"]["tier"].get<std::string>(), modules, modules == 1 ? "" : "s",
                             static_cast<double>(bytes->size()) / 1024.0, seconds);
    std::cout << fmt::format("policy {}\nfor {} ({}), Writ {}, LLVM {}\n", m["policy_version"].get<std::string>(),
                             m["target"]["triple"].get<std::string>(), m["target"]["cpu"].get<std::string>(),
                             m["writ_version"].get<std::string>(), m["llvm_version"].get<std::string>());
  }
  return kExitOk;
}

}  // namespace

void add_compile_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* cmd =
      app.add_subcommand("compile", "Compile a policy set to native code, as a bundle brokers load without compiling");
  cmd->add_option("paths", args->policy, "Policy files or directories (searched for *.writ)")->required();
  cmd->add_option("-o,--output", args->output, "Where to write the bundle");
  cmd->add_option("--tier", args->tier,
                  "optimized: slower to compile, fastest decisions (for bundles); fast: compiles in a moment")
      ->check(CLI::IsMember({"optimized", "fast"}))
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads compiling the optimised tier")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  cmd->add_option("--sign", args->sign,
                  "Sign the bundle with this Ed25519 private key (PEM); brokers given its public key with --trust "
                  "load only bundles it signed");
  cmd->add_flag("--emit-ir", args->emit_ir, "Print the decision IR (docs/architecture.md) instead of compiling");
  cmd->add_option("--format", args->format, "Output format of the summary")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->footer(
      "A bundle holds the code, the policy's sources and a manifest (Writ and LLVM versions, target machine, policy\n"
      "version, rule ids) under a SHA-256 checksum; loading refuses a damaged, modified or stale bundle. The\n"
      "checksum finds damage; only a signature (--sign) stops someone who can write the file: make a key with\n"
      "`writ keygen KEY.pem PUBLIC.pem` (or `openssl genpkey -algorithm ed25519`).\n"
      "Exit codes: 0 compiled, 1 the policy set has errors or cannot be compiled to native code, 2 usage error or\n"
      "an unwritable output or key.");
  cmd->callback([args, &exit_code] { exit_code = run_compile(*args); });
}

}  // namespace writ::cli
