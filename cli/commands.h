// The `writ` subcommands; each is a thin layer over the library, registered on the CLI app.
#pragma once

#include <CLI/CLI.hpp>

namespace writ::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitPolicyErrors = 1;  // the policy (or the formatting) is not clean
inline constexpr int kExitUsage = 2;         // bad arguments, unreadable files
inline constexpr int kExitDenied = 3;        // `writ eval --fail-on-deny` and the decision was deny

// Each function adds its subcommand to `app`; `exit_code` receives the result when it runs.
void add_check_command(CLI::App& app, int& exit_code);
void add_fmt_command(CLI::App& app, int& exit_code);
void add_eval_command(CLI::App& app, int& exit_code);
void add_test_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_compile_command(CLI::App& app, int& exit_code);
void add_keygen_command(CLI::App& app, int& exit_code);

}  // namespace writ::cli
