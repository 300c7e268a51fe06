// Loads a policy set (files and directories of .writ files) with the built-in schemas,
// parses and checks it: the front end as one call, for the CLI and libwrit.
#pragma once

#include <string>
#include <vector>

#include "compiler/check/checked_policy.h"

namespace writ::driver {

// Every path is a `.writ` file or a directory searched recursively for `.writ` files.
LoadedPolicySet load_policy_set(const std::vector<std::string>& paths);

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

}  // namespace writ::driver
