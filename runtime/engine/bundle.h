// Compiled bundles (`writ compile`): a policy set's native code with its sources and a manifest,
// so a broker loads it without generating code, and refuses it when it is damaged, modified,
// or made by another Writ, another LLVM or for another machine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/driver/policy_set.h"
#include "stdlib/result.h"

namespace writ {

// The parts of a bundle. The manifest records the format, Writ and LLVM versions, the target
// machine, the policy version (the hash of the sources), how the code was compiled and the rule
// ids (docs/architecture.md, "Compiled bundles").
struct Bundle {
  nlohmann::json manifest;
  std::vector<SourceText> sources;   // the policy set's own files, in load order (for explanations)
  std::string image;                 // the runtime image (policy_image.h): what serving needs
  std::vector<std::string> objects;  // object code, one per module, in order
};

inline constexpr std::uint32_t kBundleFormatVersion = 1;

// How `writ compile` compiles: the optimised tier by default (slow to build, fastest to run).
struct BundleOptions {
  bool optimize = true;
  unsigned compile_threads = 2;
  std::size_t functions_per_module = 64;  // small modules spread over the compile threads
};

// The bytes of a bundle, with a SHA-256 of its contents in the header.
std::string write_bundle(const Bundle& bundle);

// Reads and verifies a bundle: structure, checksum, format version, Writ and LLVM versions, and
// that this machine can run its code. Every refusal says why, and what to do.
Result<Bundle> read_bundle(std::string_view bytes);

}  // namespace writ
