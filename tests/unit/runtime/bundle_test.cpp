// Tests for compiled bundles: a bundle decides as the policy it was compiled from, without
// generating code, and every damaged, modified, stale or foreign bundle is refused with a
// message that says why.
#include <gtest/gtest.h>

#include <functional>

#include <fmt/format.h>

#include "bench/policy_generator.h"
#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"
#include "stdlib/ed25519.h"
#include "stdlib/sha256.h"
#include "stdlib/version.h"
#include "tests/unit/runtime/front_end.h"
#include "tests/unit/runtime/github_request.h"
#include "tests/unit/test_support.h"

namespace writ::engine {
namespace {

using nlohmann::json;

constexpr const char* kRules = R"(
@id("deploy") permit issue "deployer" to github when { token.repository_id == "5" } grant { ttl: 10m }
@id("no-forks") forbid issue * to github when { token.repository_owner == "forks" }
)";

std::shared_ptr<const LoadedPolicySet> small_policy() {
  auto set = std::make_shared<LoadedPolicySet>(testing::check_text(std::string(testing::kGithubIssuer) + kRules));
  EXPECT_FALSE(set->diagnostics.has_errors()) << testing::rendered(*set);
  return set;
}

// The shared request helper, under the short name these tests use.
constexpr auto request = [](auto&&... args) { return testing::github_request(args...); };

std::string compiled(const std::shared_ptr<const LoadedPolicySet>& policy, BundleOptions options = {}) {
  auto bytes = Engine::compile_bundle(policy, options);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error());
  return bytes.ok() ? *bytes : std::string();
}

// The bundle re-written after `change` edits its parts (so its checksum is right again).
std::string rewritten(const std::string& bytes, const std::function<void(Bundle&)>& change) {
  auto bundle = read_bundle(bytes);
  EXPECT_TRUE(bundle.ok()) << (bundle.ok() ? "" : bundle.error());
  if (!bundle.ok()) return {};
  Bundle parts = std::move(bundle).value();
  change(parts);
  return write_bundle(parts).value();
}

std::string load_error(const std::string& bytes, std::string_view expected_version = {}) {
  auto engine = Engine::load_bundle(bytes, testing::with_front_end(), expected_version);
  return engine.ok() ? std::string("(loaded)") : engine.error();
}

TEST(Bundle, DecidesAsThePolicyItWasCompiledFromWithoutGeneratingCode) {
  auto policy = small_policy();
  std::string bytes = compiled(policy);
  auto loaded = Engine::load_bundle(bytes, testing::with_front_end());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_STREQ((*loaded)->serving_tier(), "optimized");
  EngineOptions interpreter;
  interpreter.backend = Backend::Interpreter;
  auto oracle = Engine::create(policy, interpreter);
  ASSERT_TRUE(oracle.ok());
  for (const json& r :
       {request("deployer", "5"), request("deployer", "6"), request("deployer", "5", "forks"), request("other", "5")}) {
    EXPECT_EQ(interp::decision_to_json((*loaded)->decide(r)), interp::decision_to_json((*oracle)->decide(r)))
        << r.dump();
    DecideOptions explain{.explain = true};
    EXPECT_EQ(interp::decision_to_json((*loaded)->decide(r, explain)),
              interp::decision_to_json((*oracle)->decide(r, explain)));
  }
  json allowed = interp::decision_to_json((*loaded)->decide(request("deployer", "5")));
  EXPECT_EQ(allowed["decision"], "allow") << allowed.dump(2);
  ASSERT_NE((*loaded)->interpreter(), nullptr);  // built from the bundle's sources on first use
  EXPECT_EQ((*loaded)->interpreter()->policy_version(), (*oracle)->interpreter()->policy_version());
}

TEST(Bundle, ManyModulesAndBothTiersLoad) {
  auto policy = std::make_shared<LoadedPolicySet>(driver::check_sources(bench::generate_policy_set(60, 3)));
  ASSERT_FALSE(policy->diagnostics.has_errors());
  for (bool optimize : {false, true}) {
    BundleOptions options;
    options.optimize = optimize;
    options.functions_per_module = 7;  // 60 rules: 9 modules (the fast tier shares shapes: fewer)
    std::string bytes = compiled(policy, options);
    auto bundle = read_bundle(bytes);
    ASSERT_TRUE(bundle.ok()) << bundle.error();
    EXPECT_EQ(bundle->manifest["code"]["tier"], optimize ? "optimized" : "fast");
    EXPECT_EQ(bundle->manifest["rules"].size(), 60u);
    EXPECT_EQ(bundle->sources.size(), policy->user_files.size());
    auto loaded = Engine::load_bundle(bytes, testing::with_front_end());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    EXPECT_STREQ((*loaded)->serving_tier(), optimize ? "optimized" : "fast");
    auto fresh = Engine::create(policy, EngineOptions{.backend = Backend::Interpreter});
    ASSERT_TRUE(fresh.ok());
    for (int repo : {0, 7, 31, 59}) {
      json r = request("deployer-" + std::to_string(repo), std::to_string(100000 + repo));
      EXPECT_EQ(interp::decision_to_json((*loaded)->decide(r)), interp::decision_to_json((*fresh)->decide(r)));
    }
  }
}

TEST(Bundle, TheManifestRecordsVersionsTargetAndPolicy) {
  auto policy = small_policy();
  auto bundle = read_bundle(compiled(policy));
  ASSERT_TRUE(bundle.ok()) << bundle.error();
  const json& m = bundle->manifest;
  EXPECT_EQ(m["format"], "writ-bundle");
  EXPECT_EQ(m["format_version"], kBundleFormatVersion);
  EXPECT_EQ(m["writ_version"], std::string(kWritVersion));
  EXPECT_FALSE(m["llvm_version"].get<std::string>().empty());
  EXPECT_EQ(m["native_abi"], native::kAbiVersion);
  EXPECT_FALSE(m["target"]["triple"].get<std::string>().empty());
  EXPECT_EQ(m["rules"], json::array({"deploy", "no-forks"}));
  auto interpreter = interp::Interpreter::create(policy);
  ASSERT_TRUE(interpreter.ok());
  EXPECT_EQ(m["policy_version"], (*interpreter)->policy_version());
  // Compiling the same sources again gives the same bundle, byte for byte.
  EXPECT_EQ(compiled(policy), compiled(small_policy()));
}

TEST(Bundle, RefusesWhatIsNotABundleOrIsDamaged) {
  std::string bytes = compiled(small_policy());
  EXPECT_NE(load_error("").find("not a Writ bundle"), std::string::npos);
  EXPECT_NE(load_error("{\"rules\": []}").find("not a Writ bundle"), std::string::npos);
  for (std::size_t at : {bytes.size() / 2, bytes.size() - 1, std::size_t{60}}) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x20);
    EXPECT_NE(load_error(flipped).find("damaged or was modified"), std::string::npos) << at;
  }
  EXPECT_NE(load_error(bytes.substr(0, bytes.size() - 10)).find("damaged or was modified"), std::string::npos);
  std::string other_format = bytes;
  other_format[8] = 3;
  EXPECT_NE(load_error(other_format).find("format 3"), std::string::npos) << load_error(other_format);
  // Issue 12, finding 9: every header byte is checked (the flags' reserved bits too).
  for (std::size_t at : {13u, 14u, 15u}) {
    std::string reserved = bytes;
    reserved[at] = 1;
    EXPECT_NE(load_error(reserved).find("flags this Writ does not know"), std::string::npos) << load_error(reserved);
  }
  // Issue 12, finding 13: a short file that starts like a bundle is a truncated one.
  for (std::size_t n : {8u, 20u, 47u}) {
    EXPECT_NE(load_error(bytes.substr(0, n)).find("truncated: " + std::to_string(n) + " bytes"), std::string::npos)
        << load_error(bytes.substr(0, n));
  }
}

// Issue 12, finding 9: the checksum is for damage; a signature is for trust. A bundle edited and
// re-checksummed loads where no key is trusted, and is refused where one is.
TEST(Bundle, SignedBundlesLoadOnlyUnderATrustedKey) {
  auto policy = small_policy();
  auto signer = stdlib::Ed25519Key::generate();
  auto other = stdlib::Ed25519Key::generate();
  ASSERT_TRUE(signer.ok() && other.ok());
  BundleOptions sign;
  sign.optimize = false;
  sign.signing_key_pem = *signer->private_pem();
  std::string signed_bytes = compiled(policy, sign);
  BundleOptions plain;
  plain.optimize = false;
  std::string unsigned_bytes = compiled(policy, plain);
  EngineOptions trusting;
  trusting.trusted_bundle_keys = {*other->public_pem(), *signer->public_pem()};
  auto error_under = [&](const std::string& bytes, const EngineOptions& options) {
    auto engine = Engine::load_bundle(bytes, testing::with_front_end(options));
    return engine.ok() ? std::string("(loaded)") : engine.error();
  };
  EXPECT_EQ(error_under(signed_bytes, trusting), "(loaded)");
  EXPECT_EQ(error_under(signed_bytes, {}), "(loaded)");  // no trust configured: the checksum only
  EXPECT_NE(error_under(unsigned_bytes, trusting).find("not signed"), std::string::npos);
  EngineOptions other_only;
  other_only.trusted_bundle_keys = {*other->public_pem()};
  EXPECT_NE(error_under(signed_bytes, other_only).find("does not trust"), std::string::npos);
  // An edit with the checksum recomputed (what an attacker with write access does).
  std::string edited = signed_bytes;
  std::size_t at = edited.find("sts.amazonaws.com");
  ASSERT_NE(at, std::string::npos);
  edited[at] = 'x';
  std::string payload = edited.substr(48, edited.size() - 48 - 96);
  edited.replace(16, 32, stdlib::sha256(payload));
  EXPECT_NE(error_under(edited, trusting).find("signature does not verify"), std::string::npos)
      << error_under(edited, trusting);
  // Marking a signed bundle unsigned (dropping the flag and the trailer) is refused under trust.
  std::string stripped = signed_bytes.substr(0, signed_bytes.size() - 96);
  stripped[12] = 0;
  EXPECT_NE(error_under(stripped, trusting).find("not signed"), std::string::npos);
  // A bad trusted key, or a signing key that is not a private Ed25519 key, is an error.
  EngineOptions bad;
  bad.trusted_bundle_keys = {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"};
  EXPECT_NE(error_under(signed_bytes, bad).find("trusted key 1"), std::string::npos);
  BundleOptions bad_sign;
  bad_sign.signing_key_pem = *signer->public_pem();
  auto refused = Engine::compile_bundle(policy, bad_sign);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("signing key"), std::string::npos) << refused.error();
}

TEST(Bundle, RefusesABundleOfAnotherWritLlvmAbiOrMachine) {
  std::string bytes = compiled(small_policy());
  auto error_after = [&](const std::function<void(Bundle&)>& change) { return load_error(rewritten(bytes, change)); };
  EXPECT_NE(error_after([](Bundle& b) { b.manifest["writ_version"] = "0.0.1"; }).find("made by Writ 0.0.1"),
            std::string::npos);
  EXPECT_NE(error_after([](Bundle& b) { b.manifest["llvm_version"] = "18.1.0"; }).find("LLVM 18.1.0"),
            std::string::npos);
  // Code for another native ABI would misread the host's memory (the Writ version alone does
  // not tell: development builds share it).
  std::string other_abi = error_after([](Bundle& b) { b.manifest["native_abi"] = native::kAbiVersion - 1; });
  EXPECT_NE(other_abi.find(fmt::format("native ABI {}", native::kAbiVersion - 1)), std::string::npos) << other_abi;
  EXPECT_NE(error_after([](Bundle& b) { b.manifest.erase("native_abi"); }).find("native ABI (none)"),
            std::string::npos);
  EXPECT_NE(
      error_after([](Bundle& b) { b.manifest["target"]["triple"] = "riscv64-unknown-linux-gnu"; }).find("riscv64"),
      std::string::npos);
  std::string lacking = error_after([](Bundle& b) { b.manifest["target"]["features"].push_back("+quantum-alu"); });
  EXPECT_NE(lacking.find("quantum-alu"), std::string::npos) << lacking;
  EXPECT_NE(error_after([](Bundle& b) { b.manifest.erase("target"); }).find("which machine"), std::string::npos);
}

TEST(Bundle, RefusesSourcesCodeOrRulesThatDoNotBelongTogether) {
  std::string bytes = compiled(small_policy());
  auto error_after = [&](const std::function<void(Bundle&)>& change) { return load_error(rewritten(bytes, change)); };
  // A permissive rule slipped into the sources: native code never reads them (it decides from
  // the runtime image), and explanations, which do, refuse sources that are not the compiled ones.
  std::string edited_sources =
      rewritten(bytes, [](Bundle& b) { b.sources.back().text += "\npermit issue * to github when { true }\n"; });
  auto edited = Engine::load_bundle(edited_sources, testing::with_front_end());
  ASSERT_TRUE(edited.ok()) << edited.error();
  EXPECT_EQ(interp::decision_to_json((*edited)->decide(request("other", "5")))["decision"], "deny");
  EXPECT_EQ((*edited)->interpreter(), nullptr);
  EXPECT_TRUE((*edited)->decide(request("other", "5"), DecideOptions{.explain = true}).explanation.empty());
  EngineOptions interpreter;
  interpreter.backend = Backend::Interpreter;
  auto refused = Engine::load_bundle(edited_sources, testing::with_front_end(interpreter));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("do not give the policy version"), std::string::npos) << refused.error();

  EXPECT_NE(error_after([](Bundle& b) { b.manifest["rules"][0] = "other"; }).find("not that of its manifest"),
            std::string::npos);
  EXPECT_NE(error_after([](Bundle& b) { b.manifest["policy_version"] = "sha256:00"; }).find("not that of its manifest"),
            std::string::npos);
  // Every truncation of the runtime image, and flipped bytes in it, fail cleanly.
  std::string image = read_bundle(bytes)->image;
  for (std::size_t n = 0; n < image.size(); n += 1 + n / 16) {
    std::string error = error_after([&](Bundle& b) { b.image = image.substr(0, n); });
    EXPECT_NE(error.find("runtime image"), std::string::npos) << n << ": " << error;
  }
  for (std::size_t at = 4; at < image.size(); at += 7) {
    std::string flipped = image;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x5a);
    (void)error_after([&](Bundle& b) { b.image = flipped; });  // loads or is refused; never crashes
  }
  EXPECT_NE(error_after([](Bundle& b) { b.objects.push_back(b.objects.front()); }).find("modules where"),
            std::string::npos);
  std::string garbage = error_after([](Bundle& b) { b.objects.front() = std::string(4096, '\x7f'); });
  EXPECT_NE(garbage.find("cannot be loaded"), std::string::npos) << garbage;
  std::string no_code = error_after([](Bundle& b) { b.manifest.erase("code"); });
  EXPECT_NE(no_code.find("does not describe its code"), std::string::npos) << no_code;
}

TEST(Bundle, RefusesAStaleBundleWhenThePolicyHasChanged) {
  std::string bytes = compiled(small_policy());
  auto current = interp::Interpreter::create(small_policy());
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(load_error(bytes, (*current)->policy_version()), "(loaded)");
  std::string stale = load_error(bytes, "sha256:0000");
  EXPECT_NE(stale.find("stale"), std::string::npos) << stale;
  EXPECT_NE(stale.find("sha256:0000"), std::string::npos) << stale;
}

TEST(Bundle, TheInterpreterBackendUsesOnlyTheSources) {
  EngineOptions options;
  options.backend = Backend::Interpreter;
  auto loaded = Engine::load_bundle(compiled(small_policy()), testing::with_front_end(options));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ((*loaded)->native(), nullptr);
  EXPECT_EQ(interp::decision_to_json((*loaded)->decide(request("deployer", "5")))["decision"], "allow");
}

}  // namespace
}  // namespace writ::engine
