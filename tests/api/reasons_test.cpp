// Every reason code has an entry in docs/semantics.md §5.4 and a test that reaches it: a case
// of the conformance suite (run on every engine) expecting it, or a named test of this binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "writ/decision.h"

namespace writ {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<Reason> every_reason() {
  std::vector<Reason> out;
  for (int i = 0; i <= static_cast<int>(Reason::EngineError); ++i) out.push_back(static_cast<Reason>(i));
  return out;
}

// Reasons no conformance case can reach, and the test that does.
const std::map<std::string_view, std::string> kReachedByUnitTest = {
    {"engine.error", "FailClosed.AnExceptionWhileDecidingIsADenyNamingTheVersion"},
};

TEST(Reasons, EveryCodeIsDocumented) {
  std::string semantics = read(std::filesystem::path(WRIT_SOURCE_DIR) / "docs/semantics.md");
  std::string section = semantics.substr(semantics.find("### 5.4 Reasons"));
  section = section.substr(0, section.find("\n## "));
  for (Reason reason : every_reason()) {
    std::string row = "| `" + std::string(reason_code(reason)) + "` | ";
    EXPECT_NE(section.find(row), std::string::npos) << reason_code(reason) << " has no row in docs/semantics.md §5.4";
  }
}

TEST(Reasons, EveryCodeIsReachedByATest) {
  std::string conformance;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(WRIT_SOURCE_DIR) / "tests/conformance")) {
    if (entry.path().extension() == ".json") conformance += read(entry.path());
  }
  const ::testing::UnitTest& tests = *::testing::UnitTest::GetInstance();
  auto registered = [&](const std::string& name) {
    for (int s = 0; s < tests.total_test_suite_count(); ++s) {
      const ::testing::TestSuite& suite = *tests.GetTestSuite(s);
      for (int t = 0; t < suite.total_test_count(); ++t) {
        if (std::string(suite.name()) + "." + suite.GetTestInfo(t)->name() == name) return true;
      }
    }
    return false;
  };
  for (Reason reason : every_reason()) {
    std::string_view code = reason_code(reason);
    bool in_conformance = conformance.find("\"reason\": \"" + std::string(code) + "\"") != std::string::npos;
    auto unit = kReachedByUnitTest.find(code);
    bool by_unit = unit != kReachedByUnitTest.end() && registered(unit->second);
    EXPECT_TRUE(in_conformance || by_unit) << code << " is expected by no conformance case and no named test";
  }
}

}  // namespace
}  // namespace writ
