// libFuzzer target: the bundle readers. Arbitrary bytes, and a real runtime image overwritten
// with them at a chosen offset, are decoded as runtime images; the bytes are also read as a
// bundle payload under a correct checksum (manifest, sources, image and code blocks). Every
// input must give a value or an error, never a crash, a hang or a leak. Object code is not
// linked here: a bundle is executable code, and its checksum is what guards it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/engine/engine.h"
#include "runtime/engine/policy_image.h"
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

// A real image (fast tier: constant tables) to mutate.
const std::string& real_image() {
  static const std::string image = [] {
    auto set = std::make_shared<writ::LoadedPolicySet>(writ::check_sources({{"fuzz.writ", kPolicy}}));
    auto bytes = writ::Engine::compile_bundle(set, writ::BundleOptions{.optimize = false});
    if (!bytes) std::abort();
    auto bundle = writ::read_bundle(*bytes);
    if (!bundle) std::abort();
    return bundle->image;
  }();
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)writ::decode_policy_image(input);
  if (size >= 4) {
    const std::string& image = real_image();
    std::uint32_t at = 0;
    std::memcpy(&at, data, 4);
    std::size_t offset = at % (image.size() + 1);
    std::string mutated = image.substr(0, offset) + std::string(input.substr(4));
    if (offset + size - 4 < image.size()) mutated += image.substr(offset + size - 4);
    (void)writ::decode_policy_image(mutated);
  }
  std::string bundle = "WRITBNDL";
  bundle += std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8);
  bundle += writ::stdlib::sha256(input);
  bundle += input;
  (void)writ::read_bundle(bundle);
  return 0;
}
