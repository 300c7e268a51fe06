// Engine construction (tiers, fallback), the background optimiser, and dispatch between the
// back ends.
#include "runtime/engine/engine.h"

#include "runtime/bind/json_reader.h"

namespace writ::engine {

Result<std::shared_ptr<const Engine>> Engine::create(std::shared_ptr<const LoadedPolicySet> policy,
                                                     EngineOptions options) {
  auto interpreter = interp::Interpreter::create(std::move(policy), options.interpreter);
  if (!interpreter) return std::move(interpreter).take_error();
  auto engine = std::shared_ptr<Engine>(new Engine());
  engine->interpreter_ = std::move(interpreter).value();
  if (options.backend == Backend::Interpreter) return std::shared_ptr<const Engine>(std::move(engine));

  // The optimised tier this engine would build, cached whole from an earlier run: it serves at once.
  bool optimized_shares_shapes = options.tiers == Tiers::Optimized && options.share_shapes.value_or(false);
  std::string cache_path =
      options.tiers == Tiers::Fast
          ? std::string()
          : cached_code_path(options.cache_directory, engine->interpreter_->policy_version(), optimized_shares_shapes);
  if (engine->serve_cached_code(cache_path, optimized_shares_shapes, options)) {
    engine->release_front_end(options);
    return std::shared_ptr<const Engine>(std::move(engine));
  }

  codegen::CompileOptions compile;
  compile.optimize = options.tiers == Tiers::Optimized;
  compile.share_shapes = options.share_shapes;
  compile.compile_threads = compile.optimize ? options.optimizer_threads : 0;
  compile.cache_directory = options.cache_directory;
  compile.keep_objects = compile.optimize && !cache_path.empty();
  auto native = NativePolicy::create(engine->interpreter_, compile, options.claim_index_from);
  if (!native) {
    if (options.require_native) return Error{"the policy cannot be compiled to native code: " + native.error()};
    engine->fallback_reason_ = native.error();
    return std::shared_ptr<const Engine>(std::move(engine));
  }
  auto& tier = compile.optimize ? engine->optimized_ : engine->fast_;
  tier = std::move(native).value();
  engine->current_.store(tier.get(), std::memory_order_release);
  if (compile.keep_objects) cache_code(cache_path, *tier, *engine->interpreter_);
  // The optimiser below keeps its own reference until it has built the optimised tier.
  std::shared_ptr<const interp::Interpreter> front_end = engine->interpreter_;
  engine->release_front_end(options);
  if (options.tiers == Tiers::Tiered) {
    compile.optimize = true;
    compile.share_shapes = std::nullopt;
    compile.compile_threads = options.optimizer_threads;
    compile.functions_per_module = 64;  // small modules: a cancelled build stops soon
    compile.keep_objects = !cache_path.empty();
    engine->optimize_in_background(std::move(front_end), compile, options.claim_index_from, std::move(cache_path));
  }
  return std::shared_ptr<const Engine>(std::move(engine));
}

void Engine::release_front_end(const EngineOptions& options) {
  // Native code serves; the interpreter only explains. Like an engine loaded from a bundle, keep
  // the sources and check them again on first use (interpreter()) rather than hold the checked
  // program: its ASTs and types are most of a large policy's memory.
  if (!options.check_sources) return;  // nothing could check them again
  sources_ = user_sources(interpreter_->policy());
  check_sources_ = options.check_sources;
  interpreter_options_ = options.interpreter;
  interpreter_.reset();
}

bool Engine::serve_cached_code(const std::string& cache_path, bool shared_shapes, const EngineOptions& options) {
  if (cache_path.empty()) return false;
  auto cached = load_cached_code(cache_path, interpreter_->policy_version(), shared_shapes, options);
  if (!cached) return false;  // not there, or not usable: compiled (and cached) as if it never was
  optimized_ = std::move(cached).value();
  current_.store(optimized_.get(), std::memory_order_release);
  return true;
}

void Engine::optimize_in_background(std::shared_ptr<const interp::Interpreter> front_end,
                                    codegen::CompileOptions options, std::size_t index_from, std::string cache_path) {
  options.cancel = &cancel_;
  std::promise<void> done;
  optimizer_done_ = done.get_future().share();
  optimizer_ = std::thread([this, front_end = std::move(front_end), options, index_from,
                            cache_path = std::move(cache_path), done = std::move(done)]() mutable {
    auto optimized = NativePolicy::create(front_end, options, index_from);
    if (optimized) {
      optimized_ = std::move(optimized).value();
      current_.store(optimized_.get(), std::memory_order_release);
      if (!cache_path.empty()) cache_code(cache_path, *optimized_, *front_end);
    } else {
      optimizer_error_ = optimized.error();  // the fast tier keeps serving
    }
    front_end.reset();  // the checked program is not needed any more (see create)
    done.set_value();
  });
}

Engine::~Engine() {
  cancel_.store(true);
  if (optimizer_.joinable()) optimizer_.join();
}

bool Engine::wait_for_optimized() const {
  if (optimizer_done_.valid()) optimizer_done_.wait();
  return optimized_ != nullptr;
}

const char* Engine::serving_tier() const {
  const NativePolicy* serving = native();
  if (serving == nullptr) return "interpreter";
  return serving->code().optimized() ? "optimized" : "fast";
}

const interp::Interpreter* Engine::interpreter() const {
  std::call_once(interpreter_once_, [this] {
    if (interpreter_ != nullptr || sources_.empty() || !check_sources_) return;
    auto policy = std::make_shared<LoadedPolicySet>(check_sources_(sources_));
    auto interpreter = interp::Interpreter::create(std::move(policy), interpreter_options_);
    // The sources must be those the native code was compiled from; if not, explain nothing.
    if (interpreter && native() != nullptr && (*interpreter)->policy_version() == native()->policy().version) {
      interpreter_ = std::move(interpreter).value();
    }
  });
  return interpreter_.get();
}

namespace {

// Says which code decided: what audit logs and the stress tests attribute a decision to.
Decision stamped(Decision d, const NativePolicy* serving) {
  d.tier = serving == nullptr ? Tier::Interpreter : serving->code().optimized() ? Tier::Optimized : Tier::Fast;
  return d;
}

}  // namespace

Decision Engine::deny(Reason reason, std::string detail) const {
  const NativePolicy* serving = native();
  return stamped(
      serving != nullptr ? serving->deny(reason, std::move(detail)) : interpreter()->deny(reason, std::move(detail)),
      serving);
}

const std::string& Engine::policy_version() const {
  const NativePolicy* serving = native();
  return serving != nullptr ? serving->policy().version : interpreter()->policy_version();
}

Decision Engine::decide(const nlohmann::json& request, DecideOptions options) const {
  const NativePolicy* serving = native();
  if (serving != nullptr) {
    return stamped(serving->decide(request, options, options.explain ? interpreter() : nullptr), serving);
  }
  return interpreter()->decide(request, options);
}

Decision Engine::decide_text(std::string_view request_json, DecideOptions options) const {
  // Explanations take the binder that keeps the request's values, to word why conditions failed.
  if (native() != nullptr && !options.explain) {
    DecisionContext context;
    return decide_text(request_json, context, options);
  }
  std::string error_at;
  auto parsed = bind::read_json_strict(request_json, {}, &error_at);
  if (!parsed) {
    Decision d = deny(bind::unreadable_request_reason(error_at), parsed.error());
    d.explained = options.explain;
    return d;
  }
  return decide(*parsed, options);
}

Decision Engine::decide_text(std::string_view request_json, DecisionContext& context, DecideOptions options) const {
  const NativePolicy* serving = native();
  if (serving != nullptr && !options.explain) {
    Verdict verdict;
    if (serving->decide_json(request_json, context, verdict)) {
      ++context.fast_binds;
      return stamped(serving->to_decision(context, verdict), serving);
    }
  }
  std::string error_at;
  auto parsed = bind::read_json_strict(request_json, {}, &error_at);
  if (!parsed) {
    Decision d = deny(bind::unreadable_request_reason(error_at), parsed.error());
    d.explained = options.explain;
    return d;
  }
  return decide(*parsed, options);
}

}  // namespace writ::engine
