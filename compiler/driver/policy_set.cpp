// Finds, reads, parses and checks the files of a policy set.
#include "compiler/driver/policy_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "compiler/ast/clone.h"
#include "compiler/check/check.h"
#include "compiler/syntax/parse.h"
#include "stdlib/schemas.h"

namespace writ {
namespace fs = std::filesystem;

std::vector<std::string> find_policy_files(const std::vector<std::string>& paths, std::vector<std::string>& errors) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      errors.push_back(fmt::format("{}: no such file or directory", path));
      continue;
    }
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".writ") found.push_back(it->path().generic_string());
      }
      if (ec) errors.push_back(fmt::format("{}: {}", path, ec.message()));
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  // The same file named twice (a file and its directory) is loaded once.
  std::vector<std::string> unique;
  for (const auto& f : files) {
    if (std::find(unique.begin(), unique.end(), f) == unique.end()) unique.push_back(f);
  }
  return unique;
}

namespace {

// The built-in schema files, parsed once per process: every policy set starts with copies of
// them, with the same file ids (they are always added first).
const std::vector<ast::File>& parsed_builtins() {
  static const std::vector<ast::File> files = [] {
    SourceManager sources;
    DiagnosticSink sink;
    std::vector<ast::File> parsed;
    for (const stdlib::EmbeddedFile& builtin : stdlib::builtin_schema_files()) {
      FileId id = sources.add(std::string(builtin.path), std::string(builtin.text));
      parsed.push_back(parse_file(sources, id, sink));
    }
    return parsed;
  }();
  return files;
}

// Parses every file, then checks them together with the built-in schemas.
void parse_and_check(LoadedPolicySet& set, std::vector<SourceText> inputs) {
  std::vector<ast::File> files;
  for (const stdlib::EmbeddedFile& builtin : stdlib::builtin_schema_files()) {
    set.sources.add(std::string(builtin.path), std::string(builtin.text));
  }
  for (const ast::File& builtin : parsed_builtins()) files.push_back(ast::clone(builtin));
  std::size_t builtin_count = files.size();
  for (SourceText& input : inputs) {
    FileId id = set.sources.add(std::move(input.path), std::move(input.text));
    set.user_files.push_back(id);
    files.push_back(parse_file(set.sources, id, set.diagnostics));
  }
  CheckOptions options;
  options.builtin_file_count = builtin_count;
  options.sources = &set.sources;
  // A file with syntax errors is checked too, but what the checker says about it is mostly
  // an echo of the syntax error, so only its syntax diagnostics are kept.
  std::vector<bool> broken(set.sources.size(), false);
  for (const ast::File& f : files) broken[f.file] = f.had_syntax_errors;
  DiagnosticSink semantic;
  set.program = check_program(std::move(files), semantic, options);
  for (const Diagnostic& d : semantic.diagnostics()) {
    if (!d.span.valid() || !broken[d.span.file]) set.diagnostics.add(d);
  }
  set.diagnostics.sort();
}

}  // namespace

LoadedPolicySet check_sources(std::vector<SourceText> files) {
  LoadedPolicySet set;
  parse_and_check(set, std::move(files));
  return set;
}

LoadedPolicySet load_policy_set(const std::vector<std::string>& paths) {
  LoadedPolicySet set;
  std::vector<SourceText> inputs;
  for (const std::string& path : find_policy_files(paths, set.io_errors)) {
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
      set.io_errors.push_back(fmt::format("{}: cannot be read", path));
      continue;
    }
    // Read at most one byte past the parser's size limit: it reports the file as too large
    // (E0005) without this process holding an arbitrarily large file in memory.
    std::string text(ParseLimits{}.max_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
      set.io_errors.push_back(fmt::format("{}: read error", path));
      continue;
    }
    inputs.push_back({path, std::move(text)});
  }
  parse_and_check(set, std::move(inputs));
  return set;
}

}  // namespace writ
