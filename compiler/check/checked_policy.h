// A checked policy set: its sources, the checked program and what checking said. What the
// front end (compiler/driver) produces and the runtime consumes; the runtime never parses.
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

// A policy file given in memory (tests, benchmarks, fuzzing, the broker's reload).
struct SourceText {
  std::string path;
  std::string text;
  std::string version_name = {};  // see LoadedPolicySet::version_names; empty: `path`
};

// The user's files of a checked set, as given (bundles carry them; an engine re-checks them when
// it needs its interpreter again).
inline std::vector<SourceText> user_sources(const LoadedPolicySet& policy) {
  std::vector<SourceText> out;
  for (std::size_t i = 0; i < policy.user_files.size(); ++i) {
    const SourceFile& file = policy.sources.file(policy.user_files[i]);
    std::string name = i < policy.version_names.size() ? policy.version_names[i] : file.path();
    out.push_back({file.path(), file.text(), std::move(name)});
  }
  return out;
}

}  // namespace writ
