// Loads a policy set (files and directories of .writ files) with the built-in schemas,
// parses and checks it: the one call the CLI and the runtime make.
#pragma once

#include <string>
#include <vector>

#include "compiler/check/program.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace writ {

struct LoadedPolicySet {
  SourceManager sources;
  Program program;
  diag::DiagnosticSink diagnostics;    // sorted, deterministic
  std::vector<std::string> io_errors;  // paths that could not be read: a usage error, not a policy error
  std::vector<FileId> user_files;      // the user's files, in load order (sorted by path)
  // Parallel to user_files: each file's path relative to the directory it was found in (a file
  // named directly: its name). The policy version hashes these, not the paths as typed, so
  // `gha`, `./gha` and `/abs/gha` from any working directory give the same version.
  std::vector<std::string> version_names;
};

// Every path is a `.writ` file or a directory searched recursively for `.writ` files.
LoadedPolicySet load_policy_set(const std::vector<std::string>& paths);

// A policy file given in memory (tests, benchmarks, fuzzing, the broker's reload).
struct SourceText {
  std::string path;
  std::string text;
  std::string version_name = {};  // see LoadedPolicySet::version_names; empty: `path`
};

// Parses and checks in-memory files (after the built-in schemas) as one policy set.
LoadedPolicySet check_sources(std::vector<SourceText> files);

// The `.writ` files under `paths`, sorted, with unreadable paths reported in `errors`.
std::vector<std::string> find_policy_files(const std::vector<std::string>& paths, std::vector<std::string>& errors);

// The same, each with its version name (LoadedPolicySet::version_names).
struct FoundPolicyFile {
  std::string path;
  std::string version_name;
};
std::vector<FoundPolicyFile> find_named_policy_files(const std::vector<std::string>& paths,
                                                     std::vector<std::string>& errors);

}  // namespace writ
