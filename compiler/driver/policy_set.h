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
  DiagnosticSink diagnostics;          // sorted, deterministic
  std::vector<std::string> io_errors;  // paths that could not be read: a usage error, not a policy error
  std::vector<FileId> user_files;      // the user's files, in load order (sorted by path)
};

// Every path is a `.writ` file or a directory searched recursively for `.writ` files.
LoadedPolicySet load_policy_set(const std::vector<std::string>& paths);

// A policy file given in memory (tests, benchmarks, fuzzing, the broker's reload).
struct SourceText {
  std::string path;
  std::string text;
};

// Parses and checks in-memory files (after the built-in schemas) as one policy set.
LoadedPolicySet check_sources(std::vector<SourceText> files);

// The `.writ` files under `paths`, sorted, with unreadable paths reported in `errors`.
std::vector<std::string> find_policy_files(const std::vector<std::string>& paths, std::vector<std::string>& errors);

}  // namespace writ
