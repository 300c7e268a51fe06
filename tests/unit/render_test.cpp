// Tests for the text, JSON and SARIF renderers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "compiler/diag/render.h"
#include "tests/unit/test_support.h"

namespace writ::testing {
namespace {

const char* const kBad = "const a = 1\nconst b = nope\n";

TEST(Render, TextShowsLocationCodeSnippetAndUnderline) {
  auto set = check_text(kBad);
  std::string text = rendered(set);
  EXPECT_NE(text.find("test.writ:2:11: error[E1004]: unknown name `nope`"), std::string::npos) << text;
  EXPECT_NE(text.find("2 | const b = nope\n  |           ^^^^\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos);
}

TEST(Render, TextColourIsOptIn) {
  auto set = check_text(kBad);
  std::string text = render_text(set.diagnostics.diagnostics(), set.sources, diag::TextRenderOptions{true});
  EXPECT_NE(text.find("\x1b[1;31m"), std::string::npos);
}

TEST(Render, TabsAndWideCharactersKeepTheCaretAligned) {
  auto set = check_text("const s = \"\xC3\xA9\xC3\xA9\"\n\tconst b = nope\n");
  std::string text = rendered(set);
  EXPECT_NE(text.find("2 |     const b = nope\n  |               ^^^^"), std::string::npos) << text;
}

TEST(Render, VeryLongLinesAreCutToAWindowAroundTheSpan) {
  std::string text = "const a = [" + std::string(500, ' ') + "nope]\n";
  auto set = check_text(text);
  std::string out = rendered(set);
  EXPECT_NE(out.find("1 | ..."), std::string::npos) << out;
  EXPECT_NE(out.find("nope]"), std::string::npos);
  for (std::size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_LE(end - start, 200u) << out.substr(start, end - start);
  }
  // The caret still sits under `nope`.
  auto line = out.find("1 | ...");
  auto caret = out.find('^', line);
  auto nope = out.find("nope", line);
  EXPECT_EQ(caret - out.rfind('\n', caret), nope - out.rfind('\n', nope));
}

TEST(Render, JsonIsStableAndComplete) {
  auto set = check_text(kBad);
  auto doc = nlohmann::json::parse(render_json(set.diagnostics.diagnostics(), set.sources));
  EXPECT_EQ(doc["errors"], 1);
  EXPECT_EQ(doc["warnings"], 0);
  const auto& d = doc["diagnostics"][0];
  EXPECT_EQ(d["code"], "E1004");
  EXPECT_EQ(d["severity"], "error");
  EXPECT_EQ(d["location"]["file"], "test.writ");
  EXPECT_EQ(d["location"]["line"], 2);
  EXPECT_EQ(d["location"]["column"], 11);
  EXPECT_EQ(d["location"]["end_column"], 15);
}

TEST(Render, SarifFollowsTheSchemaShape) {
  auto set = check_text(kBad);
  auto log = nlohmann::json::parse(render_sarif(set.diagnostics.diagnostics(), set.sources, "0.1.0"));
  EXPECT_EQ(log["version"], "2.1.0");
  const auto& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "writ");
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), diag::all_diag_infos().size());
  const auto& result = run["results"][0];
  EXPECT_EQ(result["ruleId"], "E1004");
  EXPECT_EQ(result["level"], "error");
  const auto& rule = run["tool"]["driver"]["rules"][result["ruleIndex"].get<std::size_t>()];
  EXPECT_EQ(rule["id"], "E1004");
  const auto& region = result["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(region["startLine"], 2);
  EXPECT_EQ(region["startColumn"], 11);
}

TEST(Render, SummaryLine) {
  auto set = check_text(kBad);
  EXPECT_EQ(summary_line(set.diagnostics.diagnostics()), "1 error, 0 warnings");
}

}  // namespace
}  // namespace writ::testing
