// Finds, reads, parses and checks the files of a policy set.
#include "compiler/driver/policy_set.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "compiler/ast/clone.h"
#include "compiler/check/check.h"
#include "compiler/syntax/parse.h"
#include "stdlib/files.h"
#include "stdlib/limits.h"
#include "stdlib/schemas.h"

namespace writ::driver {
namespace fs = std::filesystem;

namespace {

// Adds the `.writ` files under `dir` to `found`, in no particular order. Nothing is skipped in
// silence: an entry that cannot be read, a dangling link, a link to a directory (not followed,
// so a link cannot loop or lead out of the tree) or anything that is neither a file nor a
// directory (a FIFO, a socket, a device) is an error, since a policy file hidden that way would
// drop its rules, forbids included, without a word.
void walk_policy_directory(const fs::path& dir, std::vector<std::string>& found, std::vector<std::string>& errors) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    errors.push_back(fmt::format("{}: cannot be read: {}", dir.generic_string(), ec.message()));
    return;
  }
  for (; it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::string name = path.generic_string();
    fs::file_status link = it->symlink_status(ec);
    fs::file_status target = ec ? fs::file_status{} : it->status(ec);
    if (ec && !fs::is_symlink(link)) {
      errors.push_back(fmt::format("{}: cannot be read: {}", name, ec.message()));
    } else if (fs::is_symlink(link) && !fs::exists(target)) {
      errors.push_back(fmt::format("{}: is a dangling symbolic link", name));
    } else if (fs::is_directory(target)) {
      if (fs::is_symlink(link)) {
        errors.push_back(fmt::format("{}: is a symbolic link to a directory, which is not followed", name));
      } else {
        walk_policy_directory(path, found, errors);
      }
    } else if (!fs::is_regular_file(target)) {
      errors.push_back(fmt::format("{}: is not a regular file or directory", name));
    } else if (path.extension() == ".writ") {
      found.push_back(name);
    }
    ec.clear();
    if (found.size() > limits::kMaxPolicyFiles) return;
  }
  if (ec) errors.push_back(fmt::format("{}: cannot be read: {}", dir.generic_string(), ec.message()));
}

}  // namespace

std::vector<FoundPolicyFile> find_named_policy_files(const std::vector<std::string>& paths,
                                                     std::vector<std::string>& errors) {
  std::vector<FoundPolicyFile> files;
  for (std::size_t arg = 0; arg < paths.size(); ++arg) {
    const std::string& path = paths[arg];
    // The argument's position is part of the name: `-p a -p b` loads a's rules first, so it is
    // another policy (rule order shows in decisions) than `-p b -p a`, even for equal file names.
    std::string position = std::to_string(arg) + ":";
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      errors.push_back(fmt::format("{}: no such file or directory", path));
      continue;
    }
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      walk_policy_directory(path, found, errors);
      std::sort(found.begin(), found.end());
      for (std::string& f : found) {
        std::string name = position + fs::path(f).lexically_relative(path).generic_string();
        files.push_back({std::move(f), std::move(name)});
      }
    } else {
      // read_file_limited refuses what is not a regular file.
      files.push_back({path, position + fs::path(path).filename().generic_string()});
    }
    if (files.size() > limits::kMaxPolicyFiles) {
      errors.push_back(fmt::format("{}: more than {} policy files", path, limits::kMaxPolicyFiles));
      files.resize(limits::kMaxPolicyFiles);
      break;
    }
  }
  // The same file named twice (a file and its directory) is loaded once.
  std::vector<FoundPolicyFile> unique;
  for (auto& f : files) {
    auto same = [&](const FoundPolicyFile& u) { return u.path == f.path; };
    if (std::none_of(unique.begin(), unique.end(), same)) unique.push_back(std::move(f));
  }
  return unique;
}

std::vector<std::string> find_policy_files(const std::vector<std::string>& paths, std::vector<std::string>& errors) {
  std::vector<std::string> out;
  for (FoundPolicyFile& f : find_named_policy_files(paths, errors)) out.push_back(std::move(f.path));
  return out;
}

namespace {

// The built-in schema files, parsed once per process: every policy set starts with copies of
// them, with the same file ids (they are always added first).
const std::vector<ast::File>& parsed_builtins() {
  static const std::vector<ast::File> files = [] {
    SourceManager sources;
    diag::DiagnosticSink sink;
    std::vector<ast::File> parsed;
    for (const stdlib::EmbeddedFile& builtin : stdlib::builtin_schema_files()) {
      FileId id = sources.add(std::string(builtin.path), std::string(builtin.text));
      parsed.push_back(syntax::parse_file(sources, id, sink));
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
    set.version_names.push_back(input.version_name.empty() ? input.path : input.version_name);
    FileId id = set.sources.add(std::move(input.path), std::move(input.text));
    set.user_files.push_back(id);
    files.push_back(syntax::parse_file(set.sources, id, set.diagnostics));
  }
  check::CheckOptions options;
  options.builtin_file_count = builtin_count;
  options.sources = &set.sources;
  // A file with syntax errors is checked too, but what the checker says about it is mostly
  // an echo of the syntax error, so only its syntax diagnostics are kept.
  std::vector<bool> broken(set.sources.size(), false);
  for (const ast::File& f : files) broken[f.file] = f.had_syntax_errors;
  diag::DiagnosticSink semantic;
  set.program = check::check_program(std::move(files), semantic, options);
  for (const diag::Diagnostic& d : semantic.diagnostics()) {
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
  for (const FoundPolicyFile& file : find_named_policy_files(paths, set.io_errors)) {
    auto text = stdlib::read_file_limited(file.path, limits::kMaxPolicyFileBytes);
    if (!text) {
      set.io_errors.push_back(fmt::format("{}: {}", file.path, text.error()));
      continue;
    }
    inputs.push_back({file.path, std::move(text).value(), file.version_name});
  }
  parse_and_check(set, std::move(inputs));
  return set;
}

}  // namespace writ::driver
