// The engine brokers embed: decides with native code when the policy compiles, otherwise
// (or when asked) with the reference interpreter. Both give the same decisions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/engine/native_policy.h"
#include "runtime/interp/interpreter.h"

namespace writ {

enum class Backend { Interpreter, Native };

struct EngineOptions {
  Backend backend = Backend::Native;
  // With the native back end: refuse to load a policy that does not compile, instead of
  // falling back to the interpreter.
  bool require_native = false;
  bool optimize = true;  // the optimised tier (O2) rather than the fast tier
  std::optional<bool> share_shapes;  // see codegen::CompileOptions; by default, in the fast tier only
  InterpreterOptions interpreter;
};

class Engine {
 public:
  static Result<std::shared_ptr<const Engine>> create(std::shared_ptr<const LoadedPolicySet> policy,
                                                      EngineOptions options = {});

  // Never throws. An explanation is computed by the interpreter.
  Decision decide(const nlohmann::json& request, DecideOptions options = {}) const;
  Decision decide_text(std::string_view request_json, DecideOptions options = {}) const;
  // The same, reusing `context` (one per thread): issuance requests that bind on the fast JSON
  // path never build a JSON tree of their own.
  Decision decide_text(std::string_view request_json, DecisionContext& context, DecideOptions options = {}) const;

  Backend backend() const { return native_ ? Backend::Native : Backend::Interpreter; }
  // Why the native back end is not in use, when it was asked for.
  const std::string& fallback_reason() const { return fallback_reason_; }
  const Interpreter& interpreter() const { return *interpreter_; }
  const NativePolicy* native() const { return native_.get(); }

 private:
  Engine() = default;
  std::shared_ptr<const Interpreter> interpreter_;
  std::shared_ptr<const NativePolicy> native_;
  std::string fallback_reason_;
};

}  // namespace writ
