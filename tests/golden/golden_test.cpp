// Golden tests: each tests/golden/NAME.writ is checked and its rendered diagnostics compared
// with NAME.expected. Set WRIT_UPDATE_GOLDEN=1 to rewrite the expected files.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "compiler/diag/render.h"
#include "compiler/driver/policy_set.h"

namespace writ {
namespace {

namespace fs = std::filesystem;

fs::path golden_dir() {
  return fs::path(WRIT_SOURCE_DIR) / "tests" / "golden";
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<fs::path> golden_inputs() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() == ".writ") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string render_golden(const fs::path& input) {
  LoadedPolicySet set = driver::check_sources({{input.filename().string(), read(input)}});
  std::string out = render_text(set.diagnostics.diagnostics(), set.sources);
  return out + summary_line(set.diagnostics.diagnostics()) + "\n";
}

class GoldenTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(GoldenTest, DiagnosticsMatchExpected) {
  const fs::path input = GetParam();
  fs::path expected_path = input;
  expected_path.replace_extension(".expected");
  std::string actual = render_golden(input);
  const char* update = std::getenv("WRIT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << " (run with WRIT_UPDATE_GOLDEN=1)";
  EXPECT_EQ(actual, read(expected_path)) << "golden mismatch for " << input.filename();
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(golden_inputs()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return name;
                         });

// Inputs too large to keep in the repository are generated; their expected output is kept
// in tests/golden/generated/.
void expect_generated(const std::string& name, const std::string& text) {
  fs::path expected_path = golden_dir() / "generated" / (name + ".expected");
  LoadedPolicySet set = driver::check_sources({{name + ".writ", text}});
  std::string actual =
      render_text(set.diagnostics.diagnostics(), set.sources) + summary_line(set.diagnostics.diagnostics()) + "\n";
  const char* update = std::getenv("WRIT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(expected_path.parent_path());
    std::ofstream(expected_path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(actual, read(expected_path));
}

TEST(GoldenGenerated, FileTooLarge) {
  std::string text = "// " + std::string((8u << 20) - 3, 'x') + "\n";
  expect_generated("file_too_large", text);
}

TEST(GoldenCoverage, EveryDiagnosticCodeHasAGoldenTest) {
  std::string all;
  for (const auto& entry : fs::directory_iterator(golden_dir() / "generated")) all += read(entry.path());
  for (const auto& input : golden_inputs()) {
    fs::path expected = input;
    expected.replace_extension(".expected");
    all += read(expected);
  }
  for (const diag::DiagInfo& info : diag::all_diag_infos()) {
    std::string tag = std::string(severity_name(info.severity)) + "[" + std::string(info.code) + "]";
    EXPECT_NE(all.find(tag), std::string::npos) << "no golden test shows " << info.code << " (" << info.title << ")";
  }
}

TEST(GoldenCoverage, EveryDiagnosticCodeIsDocumented) {
  std::string doc = read(fs::path(WRIT_SOURCE_DIR) / "docs" / "diagnostics.md");
  for (const diag::DiagInfo& info : diag::all_diag_infos()) {
    EXPECT_NE(doc.find("## " + std::string(info.code)), std::string::npos)
        << info.code << " is not in docs/diagnostics.md";
  }
}

}  // namespace
}  // namespace writ
