// The engine brokers embed: decides with native code when the policy compiles, otherwise
// (or when asked) with the reference interpreter. Both give the same decisions.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "runtime/bundle/bundle.h"
#include "runtime/interp/interpreter.h"
#include "runtime/native/native_policy.h"

namespace writ::engine {

enum class Backend { Interpreter, Native };

// Native code comes in two tiers: the fast tier compiles in a moment (shared shapes, no IR
// passes); the optimised tier (O2, each rule with its constants) decides faster but compiles
// slowly. Tiered serves from the fast tier at once and swaps in the optimised tier when a
// background thread has built it.
enum class Tiers { Fast, Optimized, Tiered };

struct EngineOptions {
  Backend backend = Backend::Native;
  // With the native back end: refuse to load a policy that does not compile, instead of
  // falling back to the interpreter.
  bool require_native = false;
  Tiers tiers = Tiers::Tiered;
  std::optional<bool> share_shapes;  // see codegen::CompileOptions; by default, in the fast tier only
  unsigned optimizer_threads = 2;    // for the optimised tier
  // Compiled code is cached here across restarts; empty: no cache. The optimised tier is cached
  // whole, as a bundle named by the policy version: a restart with unchanged policies serves it at
  // once, in milliseconds, with no code generated and no background build. Each module is also
  // cached by its IR, so a changed policy recompiles only the modules that changed. Entries are
  // verified when read (checksum, versions, machine) and compiled again when they do not load.
  std::string cache_directory;
  // Ed25519 public keys (PEM). With any, load_bundle accepts only bundles signed by one of them
  // (`writ compile --sign`), and refuses unsigned ones and those of other keys.
  std::vector<std::string> trusted_bundle_keys;
  // How a bundle's sources are checked when its interpreter is needed (explanations, the
  // interpreter back end): the front end's `check_sources`, given by whoever links it (libwrit,
  // the CLI). The runtime never parses; without it, a bundle explains nothing and cannot serve
  // with the interpreter.
  std::function<LoadedPolicySet(std::vector<SourceText>)> check_sources;
  interp::InterpreterOptions interpreter;
  // A role's candidate rules get a claim index from this many (NativePolicy::CandidateSet);
  // tests lower it so that small generated policies exercise the index.
  std::size_t claim_index_from = kClaimIndexFrom;
};

class Engine final : public interp::Decider {
 public:
  static Result<std::shared_ptr<const Engine>> create(std::shared_ptr<const LoadedPolicySet> policy,
                                                      EngineOptions options = {});

  // Compiles the policy set into a bundle (bundle.h): native code of the chosen tier, the sources
  // and a manifest. Fails if the policy does not compile to native code.
  static Result<std::string> compile_bundle(std::shared_ptr<const LoadedPolicySet> policy, BundleOptions options = {});
  // Serves a bundle's code from its runtime image: nothing is parsed, checked or generated.
  // Refuses a damaged, modified, foreign or inconsistent bundle (bundle.h) and, when
  // `expected_policy_version` is given, one compiled from other sources. With the interpreter
  // back end, the sources are checked and serve instead.
  static Result<std::shared_ptr<const Engine>> load_bundle(std::string_view bytes, EngineOptions options = {},
                                                           std::string_view expected_policy_version = {});

  // Never throws. Explanations come from the native outcomes too (NativePolicy::explain).
  Decision decide(const nlohmann::json& request, DecideOptions options = {}) const override;
  Decision decide_text(std::string_view request_json, DecideOptions options = {}) const override;
  // The same, reusing `context` (one per thread): issuance requests that bind on the fast JSON
  // path never build a JSON tree of their own.
  Decision decide_text(std::string_view request_json, DecisionContext& context, DecideOptions options = {}) const;

  // A deny before any rule (a request the caller could not build), stamped with the version.
  Decision deny(Reason reason, std::string detail) const;
  // "sha256:…" of the policy this engine serves.
  const std::string& policy_version() const override;

  Backend backend() const { return native() != nullptr ? Backend::Native : Backend::Interpreter; }
  // Why the native back end is not in use, when it was asked for.
  const std::string& fallback_reason() const { return fallback_reason_; }
  // The reference interpreter of the policy. An engine loaded from a bundle builds it from the
  // bundle's sources on first use (explanations need it); null only if they fail to check.
  const interp::Interpreter* interpreter() const;
  // The native code serving now (null with the interpreter). Read once per decision.
  const NativePolicy* native() const { return current_.load(std::memory_order_acquire); }
  // "interpreter", "fast" or "optimized": what serves now.
  const char* serving_tier() const;
  // Blocks until the background optimisation has finished (or failed); true if it serves.
  bool wait_for_optimized() const;

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

 private:
  Engine() = default;
  // Once native code serves: keeps the sources instead of the interpreter, when they can be checked again.
  void release_front_end(const EngineOptions& options);
  // Builds the optimised tier from `front_end`, which it keeps until then.
  void optimize_in_background(std::shared_ptr<const interp::Interpreter> front_end, codegen::CompileOptions options,
                              std::size_t index_from, std::string cache_path);
  // Serves the optimised tier cached at `cache_path` (if any) when it loads; false otherwise.
  bool serve_cached_code(const std::string& cache_path, bool shared_shapes, const EngineOptions& options);
  static Result<std::shared_ptr<const Engine>> load_bundle_unchecked(std::string_view bytes, EngineOptions options,
                                                                     std::string_view expected_policy_version);
  // The code cache (engine_bundle.cpp). The file caching a policy version's optimised tier (empty
  // if there is no directory); its code, if it is there and loads; writing it (best effort).
  static std::string cached_code_path(const std::string& directory, std::string_view policy_version,
                                      bool shared_shapes);
  static Result<std::shared_ptr<const NativePolicy>> load_cached_code(const std::string& path,
                                                                      std::string_view policy_version,
                                                                      bool shared_shapes, const EngineOptions& options);
  static void cache_code(const std::string& path, const NativePolicy& native, const interp::Interpreter& interpreter);

  // Set at creation when only the interpreter serves; otherwise on first use of interpreter(),
  // checked again from `sources_` (as a bundle's are).
  mutable std::shared_ptr<const interp::Interpreter> interpreter_;
  mutable std::once_flag interpreter_once_;
  std::vector<SourceText> sources_;
  std::function<LoadedPolicySet(std::vector<SourceText>)> check_sources_;
  interp::InterpreterOptions interpreter_options_;
  // Both tiers stay alive as long as the engine: a decision that loaded `current_` may still
  // be running on the fast tier when the optimised one is swapped in.
  std::shared_ptr<const NativePolicy> fast_, optimized_;
  std::atomic<const NativePolicy*> current_{nullptr};
  std::atomic<bool> cancel_{false};
  std::thread optimizer_;
  std::shared_future<void> optimizer_done_;
  std::string fallback_reason_;
  std::string optimizer_error_;  // why the optimised tier was not built (written by its thread)
};

}  // namespace writ::engine
