// Runs the `writ` binary as a user would and checks exit codes and output.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Run {
  int exit_code;
  std::string out;  // stdout and stderr together
};

Run run(const std::string& args, const std::string& stdin_file = "", bool in_source_dir = false) {
  std::string cmd = (in_source_dir ? std::string("cd ") + WRIT_SOURCE_DIR + " && " : std::string()) + "NO_COLOR=1 " +
                    WRIT_BINARY + " " + args + (stdin_file.empty() ? "" : " < " + stdin_file) + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("writ_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  fs::path dir_;
};

const char* const kClean = R"(issuer github = "https://token.actions.githubusercontent.com" {
  schema: github_actions
  audience: "sts.amazonaws.com"
  algorithms: [RS256]
}

@id("r")
permit issue "deployer" to github when {
  token.repository_id == "5005"
}
)";

TEST_F(Cli, CheckCleanPolicyExitsZero) {
  auto r = run("check " + write("ok.writ", kClean));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("checked 1 file, 1 rule: 0 errors, 0 warnings"), std::string::npos) << r.out;
}

TEST_F(Cli, CheckErrorsExitOneAndNameFileLineColumn) {
  std::string path = write("bad.writ", std::string(kClean) + "const x = nope\n");
  auto r = run("check " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(path + ":11:11: error[E1004]"), std::string::npos) << r.out;
}

TEST_F(Cli, CheckUsageAndIoErrorsExitTwo) {
  EXPECT_EQ(run("check " + (dir_ / "missing.writ").string()).exit_code, 2);
  EXPECT_EQ(run("check").exit_code, 2);
  EXPECT_EQ(run("check --format xml " + write("ok.writ", kClean)).exit_code, 2);
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(run("check " + (dir_ / "empty").string()).exit_code, 2);
}

TEST_F(Cli, HelpAndVersion) {
  auto help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("check"), std::string::npos);
  EXPECT_NE(help.out.find("fmt"), std::string::npos);
  auto check_help = run("check --help");
  EXPECT_EQ(check_help.exit_code, 0);
  EXPECT_NE(check_help.out.find("--deny-warnings"), std::string::npos);
  EXPECT_EQ(run("--version").exit_code, 0);
}

TEST_F(Cli, DenyWarningsTurnsWarningsIntoFailure) {
  std::string path = write("warn.writ", std::string(kClean) + "permit issue \"x\" to github\n");
  EXPECT_EQ(run("check " + path).exit_code, 0);
  EXPECT_EQ(run("check --deny-warnings " + path).exit_code, 1);
}

TEST_F(Cli, CheckJsonAndSarif) {
  std::string path = write("bad.writ", "const x = nope\n");
  auto json = run("check --format json " + path);
  EXPECT_EQ(json.exit_code, 1);
  auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["errors"], 1);
  EXPECT_EQ(doc["diagnostics"][0]["code"], "E1004");
  auto sarif = run("check --format sarif " + path);
  EXPECT_EQ(sarif.exit_code, 1);
  auto log = nlohmann::json::parse(sarif.out);
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_EQ(log["runs"][0]["results"][0]["ruleId"], "E1004");
}

TEST_F(Cli, CheckDirectoryLoadsEveryFileAsOneSet) {
  write("a.writ", "const repos = [\"1\"]\n");
  write("b.writ",
        std::string(kClean) + "@id(\"r2\") permit issue \"y\" to github when { token.repository_id in repos }\n");
  auto r = run("check " + dir_.string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("checked 2 files, 2 rules"), std::string::npos) << r.out;
}

TEST_F(Cli, FmtCheckRewriteAndIdempotence) {
  std::string path = write("messy.writ", "const   a=[\"x\",\"y\"]\n");
  auto check = run("fmt --check " + path);
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.out.find(path), std::string::npos);
  EXPECT_EQ(read(path), "const   a=[\"x\",\"y\"]\n");  // --check changes nothing
  EXPECT_EQ(run("fmt " + path).exit_code, 0);
  EXPECT_EQ(read(path), "const a = [\"x\", \"y\"]\n");
  EXPECT_EQ(run("fmt --check " + path).exit_code, 0);
}

TEST_F(Cli, FmtLeavesFilesWithSyntaxErrorsAlone) {
  std::string broken = "permit issue to {\n";
  std::string path = write("broken.writ", broken);
  auto r = run("fmt " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("error[E0002]"), std::string::npos) << r.out;
  EXPECT_EQ(read(path), broken);
}

TEST_F(Cli, FmtReadsStdin) {
  std::string in = write("in.txt", "const a=1\n");
  auto r = run("fmt -", in);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "const a = 1\n");
}

TEST_F(Cli, BundledExamplesCheckCleanAndAreFormatted) {
  // Each directory under examples/ with .writ files is one policy set (examples/embedding holds
  // programs).
  int sets = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(WRIT_SOURCE_DIR) / "examples")) {
    if (!entry.is_directory() || entry.path().filename() == "embedding") continue;
    ++sets;
    auto check = run("check --deny-warnings " + entry.path().string());
    EXPECT_EQ(check.exit_code, 0) << check.out;
    auto fmt = run("fmt --check " + entry.path().string());
    EXPECT_EQ(fmt.exit_code, 0) << fmt.out;
  }
  EXPECT_GE(sets, 6);
}

// Native code asked for but unable to serve a construct: the decision says the interpreter made it,
// on stderr and in the JSON, never silently.
TEST_F(Cli, EvalSaysWhenNativeCodeDoesNotServeThePolicy) {
  std::string request = write("r.json", R"({"kind": "issue", "issuer": "ci", "header": {"alg": "RS256"},
    "claims": {"iss": "https://ci.example", "sub": "svc:x", "aud": "b", "exp": 2000}, "request": {"role": "r", "time": 1000}})");
  std::string issuer = "issuer ci = \"https://ci.example\" { schema: jwt audience: \"b\" algorithms: [RS256] }\n";
  std::string unsupported =
      write("u.writ",
            issuer + "@id(\"r\") permit issue \"r\" to ci when { [split(token.sub, \":\")] == [[\"svc\", \"x\"]] }\n");
  auto json_run = run("eval --policy " + unsupported + " --input " + request);
  EXPECT_EQ(json_run.exit_code, 0) << json_run.out;
  EXPECT_NE(json_run.out.find("writ eval: native code does not serve this policy (native code does not support "
                              "comparing values of type `list<list<string>>` yet); the interpreter decided"),
            std::string::npos)
      << json_run.out;
  EXPECT_NE(json_run.out.find(R"("engine": "interpreter")"), std::string::npos) << json_run.out;
  EXPECT_NE(json_run.out.find(R"("fallback_reason": "native code does not support)"), std::string::npos)
      << json_run.out;
  EXPECT_NE(json_run.out.find(R"("decision": "allow")"), std::string::npos) << json_run.out;
  // Asked for the interpreter, or served by native code (list equality of strings is native): no note.
  auto asked = run("eval --engine interpreter --policy " + unsupported + " --input " + request);
  EXPECT_EQ(asked.out.find("fallback"), std::string::npos) << asked.out;
  std::string native = write(
      "n.writ", issuer + "@id(\"r\") permit issue \"r\" to ci when { split(token.sub, \":\") == [\"svc\", \"x\"] }\n");
  auto served = run("eval --policy " + native + " --input " + request);
  EXPECT_EQ(served.out.find("fallback"), std::string::npos) << served.out;
  EXPECT_EQ(served.out.find("interpreter"), std::string::npos) << served.out;
  EXPECT_NE(served.out.find(R"("decision": "allow")"), std::string::npos) << served.out;
}

TEST_F(Cli, EvalPrintsTheDecisionAsJson) {
  std::string policy = write("p.writ", std::string(kClean));
  std::string request = write("r.json", R"({"kind": "issue", "issuer": "github", "header": {"alg": "RS256"},
    "claims": {"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": "repo:a/b:ref:refs/heads/main",
      "exp": 2000, "iat": 900, "nbf": 900, "jti": "j", "actor": "x", "actor_id": "1", "repository": "a/b", "repository_id": "5005",
      "repository_owner": "a", "repository_owner_id": "1", "repository_visibility": "private", "ref": "refs/heads/main",
      "ref_type": "branch", "sha": "s", "head_ref": "", "base_ref": "", "event_name": "push", "workflow": "w", "workflow_ref": "w",
      "workflow_sha": "s", "job_workflow_ref": "j", "job_workflow_sha": "s", "run_id": "1", "run_number": "1", "run_attempt": "1"},
    "request": {"role": "deployer", "time": 1000}})");
  auto r = run("eval --policy " + policy + " --input " + request);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto decision = nlohmann::json::parse(r.out);
  EXPECT_EQ(decision["decision"], "allow");
  EXPECT_EQ(decision["rules"], nlohmann::json::array({"r"}));
  EXPECT_EQ(decision["grant"]["ttl"], 3600);
  EXPECT_EQ(decision["policy_version"].get<std::string>().substr(0, 7), "sha256:");
  auto denied =
      run("eval --fail-on-deny --policy " + policy, write("d.json", R"({"kind": "access", "principal": {"role": "x"},
    "request": {"action": "a", "resource": "r", "time": 1}})"));
  EXPECT_EQ(denied.exit_code, 3) << denied.out;
  auto bad = run("eval --policy " + policy, write("bad.json", "{\"kind\": \"issue\", \"kind\": \"issue\"}"));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("appears twice"), std::string::npos) << bad.out;
  EXPECT_EQ(run("eval --policy " + write("broken.writ", "const x = nope\n"), write("e.json", "{}")).exit_code, 1);
  // An oversized request is refused without being read whole.
  auto huge = run("eval --policy " + policy, write("huge.json", std::string(3u << 20, ' ')));
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.out.find("larger than the limit of 1048576 bytes"), std::string::npos) << huge.out.substr(0, 500);
}

// Issue 12, finding 2: nothing in a policy directory is skipped in silence. A forbid in a file
// that cannot be read must not disappear with `0 errors`.
TEST_F(Cli, PolicyDirectoryEntriesThatCannotBeReadAreErrors) {
  fs::create_directories(dir_ / "p" / "locked");
  write("p/ok.writ", kClean);
  write("p/locked/forbid.writ", "forbid issue * to *\n");
  fs::permissions(dir_ / "p" / "locked", fs::perms::none);
  fs::permissions(dir_, fs::perms::all);  // so another user can reach p/
  // As root every directory is readable: run as an unprivileged user instead.
  std::string as_user = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  std::string cmd = "cd " + dir_.string() + " && NO_COLOR=1 " + as_user + WRIT_BINARY + " check p 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  fs::permissions(dir_ / "p" / "locked", fs::perms::owner_all);
  EXPECT_EQ(WEXITSTATUS(status), 2) << out;
  EXPECT_NE(out.find("p/locked: cannot be read: Permission denied"), std::string::npos) << out;

  // A FIFO, a dangling link and a link to a directory are named, not dropped (nor waited on).
  fs::path q = dir_ / "q";
  fs::create_directories(q / "real");
  write("q/ok.writ", kClean);
  ASSERT_EQ(::mkfifo((q / "pipe.writ").c_str(), 0600), 0);
  fs::create_symlink(q / "missing.writ", q / "dangling.writ");
  fs::create_directory_symlink(q / "real", q / "linked");
  auto r = run("check " + q.string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("pipe.writ: is not a regular file or directory"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dangling.writ: is a dangling symbolic link"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("linked: is a symbolic link to a directory, which is not followed"), std::string::npos) << r.out;
}

// Issue 12, finding 6: inputs are bounded before they are read, and never block.
TEST_F(Cli, InputsAreBoundedAndNonRegularFilesRefused) {
  auto zero = run("fmt --check /dev/zero");
  EXPECT_EQ(zero.exit_code, 2) << zero.out;
  EXPECT_NE(zero.out.find("writ fmt: /dev/zero: is not a regular file"), std::string::npos) << zero.out;
  std::string fifo = (dir_ / "policy.writ").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto check = run("check " + fifo);
  EXPECT_EQ(check.exit_code, 2) << check.out;
  EXPECT_NE(check.out.find("policy.writ: is not a regular file"), std::string::npos) << check.out;
  std::string sparse = write("big.bundle", "");
  fs::resize_file(sparse, std::uintmax_t{1} << 30);
  auto bundle = run("eval --bundle " + sparse + " --input " + write("r.json", "{}"));
  EXPECT_EQ(bundle.exit_code, 2) << bundle.out;
  EXPECT_NE(bundle.out.find("is larger than the limit of 268435456 bytes"), std::string::npos) << bundle.out;
  auto input_dir = run("eval --policy " + write("ok.writ", kClean) + " --input " + dir_.string());
  EXPECT_EQ(input_dir.exit_code, 2) << input_dir.out;
  EXPECT_NE(input_dir.out.find("is a directory, not a file"), std::string::npos) << input_dir.out;
  std::string big = write("big.writ", std::string((8u << 20) + 1, ' '));
  auto fmt = run("fmt --check " + big);
  EXPECT_EQ(fmt.exit_code, 2) << fmt.out;
  EXPECT_NE(fmt.out.find("is larger than the limit of 8388608 bytes"), std::string::npos) << fmt.out;
}

// Issue 12, finding 10: the policy version is the same however the policy's path is typed, so a
// right bundle is never refused as stale and audit lines agree.
TEST_F(Cli, PolicyVersionDoesNotDependOnHowThePathIsTyped) {
  std::string bundle = (dir_ / "gh.wbundle").string();
  ASSERT_EQ(run("compile examples/github-actions --tier fast -o " + bundle, "", true).exit_code, 0);
  std::string source = WRIT_SOURCE_DIR;
  std::string request = " --input " + source + "/examples/github-actions/requests/prod-deploy.json";
  std::string version;
  for (const std::string& policy :
       {std::string("examples/github-actions"), std::string("./examples/github-actions/"),
        source + "/examples/github-actions", source + "/examples/../examples/github-actions"}) {
    auto r = run("eval --policy " + policy + " --bundle " + bundle + request, "", true);
    EXPECT_EQ(r.exit_code, 0) << policy << "\n" << r.out;
    auto decided = nlohmann::json::parse(run("eval --policy " + policy + request, "", true).out);
    if (version.empty()) version = decided["policy_version"];
    EXPECT_EQ(decided["policy_version"], version) << policy;
    if (policy[0] == '/') {  // and from another working directory
      auto elsewhere = run("eval --policy " + policy + request, "", false);
      ASSERT_EQ(elsewhere.exit_code, 0) << elsewhere.out;
      EXPECT_EQ(nlohmann::json::parse(elsewhere.out)["policy_version"], version);
    }
  }
}

// Found by the second review: a constant that checks but does not evaluate passed `writ check` and
// then stopped the policy from loading. It is E4008 at the constant.
TEST_F(Cli, CheckEvaluatesConstantsAsTheLoaderDoes) {
  auto r = run("check " + write("c.writ", "const unused = 9223372036854775807 + 1\n"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  // The golden file of E4008 (the checker alone cannot show it: `writ check` evaluates constants).
  fs::path golden = fs::path(WRIT_SOURCE_DIR) / "tests" / "golden" / "generated" / "constant_evaluation.expected";
  std::string shown = r.out.substr(r.out.find("c.writ:"));
  if (const char* update = std::getenv("WRIT_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1")
    std::ofstream(golden, std::ios::binary) << shown;
  EXPECT_EQ(shown, read(golden.string()));
  EXPECT_NE(r.out.find("c.writ:1:7: error[E4008]: constant `unused`: `9223372036854775807 + 1` overflows"),
            std::string::npos)
      << r.out;
}

// Found by the review: two policy arguments in the other order load their rules in the other
// order, so they are another policy version (they had the same one).
TEST_F(Cli, PolicyVersionFollowsTheOrderOfPolicyArguments) {
  fs::create_directories(dir_ / "a");
  fs::create_directories(dir_ / "b");
  write("a/p.writ", "@id(\"x\") permit access \"a\" on \"b\" by role \"c\"\n");
  write("b/p.writ", "@id(\"y\") permit access \"a\" on \"b\" by role \"c\"\n");
  std::string request =
      write("r.json", R"({"kind":"access","principal":{"role":"c"},"request":{"action":"a","resource":"b","time":1}})");
  auto ab = nlohmann::json::parse(
      run("eval -p " + (dir_ / "a").string() + " -p " + (dir_ / "b").string() + " -i " + request).out);
  auto ba = nlohmann::json::parse(
      run("eval -p " + (dir_ / "b").string() + " -p " + (dir_ / "a").string() + " -i " + request).out);
  EXPECT_EQ(ab["rules"], nlohmann::json::array({"x", "y"}));
  EXPECT_EQ(ba["rules"], nlohmann::json::array({"y", "x"}));
  EXPECT_NE(ab["policy_version"], ba["policy_version"]);
}

// Issue 12, finding 9: bundles signed with `writ compile --sign` load under `--trust` with that
// key only; unsigned bundles and other keys are refused (exit 1).
TEST_F(Cli, SignedBundlesAndTrustedKeys) {
  std::string key = (dir_ / "key.pem").string(), pub = (dir_ / "pub.pem").string();
  std::string other_key = (dir_ / "other.pem").string(), other_pub = (dir_ / "other.pub.pem").string();
  ASSERT_EQ(run("keygen " + key + " " + pub).exit_code, 0);
  ASSERT_EQ(run("keygen " + other_key + " " + other_pub).exit_code, 0);
  EXPECT_EQ(fs::status(key).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  std::string signed_bundle = (dir_ / "signed.wbundle").string(), plain = (dir_ / "plain.wbundle").string();
  ASSERT_EQ(
      run("compile examples/github-actions --tier fast --sign " + key + " -o " + signed_bundle, "", true).exit_code, 0);
  ASSERT_EQ(run("compile examples/github-actions --tier fast -o " + plain, "", true).exit_code, 0);
  std::string request = " --input examples/github-actions/requests/prod-deploy.json";
  auto trusted =
      run("eval --bundle " + signed_bundle + " --trust " + other_pub + " --trust " + pub + request, "", true);
  EXPECT_EQ(trusted.exit_code, 0) << trusted.out;
  auto untrusted = run("eval --bundle " + signed_bundle + " --trust " + other_pub + request, "", true);
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.out;
  EXPECT_NE(untrusted.out.find("does not trust"), std::string::npos) << untrusted.out;
  auto unsigned_refused = run("eval --bundle " + plain + " --trust " + pub + request, "", true);
  EXPECT_EQ(unsigned_refused.exit_code, 1) << unsigned_refused.out;
  EXPECT_NE(unsigned_refused.out.find("not signed"), std::string::npos) << unsigned_refused.out;
  EXPECT_EQ(run("eval --bundle " + plain + request, "", true).exit_code, 0);  // no trust configured
  // Keys that are not keys, or of the wrong kind, are usage errors that say so.
  auto bad_sign = run("compile examples/github-actions --tier fast --sign " + pub + " -o " + plain, "", true);
  EXPECT_EQ(bad_sign.exit_code, 1) << bad_sign.out;
  EXPECT_NE(bad_sign.out.find("signing key"), std::string::npos) << bad_sign.out;
  auto bad_trust = run("eval --bundle " + signed_bundle + " --trust /dev/null" + request, "", true);
  EXPECT_EQ(bad_trust.exit_code, 2) << bad_trust.out;
  EXPECT_EQ(run("eval --policy examples/github-actions --trust " + pub + request, "", true).exit_code, 2);
}

// Golden output of `writ eval --explain` on the sample requests of the GitHub Actions example.
TEST_F(Cli, ExplainOutputMatchesGolden) {
  fs::path golden_dir = fs::path(WRIT_SOURCE_DIR) / "tests" / "golden" / "explain";
  const char* update = std::getenv("WRIT_UPDATE_GOLDEN");
  int compared = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(WRIT_SOURCE_DIR) / "examples" / "github-actions" / "requests")) {
    std::string rel = "examples/github-actions/requests/" + entry.path().filename().string();
    for (const char* format : {"text", "json"}) {
      auto r =
          run(std::string("eval --policy examples/github-actions --explain --format ") + format + " --input " + rel, "",
              true);
      EXPECT_EQ(r.exit_code, 0) << r.out;
      fs::path expected = golden_dir / (entry.path().stem().string() + "." + format + ".expected");
      if (update != nullptr && std::string(update) == "1") {
        fs::create_directories(golden_dir);
        std::ofstream(expected, std::ios::binary) << r.out;
        continue;
      }
      EXPECT_EQ(r.out, read(expected.string())) << expected;
      ++compared;
    }
  }
  if (update == nullptr) {
    EXPECT_GE(compared, 6);
  }
}

// Native code and the interpreter give byte-identical output for the example requests.
TEST_F(Cli, EvalEnginesAgree) {
  for (const auto& entry :
       fs::directory_iterator(fs::path(WRIT_SOURCE_DIR) / "examples" / "github-actions" / "requests")) {
    std::string input = " --policy examples/github-actions --input examples/github-actions/requests/" +
                        entry.path().filename().string();
    auto native = run("eval --engine native" + input, "", true);
    auto interpreter = run("eval --engine interpreter" + input, "", true);
    EXPECT_EQ(native.exit_code, 0) << native.out;
    EXPECT_EQ(native.out, interpreter.out) << entry.path();
  }
  EXPECT_EQ(run("eval --engine jit --policy " + write("p.writ", kClean), write("r.json", "{}")).exit_code, 2);
}

// `writ compile` writes a bundle that `writ eval --bundle` decides with exactly as the sources
// do (explanations too), and a damaged or stale bundle is refused with exit code 1.
TEST_F(Cli, CompiledBundlesDecideAsTheirSourcesAndBadOnesAreRefused) {
  std::string bundle = (dir_ / "gh.wbundle").string();
  auto compiled = run("compile examples/github-actions -o " + bundle, "", true);
  ASSERT_EQ(compiled.exit_code, 0) << compiled.out;
  EXPECT_NE(compiled.out.find("7 rules, optimized tier"), std::string::npos) << compiled.out;
  for (const auto& entry :
       fs::directory_iterator(fs::path(WRIT_SOURCE_DIR) / "examples" / "github-actions" / "requests")) {
    std::string input = " --explain --input examples/github-actions/requests/" + entry.path().filename().string();
    auto from_bundle = run("eval --bundle " + bundle + input, "", true);
    auto from_sources = run("eval --policy examples/github-actions" + input, "", true);
    EXPECT_EQ(from_bundle.exit_code, 0) << from_bundle.out;
    EXPECT_EQ(from_bundle.out, from_sources.out) << entry.path();
    // With the sources it came from, a bundle is current.
    EXPECT_EQ(run("eval --policy examples/github-actions --bundle " + bundle + input, "", true).out, from_sources.out);
  }
  std::string request = " --input examples/github-actions/requests/prod-deploy.json";
  auto stale = run("eval --policy examples/kubernetes --bundle " + bundle + request, "", true);
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.out.find("stale"), std::string::npos) << stale.out;
  std::string bytes = read(bundle);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  auto damaged = run("eval --bundle " + write("damaged.wbundle", bytes) + request, "", true);
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.out.find("damaged or was modified"), std::string::npos) << damaged.out;
  EXPECT_EQ(run("eval --bundle " + (dir_ / "missing.wbundle").string() + request, "", true).exit_code, 2);
  EXPECT_EQ(run("eval --bundle " + dir_.string() + request, "", true).exit_code, 2);  // a directory
  auto empty = run("eval --bundle " + write("empty.wbundle", "") + request, "", true);
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.out.find("not a Writ bundle"), std::string::npos) << empty.out;
  EXPECT_EQ(run("eval" + request, "", true).exit_code, 2);  // neither --policy nor --bundle

  auto json_summary = run("compile examples/github-actions --tier fast --format json -o " + bundle, "", true);
  ASSERT_EQ(json_summary.exit_code, 0) << json_summary.out;
  auto manifest = nlohmann::json::parse(json_summary.out);
  EXPECT_EQ(manifest["code"]["tier"], "fast");
  EXPECT_EQ(manifest["rules"], 7);
  EXPECT_EQ(manifest["format"], "writ-bundle");
  EXPECT_EQ(run("compile examples/github-actions", "", true).exit_code, 2);  // no -o
  EXPECT_EQ(
      run("compile examples/github-actions -o " + (dir_ / "no" / "such" / "dir.wbundle").string(), "", true).exit_code,
      2);
  EXPECT_EQ(run("compile " + write("bad.writ", "permit issue"), "", true).exit_code, 1);
  auto ir = run("compile --emit-ir examples/github-actions", "", true);
  EXPECT_EQ(ir.exit_code, 0) << ir.out;
  EXPECT_NE(ir.out.find("rule "), std::string::npos) << ir.out;
}

TEST_F(Cli, BenchReportsCompileTimeAndLatency) {
  auto r =
      run("bench --seconds 0.02 --format json --policy examples/github-actions --input "
          "examples/github-actions/requests/prod-deploy.json",
          "", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["native"], true);
  EXPECT_EQ(out["decision"], "allow");
  for (const char* tier : {"interpreter", "fast_tier", "optimized_tier"}) {
    EXPECT_GT(out["decide_ns"][tier]["bound"].get<double>(), 0.0) << tier;
    EXPECT_GT(out["decide_ns"][tier]["from_json"].get<double>(), 0.0) << tier;
  }
  EXPECT_GT(out["compile_ms"]["optimized_tier"].get<double>(), 0.0);
  auto text = run(
      "bench --seconds 0.02 --policy examples/github-actions --input examples/github-actions/requests/prod-deploy.json",
      "", true);
  EXPECT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("speed-up"), std::string::npos) << text.out;
  EXPECT_EQ(run("bench --policy examples/github-actions", "", true).exit_code, 2);  // --input is required
  EXPECT_EQ(run("bench --policy examples/github-actions --input " + write("bad.json", "{"), "", true).exit_code, 2);
}

TEST_F(Cli, TestRunsTestBlocksAndSummarises) {
  write("p.writ", kClean);
  write("p_test.writ", R"(
const tok = { iss: "https://token.actions.githubusercontent.com", aud: "sts.amazonaws.com", sub: "s", exp: 2000, iat: 1000,
  nbf: 900, jti: "j", actor: "x", actor_id: "1", repository: "a/b", repository_id: "5005", repository_owner: "a",
  repository_owner_id: "1", repository_visibility: "private", ref: "refs/heads/main", ref_type: "branch", sha: "s",
  head_ref: "", base_ref: "", event_name: "push", workflow: "w", workflow_ref: "w", workflow_sha: "s",
  job_workflow_ref: "j", job_workflow_sha: "s", run_id: "1", run_number: "1", run_attempt: "1" }
test "allowed" { issuer: github  token: tok  role: "deployer"  expect: allow }
test "wrong expectation" { issuer: github  token: tok  with: { repository_id: "6" }  role: "deployer"  expect: allow }
)");
  auto r = run("test --coverage " + dir_.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("p_test.writ:8: test \"wrong expectation\" failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected allow, got deny (no_permit)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("because: `token.repository_id` is \"6\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coverage: 1 of 1 rules matched in some test"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - 19), "1 passed, 1 failed\n");
}

// Issue 12, finding 13: a deny test passed when the token did not bind or the role was
// misspelled; `with` and `without` typos were accepted in silence.
TEST_F(Cli, DenyTestsMustBeDeniedByThePolicy) {
  write("p.writ", kClean);
  std::string tok = R"(
const tok = { iss: "https://token.actions.githubusercontent.com", aud: "sts.amazonaws.com", sub: "s", exp: 2000, iat: 1000,
  nbf: 900, jti: "j", actor: "x", actor_id: "1", repository: "a/b", repository_id: "5005", repository_owner: "a",
  repository_owner_id: "1", repository_visibility: "private", ref: "refs/heads/main", ref_type: "branch", sha: "s",
  head_ref: "", base_ref: "", event_name: "push", workflow: "w", workflow_ref: "w", workflow_sha: "s",
  job_workflow_ref: "j", job_workflow_sha: "s", run_id: "1", run_number: "1", run_attempt: "1" }
)";
  write("p_test.writ", tok + R"(
test "unbound token" { issuer: github  token: tok  with: { run_id: 5 }  role: "deployer"  expect: deny }
test "unbound token, said" { issuer: github  token: tok  with: { run_id: 5 }  role: "deployer"  expect: deny
  reason: "token.invalid_claims" }
test "misspelled role" { issuer: github  token: tok  role: "deploer"  expect: deny }
test "policy denies" { issuer: github  token: tok  with: { repository_id: "6" }  role: "deployer"  expect: deny }
)");
  auto r = run("test " + dir_.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("test \"unbound token\" failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("denied with `token.invalid_claims` before any rule"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no permit rule is for role `deploer`"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("test \"unbound token, said\" failed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("test \"policy denies\" failed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - 19), "2 passed, 2 failed\n");

  // With a forbid for every role, a misspelt role is still no permit's (found by the review).
  write("f.writ", "@id(\"never\") forbid issue * to github when { token.actor == \"x\" }\n");
  write("p_test.writ", tok + R"(
test "misspelled role, forbid everywhere" { issuer: github  token: tok  role: "deploer"  expect: deny }
)");
  auto forbid = run("test " + dir_.string());
  EXPECT_EQ(forbid.exit_code, 1) << forbid.out;
  EXPECT_NE(forbid.out.find("no permit rule is for role `deploer`"), std::string::npos) << forbid.out;
  fs::remove(dir_ / "f.writ");
  // Access tests too: a misspelt action leaves no permit to deny it.
  write("a.writ", "@id(\"read\") permit access \"data.read\" on \"data/*\" by role \"reader\"\n");
  write("p_test.writ", R"(
test "misspelled action" { principal: { role: "reader" }  action: "data.raed"  resource: "data/1"  time: 1  expect: deny }
test "denied by the policy" { principal: { role: "writer" }  action: "data.read"  resource: "data/1"  time: 1  expect: deny
  reason: "no_permit" }
)");
  auto access = run("test " + dir_.string());
  EXPECT_EQ(access.exit_code, 1) << access.out;
  EXPECT_NE(access.out.find("test \"misspelled action\" failed"), std::string::npos) << access.out;
  EXPECT_NE(access.out.find("no permit rule is for this request"), std::string::npos) << access.out;
  EXPECT_EQ(access.out.find("test \"denied by the policy\" failed"), std::string::npos) << access.out;
  fs::remove(dir_ / "a.writ");

  write("p_test.writ", tok + R"(
test "typo in with" { issuer: github  token: tok  with: { repositry_id: "6" }  role: "deployer"  expect: deny }
test "typo in without" { issuer: github  token: tok  without: ["enviroment", "/nope/x"]  role: "deployer"  expect: deny }
)");
  auto typos = run("test " + dir_.string());
  EXPECT_EQ(typos.exit_code, 1) << typos.out;
  EXPECT_NE(typos.out.find("error[E1001]: `with` sets `repositry_id`, which schema `github_actions` does not declare"),
            std::string::npos)
      << typos.out;
  EXPECT_NE(typos.out.find("did you mean `repository_id`?"), std::string::npos) << typos.out;
  EXPECT_NE(typos.out.find("`without` removes `enviroment`, which the test's token does not have"), std::string::npos)
      << typos.out;
  EXPECT_NE(typos.out.find("`without` removes `/nope/x`"), std::string::npos) << typos.out;
}

TEST_F(Cli, BundledExampleTestsPass) {
  for (const auto& entry : fs::directory_iterator(fs::path(WRIT_SOURCE_DIR) / "examples")) {
    if (!entry.is_directory()) continue;
    auto r = run("test --coverage " + entry.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find(" 0 failed"), std::string::npos) << r.out;
  }
}

}  // namespace
