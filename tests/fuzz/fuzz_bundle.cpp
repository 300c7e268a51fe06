// libFuzzer target: the bundle readers. Arbitrary bytes, and a real runtime image overwritten
// with them at a chosen offset, are decoded as runtime images; the bytes are also read as a
// bundle payload under a correct checksum (manifest, sources, image and code blocks), unsigned
// and flagged signed. Every input must give a value or an error, never a crash, a hang or a
// leak. Object code is not linked from fuzzed bytes: a bundle is executable code, and its
// signature is what guards it. Differentially, the bytes are also a request decided by the
// engine loaded from a real bundle, the engine compiled in memory and the interpreter.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "compiler/driver/policy_set.h"
#include "runtime/bundle/bundle.h"
#include "runtime/bundle/policy_image.h"
#include "runtime/engine/engine.h"
#include "stdlib/sha256.h"

namespace {

const char* const kPolicy = R"(
issuer github = "https://token.actions.githubusercontent.com" { schema: github_actions audience: "a" algorithms: [RS256] leeway: 30s }
const events = ["push", "workflow_dispatch"]
@id("gh") permit issue "deployer" to github when {
  token.event_name in events
  token.ref like "refs/heads/*"
  token.repository matches "acme/[a-z]+"
  request.time in window(mon..fri, 09:00..17:00, "Europe/Paris")
} grant { ttl: min(15m, token.exp - request.time) tags: { repo: token.repository } scopes: ["read"] }
@id("svc") permit access "read" on "db/*" by spiffe "spiffe://prod.acme/*"
)";

// The policy compiled to a bundle (fast tier: constant tables), the engine loaded back from it,
// and the engines made from the sources in memory, for the differential check.
struct Compiled {
  std::string image;
  std::shared_ptr<const writ::engine::Engine> from_bundle, in_memory, interpreter;
};

const Compiled& compiled() {
  static const Compiled c = [] {
    auto set = std::make_shared<writ::LoadedPolicySet>(writ::driver::check_sources({{"fuzz.writ", kPolicy}}));
    auto bytes = writ::engine::Engine::compile_bundle(set, writ::engine::BundleOptions{.optimize = false});
    if (!bytes) std::abort();
    auto bundle = writ::engine::read_bundle(*bytes);
    writ::engine::EngineOptions options;
    options.check_sources = writ::driver::check_sources;
    auto loaded = writ::engine::Engine::load_bundle(*bytes, options);
    writ::engine::EngineOptions native;
    native.require_native = true;
    native.tiers = writ::engine::Tiers::Fast;
    writ::engine::EngineOptions interp;
    interp.backend = writ::engine::Backend::Interpreter;
    auto n = writ::engine::Engine::create(set, native);
    auto i = writ::engine::Engine::create(set, interp);
    if (!bundle || !loaded || !n || !i) std::abort();
    return Compiled{bundle->image, *loaded, *n, *i};
  }();
  return c;
}

const std::string& real_image() {
  return compiled().image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)writ::engine::decode_policy_image(input);
  if (size >= 4) {
    const std::string& image = real_image();
    std::uint32_t at = 0;
    std::memcpy(&at, data, 4);
    std::size_t offset = at % (image.size() + 1);
    std::string mutated = image.substr(0, offset) + std::string(input.substr(4));
    if (offset + size - 4 < image.size()) mutated += image.substr(offset + size - 4);
    (void)writ::engine::decode_policy_image(mutated);
  }
  // The input as a bundle's payload under a right checksum, unsigned and marked signed (with a
  // trailer of zeros: refused where keys are trusted, read where none are).
  for (bool is_signed : {false, true}) {
    std::string bundle = "WRITBNDL";
    bundle += std::string(1, static_cast<char>(writ::engine::kBundleFormatVersion)) + std::string(3, '\0');
    bundle += std::string(1, is_signed ? '\x01' : '\0') + std::string(3, '\0');
    bundle += writ::stdlib::sha256(input);
    bundle += input;
    if (is_signed) bundle += std::string(96, '\0');
    (void)writ::engine::read_bundle(bundle);
  }
  // Differential: the input as a request, decided by the engine loaded from the bundle, by the
  // engine compiled in memory and by the interpreter, identically.
  static writ::engine::DecisionContext context;
  const Compiled& c = compiled();
  auto from_bundle = writ::interp::decision_to_json(c.from_bundle->decide_text(input, context));
  auto in_memory = writ::interp::decision_to_json(c.in_memory->decide_text(input, context));
  auto oracle = writ::interp::decision_to_json(c.interpreter->decide_text(input));
  if (from_bundle != in_memory || in_memory != oracle) std::abort();
  return 0;
}
