// libFuzzer target, structure-aware: the input's first 8 bytes seed the differential generator
// (tests/differential), which writes a policy (custom schema in a random field order, constant
// chains) and requests of every kind; the requests are written as hostile JSON text (any member
// order, every escape), then damaged with the rest of the input (bytes replaced, inserted,
// removed, duplicated at chosen offsets). Native code (fast JSON path and strict reader) and the
// interpreter must give identical decisions, and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "tests/differential/policy_fuzzer.h"

namespace {

struct Engines {
  std::shared_ptr<const writ::engine::Engine> native, interpreter;
};

// Compiling costs milliseconds: the engines of a few hundred seeds are kept.
const Engines* engines_for(std::uint64_t seed, writ::fuzz::PolicyFuzzer& fuzzer) {
  static std::map<std::uint64_t, Engines> cache;
  std::string source = fuzzer.policy();  // always drawn, so the requests follow the same stream
  if (auto it = cache.find(seed); it != cache.end()) return it->second.native ? &it->second : nullptr;
  if (cache.size() > 256) cache.clear();
  auto set = std::make_shared<writ::LoadedPolicySet>(writ::driver::check_sources({{"fuzz.writ", source}}));
  Engines& e = cache[seed];
  if (fuzzer.retyped_registered_claim() && !set->diagnostics.has_errors()) std::abort();  // must be E2009
  if (set->diagnostics.has_errors()) return nullptr;
  writ::engine::EngineOptions native;
  native.require_native = true;
  native.tiers = writ::engine::Tiers::Fast;
  native.claim_index_from = 2;
  writ::engine::EngineOptions interp;
  interp.backend = writ::engine::Backend::Interpreter;
  auto n = writ::engine::Engine::create(set, native);
  auto i = writ::engine::Engine::create(set, interp);
  if (!n || !i) std::abort();  // a policy that checks must load on both engines
  e = Engines{*n, *i};
  return &e;
}

// Applies the edits the input describes, 4 bytes each: an operation, an offset (2 bytes) and a byte.
std::string damaged(std::string text, const std::uint8_t* data, std::size_t size) {
  for (std::size_t k = 0; k + 4 <= size && !text.empty(); k += 4) {
    std::size_t at = (static_cast<std::size_t>(data[k + 1]) << 8 | data[k + 2]) % text.size();
    char byte = static_cast<char>(data[k + 3]);
    switch (data[k] % 5) {
      case 0:
        text[at] = byte;
        break;
      case 1:
        text.insert(at, 1, byte);
        break;
      case 2:
        text.erase(at, 1);
        break;
      case 3:
        text.insert(at, text.substr(at, static_cast<unsigned char>(byte) % 64));
        break;  // repeat a piece
      default:
        text.insert(at, "\\u00" + std::string(1, "0123456789abcdef"[byte & 15]) + "f");
        break;
    }
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 9) return 0;
  std::uint64_t seed = 0;
  std::memcpy(&seed, data, 8);
  seed %= 4096;  // a bounded set of policies, so their engines are reused
  writ::fuzz::PolicyFuzzer fuzzer(seed);
  const Engines* e = engines_for(seed, fuzzer);
  if (e == nullptr) return 0;
  int requests = 1 + data[8] % 4;
  for (int k = 0; k < requests; ++k) {
    nlohmann::json request = fuzzer.request();
    std::string text = damaged(fuzzer.text(request), data + 9, size - 9);
    static writ::engine::DecisionContext context;
    auto native = writ::interp::decision_to_json(e->native->decide_text(text, context));
    auto oracle = writ::interp::decision_to_json(e->interpreter->decide_text(text));
    if (native != oracle) std::abort();
    if (oracle["decision"] == "allow" && oracle["reason"] != "permit") std::abort();
  }
  return 0;
}
