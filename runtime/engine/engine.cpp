// Engine construction (with fallback) and dispatch between the two back ends.
#include "runtime/engine/engine.h"

#include "runtime/bind/json_reader.h"

namespace writ {

Result<std::shared_ptr<const Engine>> Engine::create(std::shared_ptr<const LoadedPolicySet> policy,
                                                     EngineOptions options) {
  auto interpreter = Interpreter::create(std::move(policy), options.interpreter);
  if (!interpreter) return std::move(interpreter).take_error();
  auto engine = std::shared_ptr<Engine>(new Engine());
  engine->interpreter_ = std::move(interpreter).value();
  if (options.backend == Backend::Native) {
    codegen::CompileOptions compile;
    compile.optimize = options.optimize;
    compile.share_shapes = options.share_shapes;
    auto native = NativePolicy::create(engine->interpreter_, compile);
    if (native) {
      engine->native_ = std::move(native).value();
    } else if (options.require_native) {
      return Error{"the policy cannot be compiled to native code: " + native.error()};
    } else {
      engine->fallback_reason_ = native.error();
    }
  }
  return std::shared_ptr<const Engine>(std::move(engine));
}

Decision Engine::decide(const nlohmann::json& request, DecideOptions options) const {
  if (native_ && !options.explain) return native_->decide(request);
  return interpreter_->decide(request, options);
}

Decision Engine::decide_text(std::string_view request_json, DecideOptions options) const {
  if (native_ && !options.explain) {
    DecisionContext context;
    return decide_text(request_json, context, options);
  }
  auto parsed = read_json_strict(request_json);
  if (!parsed) return interpreter_->deny("request.invalid", parsed.error());
  return decide(*parsed, options);
}

Decision Engine::decide_text(std::string_view request_json, DecisionContext& context, DecideOptions options) const {
  if (native_ && !options.explain) {
    Verdict verdict;
    if (native_->decide_json(request_json, context, verdict)) {
      ++context.fast_binds;
      return native_->to_decision(context, verdict);
    }
  }
  auto parsed = read_json_strict(request_json);
  if (!parsed) return interpreter_->deny("request.invalid", parsed.error());
  return decide(*parsed, options);
}

}  // namespace writ
