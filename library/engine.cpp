// The public Engine: loads a policy source into an internal engine (runtime/engine) and serves
// it as one atomically replaceable version; reloads swap versions without stopping deciders.
#include "writ/engine.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <type_traits>

#include <fmt/format.h>

#include "compiler/driver/policy_set.h"
#include "library/diagnostics.h"
#include "library/fail_closed.h"
#include "library/request_json.h"
#include "runtime/engine/engine.h"
#include "runtime/interp/decision.h"
#include "stdlib/files.h"
#include "stdlib/limits.h"
#include "stdlib/version.h"

namespace writ {
namespace {

// One loaded policy version. Decisions hold it (a shared_ptr) while they run, so a reload
// never frees code that is deciding.
struct Version {
  std::shared_ptr<const engine::Engine> engine;
  std::uint64_t generation = 0;
};

struct Built {
  std::shared_ptr<const engine::Engine> engine;  // null on failure
  std::vector<Diagnostic> diagnostics;
};

engine::EngineOptions internal_options(const EngineOptions& options) {
  engine::EngineOptions out;
  out.backend = options.tiers == Tiers::Interpreter ? engine::Backend::Interpreter : engine::Backend::Native;
  out.tiers = options.tiers == Tiers::Fast        ? engine::Tiers::Fast
              : options.tiers == Tiers::Optimized ? engine::Tiers::Optimized
                                                  : engine::Tiers::Tiered;
  out.require_native = options.require_native;
  out.optimizer_threads = std::max(1u, options.optimizer_threads);
  out.cache_directory = options.cache_directory;
  out.trusted_bundle_keys = options.trusted_bundle_keys;
  out.interpreter.max_ttl_seconds = options.max_ttl_seconds;
  out.check_sources = driver::check_sources;  // a bundle's sources, when explaining
  return out;
}

Built from_policy_set(std::shared_ptr<const LoadedPolicySet> policy, const EngineOptions& options) {
  Built out;
  out.diagnostics = library::diagnostics_of(*policy);
  if (!policy->io_errors.empty() || policy->diagnostics.has_errors()) return out;
  auto engine = engine::Engine::create(std::move(policy), internal_options(options));
  if (!engine) {
    out.diagnostics.push_back(library::error_diagnostic(engine.error()));
    return out;
  }
  out.engine = std::move(engine).value();
  return out;
}

Built from_bundle(std::string_view bytes, const EngineOptions& options, const std::string& name) {
  Built out;
  auto engine = engine::Engine::load_bundle(bytes, internal_options(options), options.expected_policy_version);
  if (!engine) {
    out.diagnostics.push_back(library::error_diagnostic(engine.error(), name));
    return out;
  }
  out.engine = std::move(engine).value();
  return out;
}

Built build(const PolicySource& source, const EngineOptions& options) {
  if (options.max_ttl_seconds <= 0) {
    return {nullptr, {library::error_diagnostic("`max_ttl_seconds` must be positive")}};
  }
  switch (source.kind()) {
    case PolicySource::Kind::Paths:
      if (source.path_list().empty()) return {nullptr, {library::error_diagnostic("no policy path is given")}};
      return from_policy_set(std::make_shared<LoadedPolicySet>(driver::load_policy_set(source.path_list())), options);
    case PolicySource::Kind::Texts: {
      std::vector<SourceText> files;
      for (const PolicyText& t : source.text_list()) files.push_back({t.name, t.text});
      if (files.empty()) return {nullptr, {library::error_diagnostic("no policy text is given")}};
      return from_policy_set(std::make_shared<LoadedPolicySet>(driver::check_sources(std::move(files))), options);
    }
    case PolicySource::Kind::BundleFile: {
      auto bytes = stdlib::read_file_limited(source.bundle(), limits::kMaxBundleBytes);
      if (!bytes) return {nullptr, {library::error_diagnostic(bytes.error(), source.bundle())}};
      return from_bundle(*bytes, options, source.bundle());
    }
    case PolicySource::Kind::BundleBytes:
      return from_bundle(source.bundle(), options, "bundle");
  }
  return {};
}

}  // namespace

struct Engine::Impl {
  PolicySource source;
  EngineOptions options;
  // The version serving now. A mutex, not std::atomic<std::shared_ptr>: libstdc++ 12's unlocks
  // its spinlock with a relaxed store, which ThreadSanitizer rightly reports as a race.
  mutable std::mutex current_mutex;
  std::shared_ptr<const Version> current;
  std::atomic<std::uint64_t> generation{0};  // of `current`; contexts compare it before reloading
  std::mutex reload_mutex;                   // one reload at a time

  std::shared_ptr<const Version> snapshot() const {
    std::lock_guard lock(current_mutex);
    return current;
  }
  void publish(std::shared_ptr<const Version> version) {
    std::uint64_t next = version->generation;
    {
      std::lock_guard lock(current_mutex);
      current = std::move(version);
    }
    // The version first, then its generation: a context that sees the new generation finds the
    // new version (or a newer one).
    generation.store(next, std::memory_order_release);
  }
};

struct DecisionContext::Impl {
  const Engine::Impl* owner = nullptr;
  std::shared_ptr<const Version> version;            // kept until this context decides on a newer one
  std::unique_ptr<engine::DecisionContext> context;  // its buffers follow one policy's plan
};

DecisionContext::DecisionContext() : impl_(std::make_unique<Impl>()) {}
DecisionContext::~DecisionContext() = default;

// --- PolicySource

PolicySource PolicySource::paths(std::vector<std::string> paths) {
  PolicySource s;
  s.kind_ = Kind::Paths;
  s.paths_ = std::move(paths);
  return s;
}

PolicySource PolicySource::texts(std::vector<PolicyText> files) {
  PolicySource s;
  s.kind_ = Kind::Texts;
  s.texts_ = std::move(files);
  return s;
}

PolicySource PolicySource::bundle_file(std::string path) {
  PolicySource s;
  s.kind_ = Kind::BundleFile;
  s.bundle_ = std::move(path);
  return s;
}

PolicySource PolicySource::bundle_bytes(std::string bytes) {
  PolicySource s;
  s.kind_ = Kind::BundleBytes;
  s.bundle_ = std::move(bytes);
  return s;
}

// --- Engine

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

LoadResult Engine::load(PolicySource source, EngineOptions options) noexcept {
  LoadResult out;
  try {
    Built built = build(source, options);
    out.diagnostics = std::move(built.diagnostics);
    if (built.engine == nullptr) return out;
    auto impl = std::make_unique<Impl>();
    impl->source = std::move(source);
    impl->options = std::move(options);
    impl->publish(std::make_shared<const Version>(Version{std::move(built.engine), 0}));
    out.engine.reset(new Engine(std::move(impl)));  // the constructor is private to Engine
  } catch (const std::exception& e) {
    out.engine.reset();
    out.diagnostics.push_back(library::error_diagnostic(fmt::format("the policy could not be loaded: {}", e.what())));
  } catch (...) {
    out.engine.reset();
    out.diagnostics.push_back(library::error_diagnostic("the policy could not be loaded"));
  }
  return out;
}

Decision Engine::decide(std::string_view request_json, DecideOptions options) const noexcept {
  std::shared_ptr<const Version> version = impl_->snapshot();
  return library::fail_closed([&] { return version->engine->decide_text(request_json, options); },
                              [&] { return &version->engine->policy_version(); });
}

Decision Engine::decide(std::string_view request_json, DecisionContext& context, DecideOptions options) const noexcept {
  DecisionContext::Impl& c = context.impl();
  // The common case reads one atomic integer: no shared_ptr copy, no reference count traffic.
  if (c.owner != impl_.get() || c.version == nullptr ||
      c.version->generation != impl_->generation.load(std::memory_order_acquire)) {
    c.owner = impl_.get();
    c.version = impl_->snapshot();
    c.context = std::make_unique<engine::DecisionContext>();
  }
  const Version& version = *c.version;
  return library::fail_closed([&] { return version.engine->decide_text(request_json, *c.context, options); },
                              [&] { return &version.engine->policy_version(); });
}

namespace {

// A typed request's problem (claims that are not JSON...) or its JSON text.
template <typename Typed>
std::optional<Decision> refusal_of(const Typed& request, const engine::Engine& engine, std::string& text) {
  const auto& r = request.impl();
  if constexpr (std::is_same_v<Typed, IssueRequest>) {
    if (r.claims_problem) return engine.deny(Reason::TokenInvalidClaims, *r.claims_problem);
  } else {
    if (r.claims_problem) return engine.deny(Reason::TokenInvalidClaims, *r.claims_problem);
    if (r.problem) return engine.deny(Reason::RequestInvalid, *r.problem);
  }
  auto written = library::request_text(r.document, r.has_time);
  if (!written) return engine.deny(Reason::RequestInvalid, written.error());
  text = std::move(written).value();
  return std::nullopt;
}

}  // namespace

Decision Engine::decide(const IssueRequest& request, DecideOptions options) const noexcept {
  DecisionContext context;
  return decide(request, context, options);
}

Decision Engine::decide(const AccessRequest& request, DecideOptions options) const noexcept {
  DecisionContext context;
  return decide(request, context, options);
}

Decision Engine::decide(const IssueRequest& request, DecisionContext& context, DecideOptions options) const noexcept {
  std::string text;
  std::shared_ptr<const Version> version = impl_->snapshot();
  Decision refused =
      library::fail_closed([&] { return refusal_of(request, *version->engine, text).value_or(Decision{}); },
                           [&] { return &version->engine->policy_version(); });
  if (text.empty()) return refused;
  return decide(text, context, options);
}

Decision Engine::decide(const AccessRequest& request, DecisionContext& context, DecideOptions options) const noexcept {
  std::string text;
  std::shared_ptr<const Version> version = impl_->snapshot();
  Decision refused =
      library::fail_closed([&] { return refusal_of(request, *version->engine, text).value_or(Decision{}); },
                           [&] { return &version->engine->policy_version(); });
  if (text.empty()) return refused;
  return decide(text, context, options);
}

ReloadResult Engine::reload() noexcept {
  return reload(PolicySource(impl_->source));
}

ReloadResult Engine::reload(PolicySource source) noexcept {
  ReloadResult out;
  try {
    std::lock_guard lock(impl_->reload_mutex);
    Built built = build(source, impl_->options);
    out.diagnostics = std::move(built.diagnostics);
    if (built.engine != nullptr) {
      std::uint64_t next = impl_->generation.load(std::memory_order_relaxed) + 1;
      impl_->publish(std::make_shared<const Version>(Version{std::move(built.engine), next}));
      impl_->source = std::move(source);
      out.ok = true;
    }
  } catch (const std::exception& e) {
    out.ok = false;
    out.diagnostics.push_back(library::error_diagnostic(fmt::format("the policy could not be reloaded: {}", e.what())));
  } catch (...) {
    out.ok = false;
    out.diagnostics.push_back(library::error_diagnostic("the policy could not be reloaded"));
  }
  try {
    out.policy_version = policy_version();
  } catch (...) {
  }
  return out;
}

std::string Engine::policy_version() const {
  return impl_->snapshot()->engine->policy_version();
}

Tier Engine::serving_tier() const noexcept {
  std::string_view tier = impl_->snapshot()->engine->serving_tier();
  return tier == "optimized" ? Tier::Optimized : tier == "fast" ? Tier::Fast : Tier::Interpreter;
}

std::string Engine::fallback_reason() const {
  return impl_->snapshot()->engine->fallback_reason();
}

bool Engine::wait_for_optimized() const noexcept {
  try {
    return impl_->snapshot()->engine->wait_for_optimized();
  } catch (...) {
    return false;
  }
}

// --- Free functions

std::string to_json(const Decision& decision) {
  return interp::decision_to_json(decision).dump();
}
std::string to_text(const Decision& decision) {
  return interp::decision_to_text(decision);
}
std::string_view version() noexcept {
  return WRIT_VERSION;
}

}  // namespace writ
