// Engines and compiled bundles: compiling a policy set into one, and serving one without
// generating code, after checking that it is whole, current and made for this machine.
#include <fmt/format.h>

#include "compiler/codegen/jit_session.h"
#include "compiler/driver/version.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/policy_image.h"

namespace writ {
namespace {

nlohmann::json manifest_of(const NativePolicy& native, const Interpreter& interpreter,
                           const codegen::TargetInfo& target, std::size_t modules) {
  nlohmann::json rules = nlohmann::json::array();
  for (const RuleInfo& rule : interpreter.policy().program.rules) rules.push_back(rule.id);
  const codegen::CompiledPolicy& code = native.code();
  return {
      {"format", "writ-bundle"},
      {"format_version", kBundleFormatVersion},
      {"writ_version", kWritVersion},
      {"llvm_version", codegen::llvm_version()},
      {"native_abi", native::kAbiVersion},
      {"target", {{"triple", target.triple}, {"cpu", target.cpu}, {"features", target.features}}},
      {"policy_version", interpreter.policy_version()},
      {"code",
       {{"tier", code.optimized() ? "optimized" : "fast"},
        {"share_shapes", code.shared_shapes()},
        {"functions_per_module", code.functions_per_module()},
        {"functions", code.function_count()},
        {"modules", modules}}},
      {"rules", std::move(rules)},
  };
}

// How the bundle's code was compiled, from its manifest.
Result<codegen::LoadOptions> load_options(const nlohmann::json& manifest) {
  const auto code = manifest.find("code");
  if (code == manifest.end() || !code->is_object()) return Error{"the bundle's manifest does not describe its code"};
  codegen::LoadOptions options;
  try {
    options.optimized = code->at("tier").get<std::string>() == "optimized";
    options.share_shapes = code->at("share_shapes").get<bool>();
    options.functions_per_module = code->at("functions_per_module").get<std::size_t>();
  } catch (const nlohmann::json::exception& e) {
    return Error{fmt::format("the bundle's manifest does not describe its code: {}", e.what())};
  }
  if (options.functions_per_module == 0) return Error{"the bundle's manifest gives 0 functions per module"};
  return options;
}

}  // namespace

Result<std::string> Engine::compile_bundle(std::shared_ptr<const LoadedPolicySet> policy, BundleOptions options) {
  auto interpreter = Interpreter::create(policy);
  if (!interpreter) return std::move(interpreter).take_error();
  codegen::CompileOptions compile;
  compile.optimize = options.optimize;
  compile.compile_threads = options.compile_threads;
  compile.functions_per_module = options.functions_per_module;
  compile.keep_objects = true;
  auto native = NativePolicy::create(*interpreter, compile);
  if (!native) return Error{"the policy cannot be compiled to native code: " + native.error()};
  auto objects = (*native)->code().objects();
  if (!objects) return std::move(objects).take_error();
  auto target = codegen::host_target();
  if (!target) return std::move(target).take_error();
  Bundle bundle;
  bundle.manifest = manifest_of(**native, **interpreter, *target, objects->size());
  for (FileId id : policy->user_files) {
    const SourceFile& file = policy->sources.file(id);
    bundle.sources.push_back({std::string(file.path()), std::string(file.text())});
  }
  bundle.image = encode_policy_image(*(*interpreter)->runtime_policy(), (*native)->ir(), (*native)->code().layout());
  bundle.objects = std::move(objects).value();
  return write_bundle(bundle);
}

Result<std::shared_ptr<const Engine>> Engine::load_bundle(std::string_view bytes, EngineOptions options,
                                                          std::string_view expected_policy_version) {
  // A library boundary: whatever goes wrong is an error value, never an exception.
  try {
    return load_bundle_unchecked(bytes, std::move(options), expected_policy_version);
  } catch (const std::exception& e) {
    return Error{fmt::format("the bundle cannot be loaded: {}", e.what())};
  }
}

Result<std::shared_ptr<const Engine>> Engine::load_bundle_unchecked(std::string_view bytes, EngineOptions options,
                                                                    std::string_view expected_policy_version) {
  auto bundle = read_bundle(bytes);
  if (!bundle) return std::move(bundle).take_error();
  std::string recorded = bundle->manifest.value("policy_version", "");
  if (!expected_policy_version.empty() && recorded != expected_policy_version) {
    return Error{
        fmt::format("the bundle is stale: it was compiled from policy {}, and the policy is now {}; compile "
                    "it again with `writ compile`",
                    recorded, expected_policy_version)};
  }
  auto image = decode_policy_image(bundle->image);
  if (!image) return std::move(image).take_error();
  const auto ids = bundle->manifest.find("rules");
  const auto& heads = image->policy->rules;
  bool same_rules = ids != bundle->manifest.end() && ids->is_array() && ids->size() == heads.size();
  for (std::size_t i = 0; same_rules && i < heads.size(); ++i) same_rules = (*ids)[i] == heads[i].id;
  if (image->policy->version != recorded || !same_rules) {
    return Error{"the bundle is damaged or was modified: its runtime image is not that of its manifest"};
  }

  auto engine = std::shared_ptr<Engine>(new Engine());
  engine->sources_ = std::move(bundle->sources);
  engine->interpreter_options_ = options.interpreter;
  if (options.backend == Backend::Interpreter) {
    // Only the interpreter serves: it needs the sources now, checked as always.
    auto policy = std::make_shared<LoadedPolicySet>(check_sources(engine->sources_));
    auto interpreter = Interpreter::create(policy, options.interpreter);
    if (!interpreter) return Error{"the bundle's sources do not check with this Writ: " + interpreter.error()};
    if ((*interpreter)->policy_version() != recorded) {
      return Error{"the bundle is damaged or was modified: its sources do not give the policy version it records"};
    }
    engine->interpreter_ = std::move(interpreter).value();
    return std::shared_ptr<const Engine>(std::move(engine));
  }
  auto load = load_options(bundle->manifest);
  if (!load) return std::move(load).take_error();
  auto native = NativePolicy::load(std::move(image).value(), options.interpreter.max_ttl_seconds, *load,
                                   bundle->objects, options.claim_index_from);
  if (!native) return Error{"the bundle's code cannot be loaded: " + native.error()};
  auto& tier = load->optimized ? engine->optimized_ : engine->fast_;
  tier = std::move(native).value();
  engine->current_.store(tier.get(), std::memory_order_release);
  return std::shared_ptr<const Engine>(std::move(engine));
}

}  // namespace writ
