// `writ fmt`: rewrite policy files in the canonical layout, or with --check list those that differ.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/read_input.h"
#include "cli/terminal.h"
#include "compiler/diag/render.h"
#include "compiler/driver/policy_set.h"
#include "compiler/fmt/formatter.h"
#include "compiler/syntax/parse.h"
#include "stdlib/limits.h"

namespace writ::cli {
namespace {

struct FmtArgs {
  std::vector<std::string> paths;
  bool check = false;
  std::string color = "auto";
};

enum class FmtOutcome { Unchanged, Changed, Failed, Unreadable };

// Formats `text` from `path`; on syntax errors prints them and returns nullopt.
std::optional<std::string> format_text(const std::string& path, std::string text, bool color) {
  SourceManager sources;
  FileId id = sources.add(path, std::move(text));
  diag::DiagnosticSink sink;
  ast::File file = syntax::parse_file(sources, id, sink);
  if (sink.has_errors() || file.had_syntax_errors) {
    std::cerr << render_text(sink.diagnostics(), sources, diag::TextRenderOptions{color});
    std::cerr << "writ fmt: " << path << ": not formatted because it has syntax errors\n";
    return std::nullopt;
  }
  std::string formatted = format_file(file, sources.file(id));
  // Never write something that does not read back to itself: a formatter bug must not
  // change a policy.
  SourceManager again;
  FileId id2 = again.add(path, formatted);
  diag::DiagnosticSink sink2;
  ast::File reparsed = syntax::parse_file(again, id2, sink2);
  if (sink2.has_errors() || format_file(reparsed, again.file(id2)) != formatted ||
      reparsed.comments.size() != file.comments.size() || reparsed.items.size() != file.items.size()) {
    std::cerr << "writ fmt: " << path
              << ": internal error: the formatted text does not read back the same; file left unchanged\n";
    return std::nullopt;
  }
  return formatted;
}

FmtOutcome format_path(const std::string& path, const FmtArgs& args, bool color) {
  bool from_stdin = path == "-";
  std::optional<std::string> input = read_input(path, limits::kMaxPolicyFileBytes, "fmt");
  if (!input) return FmtOutcome::Unreadable;
  const std::string& text = *input;
  auto formatted = format_text(from_stdin ? "<stdin>" : path, text, color);
  if (!formatted) return FmtOutcome::Failed;
  if (from_stdin) {
    if (!args.check) std::cout << *formatted;
    return *formatted == text ? FmtOutcome::Unchanged : FmtOutcome::Changed;
  }
  if (*formatted == text) return FmtOutcome::Unchanged;
  if (args.check) {
    std::cout << path << "\n";
    return FmtOutcome::Changed;
  }
  // Write to a temporary file and rename, so an interrupted run never truncates a policy.
  std::string temp = path + ".writ-fmt.tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << *formatted;
    if (!out) {
      std::cerr << "writ fmt: " << path << ": cannot write\n";
      std::remove(temp.c_str());
      return FmtOutcome::Failed;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::cerr << "writ fmt: " << path << ": cannot replace the file\n";
    std::remove(temp.c_str());
    return FmtOutcome::Failed;
  }
  return FmtOutcome::Changed;
}

int run_fmt(const FmtArgs& args) {
  bool color = use_color(args.color, stderr);
  std::vector<std::string> errors;
  std::vector<std::string> files;
  std::vector<std::string> dirs_and_files;
  for (const auto& p : args.paths) {
    if (p == "-")
      files.push_back(p);
    else
      dirs_and_files.push_back(p);
  }
  auto found = driver::find_policy_files(dirs_and_files, errors);
  files.insert(files.end(), found.begin(), found.end());
  for (const auto& e : errors) std::cerr << "writ fmt: " << e << "\n";
  if (!errors.empty()) return kExitUsage;
  std::size_t changed = 0, failed = 0, unreadable = 0;
  for (const auto& f : files) {
    switch (format_path(f, args, color)) {
      case FmtOutcome::Unchanged:
        break;
      case FmtOutcome::Changed:
        ++changed;
        break;
      case FmtOutcome::Failed:
        ++failed;
        break;
      case FmtOutcome::Unreadable:
        ++unreadable;
        break;
    }
  }
  std::cout.flush();  // the list of files comes before the summary
  if (args.check && changed > 0) {
    std::cerr << changed << " file" << (changed == 1 ? "" : "s") << " would be reformatted; run `writ fmt` on "
              << (changed == 1 ? "it" : "them") << "\n";
  }
  if (unreadable > 0) return kExitUsage;  // an I/O error, as for paths that do not exist
  if (failed > 0) return kExitPolicyErrors;
  return args.check && changed > 0 ? kExitPolicyErrors : kExitOk;
}

}  // namespace

void add_fmt_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FmtArgs>();
  CLI::App* cmd = app.add_subcommand("fmt", "Format policy files in the canonical layout (in place; `-` reads stdin)");
  cmd->add_option("paths", args->paths, "Policy files or directories (searched for *.writ), or - for stdin")
      ->required();
  cmd->add_flag("--check", args->check, "Change nothing; list files that are not formatted and exit 1 if any");
  cmd->add_option("--color", args->color, "Colour diagnostics")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_fmt(*args); });
}

}  // namespace writ::cli
