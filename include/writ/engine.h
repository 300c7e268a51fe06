// The Writ engine as brokers, proxies and gateways embed it: load policies (source files,
// in-memory text or a compiled bundle), decide requests, reload atomically.
//
// Thread safety: every const member function may be called from any number of threads at
// once, also while the optimised tier is swapped in and while `reload` runs; each decision is
// made entirely by one policy version, which it names. `reload` calls are serialised.
// Lifetimes: a Decision is a plain value; an Engine must outlive the calls made on it and the
// DecisionContexts used with it. No function here throws: failures are values (a deny with a
// reason, a LoadResult or ReloadResult with diagnostics).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "writ/decision.h"
#include "writ/diagnostic.h"
#include "writ/export.h"
#include "writ/request.h"

namespace writ {

// A policy file given as text (tests, generated policies, a control plane's push).
struct PolicyText {
  std::string name;  // shown in diagnostics and hashed into the policy version
  std::string text;
};

// Where an engine's policies come from; `reload()` reads the same place again.
class WRIT_API PolicySource {
 public:
  // `.writ` files, and directories searched recursively for them.
  static PolicySource paths(std::vector<std::string> paths);
  static PolicySource texts(std::vector<PolicyText> files);
  // A bundle compiled by `writ compile`: native code, nothing to parse or check.
  static PolicySource bundle_file(std::string path);
  static PolicySource bundle_bytes(std::string bytes);

  enum class Kind : std::uint8_t { Paths, Texts, BundleFile, BundleBytes };
  Kind kind() const noexcept { return kind_; }
  const std::vector<std::string>& path_list() const noexcept { return paths_; }
  const std::vector<PolicyText>& text_list() const noexcept { return texts_; }
  const std::string& bundle() const noexcept { return bundle_; }  // the path or the bytes

 private:
  Kind kind_ = Kind::Paths;
  std::vector<std::string> paths_;
  std::vector<PolicyText> texts_;
  std::string bundle_;
};

// What decides. Tiered serves the fast native tier at once and swaps in the optimised tier
// when a background thread has built it; Interpreter is the reference interpreter (the oracle).
enum class Tiers : std::uint8_t { Tiered, Fast, Optimized, Interpreter };

struct EngineOptions {
  Tiers tiers = Tiers::Tiered;
  // Refuse to load a policy that does not compile to native code, rather than serve it with
  // the interpreter.
  bool require_native = false;
  // Compiled code is kept here across restarts (empty: not kept). Writable only by the broker.
  std::string cache_directory;
  // The global cap on every grant's lifetime.
  std::int64_t max_ttl_seconds = 3600;
  // Threads that build the optimised tier (0: one).
  unsigned optimizer_threads = 2;
  // Ed25519 public keys (PEM). With any, only bundles signed by one of them load.
  std::vector<std::string> trusted_bundle_keys;
  // With a bundle: refuse one compiled from other sources than this version ("sha256:…").
  std::string expected_policy_version;
};

class Engine;

struct LoadResult {
  std::unique_ptr<Engine> engine;       // null when loading failed
  std::vector<Diagnostic> diagnostics;  // errors when it failed; warnings either way
  explicit operator bool() const noexcept { return engine != nullptr; }
};

struct ReloadResult {
  bool ok = false;                      // false: the previous version keeps serving
  std::string policy_version;           // what serves now
  std::vector<Diagnostic> diagnostics;  // why it failed, or warnings
};

// Per-thread scratch for deciding from JSON text: with one, a thread's decisions allocate
// nothing once warm. Use one per thread at a time, with one engine (it follows reloads).
class WRIT_API DecisionContext {
 public:
  DecisionContext();
  ~DecisionContext();
  DecisionContext(const DecisionContext&) = delete;
  DecisionContext& operator=(const DecisionContext&) = delete;

  struct Impl;
  Impl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

class WRIT_API Engine {
 public:
  // Loads, checks and compiles. Never throws; on failure the result has no engine and says why.
  static LoadResult load(PolicySource source, EngineOptions options = {}) noexcept;

  // A request in the JSON form of docs/semantics.md §5 (issue or access). Anything wrong with
  // it is a deny with its reason; never throws.
  Decision decide(std::string_view request_json, DecideOptions options = {}) const noexcept;
  Decision decide(std::string_view request_json, DecisionContext& context, DecideOptions options = {}) const noexcept;
  Decision decide(const IssueRequest& request, DecideOptions options = {}) const noexcept;
  Decision decide(const IssueRequest& request, DecisionContext& context, DecideOptions options = {}) const noexcept;
  Decision decide(const AccessRequest& request, DecideOptions options = {}) const noexcept;
  Decision decide(const AccessRequest& request, DecisionContext& context, DecideOptions options = {}) const noexcept;

  // Loads the source again (or a new one) and swaps it in atomically when it loads; when it
  // does not, the previous version keeps serving and the result says why. Decisions running
  // meanwhile finish on the version they started with.
  ReloadResult reload() noexcept;
  ReloadResult reload(PolicySource source) noexcept;

  // "sha256:…" of what serves now.
  std::string policy_version() const;
  // What serves now, and why native code does not when it does not.
  Tier serving_tier() const noexcept;
  std::string fallback_reason() const;
  // Blocks until the background optimisation of the current version has finished; true if the
  // optimised tier serves.
  bool wait_for_optimized() const noexcept;

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The decision's JSON form (docs/semantics.md §5.3), as `writ eval` prints it, and its text.
WRIT_API std::string to_json(const Decision& decision);
WRIT_API std::string to_text(const Decision& decision);

// The library's version ("0.1.0").
WRIT_API std::string_view version() noexcept;

}  // namespace writ
