// The conformance suite: every tests/conformance/*.json file holds a policy set and requests with
// their expected decisions. Each evaluator (the interpreter, native code of both tiers, and native
// code loaded from a compiled bundle) must pass all, and native code must equal the interpreter.
//
// File format:
//   { "description": "...", "policy": "<writ source>" | ["<file 1>", "<file 2>"],
//     "base": { a request },                         // optional template for the cases
//     "cases": [ { "name": "...",
//                  "request": { ... }                // or: start from "base" and apply
//                  "patch": { ... },                 //   an RFC 7396 merge patch (null deletes)
//                  "set": [ ["/json/pointer", value] ],  //   and pointer assignments (may set null)
//                  "expect": { "decision": "allow", "reason": "permit", "rules": [...],
//                              "grant": {...}, "errors": N, "detail": "substring" } } ] }
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "compiler/diag/render.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "tests/unit/runtime/front_end.h"

namespace writ {

using namespace writ::engine;  // the engine under test
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Case {
  fs::path file;
  std::size_t index;
  std::string name;
};

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

std::vector<fs::path> all_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(WRIT_SOURCE_DIR) / "tests" / "conformance")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Bundle: the fast tier (shared shapes: constant tables) written to a bundle and loaded back,
// deciding from the runtime image alone.
enum class Tier { Interpreter, NativeFast, NativeOptimized, Bundle };

// Engines are built once per file and tier.
std::shared_ptr<const Engine> engine_for(const fs::path& file, const json& doc, Tier tier) {
  static std::map<std::pair<fs::path, Tier>, std::shared_ptr<const Engine>> cache;
  auto it = cache.find({file, tier});
  if (it != cache.end()) return it->second;
  std::vector<SourceText> sources;
  if (doc["policy"].is_string()) {
    sources.push_back({file.stem().string() + ".writ", doc["policy"].get<std::string>()});
  } else {
    for (std::size_t i = 0; i < doc["policy"].size(); ++i) {
      sources.push_back(
          {file.stem().string() + "_" + std::to_string(i) + ".writ", doc["policy"][i].get<std::string>()});
    }
  }
  auto set = std::make_shared<LoadedPolicySet>(driver::check_sources(std::move(sources)));
  EXPECT_FALSE(set->diagnostics.has_errors()) << render_text(set->diagnostics.diagnostics(), set->sources);
  EngineOptions options;
  options.backend = tier == Tier::Interpreter ? Backend::Interpreter : Backend::Native;
  options.require_native = tier != Tier::Interpreter;  // a conformance policy must compile
  options.tiers = tier == Tier::NativeOptimized ? Tiers::Optimized : Tiers::Fast;
  Result<std::shared_ptr<const Engine>> engine = Error{"not built"};
  if (tier == Tier::Bundle) {
    auto bytes = Engine::compile_bundle(set, BundleOptions{.optimize = false});
    EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error());
    if (bytes.ok()) engine = Engine::load_bundle(*bytes, testing::with_front_end());
  } else {
    engine = Engine::create(set, options);
  }
  EXPECT_TRUE(engine.ok()) << (engine.ok() ? "" : engine.error());
  std::shared_ptr<const Engine> result = engine.ok() ? *engine : nullptr;
  cache[{file, tier}] = result;
  return result;
}

void run_case(const Case& c, Tier tier);

// One test per file and evaluator (each compiles its policy once); a failure names its case.
class Conformance : public ::testing::TestWithParam<fs::path> {};

void run_file(const fs::path& file, Tier tier) {
  json doc = read_json(file);
  ASSERT_FALSE(doc["cases"].empty()) << file;
  for (std::size_t i = 0; i < doc["cases"].size(); ++i) {
    Case c{file, i, doc["cases"][i].value("name", "case")};
    SCOPED_TRACE(file.filename().string() + " #" + std::to_string(i) + " " + c.name);
    run_case(c, tier);
  }
}

void run_case(const Case& c, Tier tier) {
  json doc = read_json(c.file);
  const json& spec = doc["cases"][c.index];
  auto engine = engine_for(c.file, doc, tier);
  ASSERT_NE(engine, nullptr) << "the policy of " << c.file << " does not load";
  json request = spec.contains("request") ? spec["request"] : doc.value("base", json::object());
  if (spec.contains("patch")) request.merge_patch(spec["patch"]);
  for (const auto& s : spec.value("set", json::array())) request[json::json_pointer(s[0].get<std::string>())] = s[1];
  json decision = interp::decision_to_json(engine->decide(request));
  const json& expect = spec["expect"];
  for (const char* key : {"decision", "reason", "rules", "grant"}) {
    if (expect.contains(key)) {
      EXPECT_EQ(decision[key], expect[key]) << key << " in " << decision.dump(2);
    }
  }
  if (expect.contains("errors")) {
    EXPECT_EQ(decision["errors"].size(), expect["errors"].get<std::size_t>()) << decision.dump(2);
  }
  if (expect.contains("detail")) {
    EXPECT_NE(decision.value("detail", "").find(expect["detail"].get<std::string>()), std::string::npos)
        << decision.dump(2);
  }
  // Native code must also give the interpreter's exact decision: same errors, same messages.
  if (tier != Tier::Interpreter) {
    json oracle = interp::decision_to_json(engine_for(c.file, doc, Tier::Interpreter)->decide(request));
    EXPECT_EQ(decision, oracle) << "native and interpreter disagree";
    // And from JSON text, where requests take the fast binder when they can.
    DecisionContext context;
    EXPECT_EQ(interp::decision_to_json(engine->decide_text(request.dump(), context)), oracle)
        << "the JSON fast path disagrees";
    if (oracle["decision"] == "allow") {
      EXPECT_EQ(context.fast_binds, 1u) << "an allowed request should bind on the fast path";
    }
    // Explained from the outcomes native code recorded, to the letter of the interpreter's.
    DecideOptions explain{.explain = true};
    json explained = interp::decision_to_json(engine->decide(request, explain));
    EXPECT_EQ(explained, interp::decision_to_json(engine_for(c.file, doc, Tier::Interpreter)->decide(request, explain)))
        << "native and interpreter explain differently";
    EXPECT_EQ(interp::decision_to_json(engine->decide_text(request.dump(), explain)), explained);
  }
}

TEST_P(Conformance, Interpreter) {
  run_file(GetParam(), Tier::Interpreter);
}
TEST_P(Conformance, NativeFast) {
  run_file(GetParam(), Tier::NativeFast);
}
TEST_P(Conformance, NativeOptimized) {
  run_file(GetParam(), Tier::NativeOptimized);
}
TEST_P(Conformance, Bundle) {
  run_file(GetParam(), Tier::Bundle);
}

INSTANTIATE_TEST_SUITE_P(Suite, Conformance, ::testing::ValuesIn(all_files()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace writ
