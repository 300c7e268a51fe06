// Engines and compiled bundles: compiling a policy set into one, and serving one without
// generating code, after checking that it is whole, current and made for this machine; and the
// engine's code cache, which keeps an optimised tier as a bundle for the next start.
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "compiler/codegen/jit_session.h"
#include "runtime/bundle/policy_image.h"
#include "runtime/engine/engine.h"
#include "stdlib/files.h"
#include "stdlib/limits.h"
#include "stdlib/version.h"

namespace writ::engine {
namespace {

nlohmann::json manifest_of(const NativePolicy& native, const interp::Interpreter& interpreter,
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

// The bundle of native code compiled with keep_objects (its objects are moved out), from the
// policy set `interpreter` decides.
Result<std::string> bundle_bytes(const NativePolicy& native, const interp::Interpreter& interpreter,
                                 const stdlib::Ed25519Key* key = nullptr) {
  auto objects = native.code().take_objects();
  if (!objects) return std::move(objects).take_error();
  auto target = codegen::host_target();
  if (!target) return std::move(target).take_error();
  Bundle bundle;
  bundle.manifest = manifest_of(native, interpreter, *target, objects->size());
  bundle.sources = user_sources(interpreter.policy());
  bundle.image = encode_policy_image(*interpreter.runtime_policy(), native.ir(), native.code().layout());
  bundle.objects = std::move(objects).value();
  return write_bundle(bundle, key);
}

// A bundle's runtime image, decoded and checked against its manifest.
Result<PolicyImage> checked_image(const Bundle& bundle) {
  auto image = decode_policy_image(bundle.image);
  if (!image) return std::move(image).take_error();
  const auto ids = bundle.manifest.find("rules");
  const auto& heads = image->policy->rules;
  bool same_rules = ids != bundle.manifest.end() && ids->is_array() && ids->size() == heads.size();
  for (std::size_t i = 0; same_rules && i < heads.size(); ++i) same_rules = (*ids)[i] == heads[i].id;
  if (image->policy->version != bundle.manifest.value("policy_version", "") || !same_rules) {
    return Error{"the bundle is damaged or was modified: its runtime image is not that of its manifest"};
  }
  return image;
}

// The native code of a verified bundle, linked and ready to serve.
Result<std::shared_ptr<const NativePolicy>> native_code_of(const Bundle& bundle, PolicyImage image,
                                                           const EngineOptions& options) {
  auto load = load_options(bundle.manifest);
  if (!load) return std::move(load).take_error();
  auto native = NativePolicy::load(std::move(image), options.interpreter.max_ttl_seconds, *load, bundle.objects,
                                   options.claim_index_from);
  if (!native) return Error{"the bundle's code cannot be loaded: " + native.error()};
  return native;
}

}  // namespace

Result<std::string> Engine::compile_bundle(std::shared_ptr<const LoadedPolicySet> policy, BundleOptions options) {
  std::optional<stdlib::Ed25519Key> key;
  if (!options.signing_key_pem.empty()) {
    auto read = stdlib::Ed25519Key::from_private_pem(options.signing_key_pem);
    if (!read) return Error{"the signing key: " + read.error()};
    key = std::move(read).value();
  }
  auto interpreter = interp::Interpreter::create(policy);
  if (!interpreter) return std::move(interpreter).take_error();
  codegen::CompileOptions compile;
  compile.optimize = options.optimize;
  compile.compile_threads = options.compile_threads;
  compile.functions_per_module = options.functions_per_module;
  compile.keep_objects = true;
  auto native = NativePolicy::create(*interpreter, compile);
  if (!native) return Error{"the policy cannot be compiled to native code: " + native.error()};
  return bundle_bytes(**native, **interpreter, key ? &*key : nullptr);
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
  auto trust = BundleTrust::from_public_pems(options.trusted_bundle_keys);
  if (!trust) return std::move(trust).take_error();
  auto bundle = read_bundle(bytes, &*trust);
  if (!bundle) return std::move(bundle).take_error();
  std::string recorded = bundle->manifest.value("policy_version", "");
  if (!expected_policy_version.empty() && recorded != expected_policy_version) {
    return Error{
        fmt::format("the bundle is stale: it was compiled from policy {}, and the policy is now {}; compile "
                    "it again with `writ compile`",
                    recorded, expected_policy_version)};
  }
  auto image = checked_image(*bundle);
  if (!image) return std::move(image).take_error();

  auto engine = std::shared_ptr<Engine>(new Engine());
  engine->sources_ = std::move(bundle->sources);
  engine->interpreter_options_ = options.interpreter;
  engine->check_sources_ = options.check_sources;
  if (options.backend == Backend::Interpreter) {
    // Only the interpreter serves: it needs the sources now, checked as always.
    if (!options.check_sources)
      return Error{"the interpreter cannot serve a bundle without the front end to check its sources"};
    auto policy = std::make_shared<LoadedPolicySet>(options.check_sources(engine->sources_));
    auto interpreter = interp::Interpreter::create(policy, options.interpreter);
    if (!interpreter) return Error{"the bundle's sources do not check with this Writ: " + interpreter.error()};
    if ((*interpreter)->policy_version() != recorded) {
      return Error{"the bundle is damaged or was modified: its sources do not give the policy version it records"};
    }
    engine->interpreter_ = std::move(interpreter).value();
    return std::shared_ptr<const Engine>(std::move(engine));
  }
  auto native = native_code_of(*bundle, std::move(image).value(), options);
  if (!native) return std::move(native).take_error();
  auto& tier = (*native)->code().optimized() ? engine->optimized_ : engine->fast_;
  tier = std::move(native).value();
  engine->current_.store(tier.get(), std::memory_order_release);
  return std::shared_ptr<const Engine>(std::move(engine));
}

// ----- The code cache: the optimised tier as a bundle, named by the policy version --------------

std::string Engine::cached_code_path(const std::string& directory, std::string_view policy_version,
                                     bool shared_shapes) {
  constexpr std::string_view kPrefix = "sha256:";
  if (directory.empty() || !policy_version.starts_with(kPrefix)) return {};
  std::string_view digest = policy_version.substr(kPrefix.size());
  // Only a digest names a file: nothing in a version can lead outside the directory.
  if (digest.empty() || digest.find_first_not_of("0123456789abcdef") != std::string_view::npos) return {};
  std::string name = fmt::format("writ-policy-{}-optimized{}.bundle", digest, shared_shapes ? "-shared" : "");
  return (std::filesystem::path(directory) / name).string();
}

Result<std::shared_ptr<const NativePolicy>> Engine::load_cached_code(const std::string& path,
                                                                     std::string_view policy_version,
                                                                     bool shared_shapes, const EngineOptions& options) {
  try {
    auto bytes = stdlib::read_file_limited(path, limits::kMaxBundleBytes);
    if (!bytes) return Error{"no cached code"};
    // The checks of any bundle (checksum, Writ, LLVM and ABI versions, this machine) and more:
    // the file must hold this policy's optimised tier, as this engine would have compiled it.
    auto bundle = read_bundle(*bytes);
    if (!bundle) return std::move(bundle).take_error();
    if (bundle->manifest.value("policy_version", "") != policy_version) {
      return Error{"the cached code is of another policy"};
    }
    auto image = checked_image(*bundle);
    if (!image) return std::move(image).take_error();
    auto native = native_code_of(*bundle, std::move(image).value(), options);
    if (!native) return native;
    if (!(*native)->code().optimized() || (*native)->code().shared_shapes() != shared_shapes) {
      return Error{"the cached code is of another tier"};
    }
    return native;
  } catch (const std::exception& e) {
    return Error{fmt::format("the cached code cannot be loaded: {}", e.what())};
  }
}

void Engine::cache_code(const std::string& path, const NativePolicy& native, const interp::Interpreter& interpreter) {
  // Best effort, and never an exception: this runs on the optimiser's thread.
  try {
    auto bytes = bundle_bytes(native, interpreter);
    if (!bytes) return;
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
    (void)stdlib::write_file_atomically(path, *bytes);
  } catch (const std::exception&) {
  }
}

}  // namespace writ::engine
