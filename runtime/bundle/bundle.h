// Compiled bundles (`writ compile`): a policy set's native code with its sources and a manifest,
// so a broker loads it without generating code, and refuses it when it is damaged, modified,
// or made by another Writ, another LLVM or for another machine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/check/checked_policy.h"
#include "stdlib/ed25519.h"
#include "stdlib/result.h"

namespace writ::engine {

// The parts of a bundle. The manifest records the format, Writ and LLVM versions, the target
// machine, the policy version (the hash of the sources), how the code was compiled and the rule
// ids (docs/architecture.md, "Compiled bundles").
struct Bundle {
  nlohmann::json manifest;
  std::vector<SourceText> sources;   // the policy set's own files, in load order (for explanations)
  std::string image;                 // the runtime image (policy_image.h): what serving needs
  std::vector<std::string> objects;  // object code, one per module, in order
};

// 2: sources carry their version names (policy_set.h), the header has flags and a signed bundle
// ends with its signature.
inline constexpr std::uint32_t kBundleFormatVersion = 2;

// How `writ compile` compiles: the optimised tier by default (slow to build, fastest to run).
struct BundleOptions {
  bool optimize = true;
  unsigned compile_threads = 2;
  std::size_t functions_per_module = 64;  // small modules spread over the compile threads
  std::string signing_key_pem;            // an Ed25519 private key (PEM): the bundle is signed with it
};

// The keys a loader trusts: with any, only bundles signed by one of them load.
struct BundleTrust {
  std::vector<stdlib::Ed25519Key> keys;
  // From Ed25519 public keys in PEM; an error names the key (by its index) that does not read.
  static Result<BundleTrust> from_public_pems(const std::vector<std::string>& pems);
  bool empty() const { return keys.empty(); }
};

// The bytes of a bundle, with a SHA-256 of its contents in the header; with `key`, followed by
// the key's id and an Ed25519 signature of everything before them.
Result<std::string> write_bundle(const Bundle& bundle, const stdlib::Ed25519Key* key = nullptr);

// Reads and verifies a bundle: structure, every header byte, checksum, format version, Writ and
// LLVM versions, and that this machine can run its code; with a non-empty `trust`, that it is
// signed by a trusted key and the signature verifies. Every refusal says why, and what to do.
Result<Bundle> read_bundle(std::string_view bytes, const BundleTrust* trust = nullptr);

}  // namespace writ::engine
