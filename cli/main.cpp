// `writ`: the command-line entry point; dispatches to one subcommand.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/version.h"

int main(int argc, char** argv) {
  CLI::App app{"writ: trust policies for workload identity, checked like code"};
  app.name("writ");
  app.set_version_flag("--version", std::string(writ::cli::kVersion));
  app.require_subcommand(1);
  int exit_code = writ::cli::kExitOk;
  writ::cli::add_check_command(app, exit_code);
  writ::cli::add_fmt_command(app, exit_code);
  writ::cli::add_eval_command(app, exit_code);
  writ::cli::add_test_command(app, exit_code);
  writ::cli::add_compile_command(app, exit_code);
  writ::cli::add_keygen_command(app, exit_code);
  writ::cli::add_bench_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? writ::cli::kExitOk : writ::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "writ: internal error: %s\n", e.what());
    return writ::cli::kExitUsage;
  }
  return exit_code;
}
