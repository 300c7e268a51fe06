// The built-in table (compiler/builtins/builtins.def): names resolve both ways, and every
// built-in is documented in docs/language.md, decided by the conformance suite (which runs on the
// interpreter and on native code) and named in the fuzzers' dictionary.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "compiler/builtins/builtins.h"
#include "stdlib/files.h"

namespace writ {
namespace {

// The project's bounded reader, as every other file read goes.
std::string read(const std::filesystem::path& path) {
  auto text = stdlib::read_file_limited(path.string(), 16u << 20);
  EXPECT_TRUE(text) << path;
  return text ? std::move(text).value() : std::string();
}

TEST(Builtins, NamesResolveBothWaysAndUnknownNamesDoNot) {
  std::set<std::string_view> names;
  for (const BuiltinInfo& b : builtins()) {
    EXPECT_EQ(find_builtin(b.name), b.id) << b.name;
    EXPECT_EQ(&builtin_info(b.id), &b) << b.name;
    EXPECT_TRUE(names.insert(b.name).second) << b.name << " is in the table twice";
    EXPECT_LE(b.min_args, b.max_args) << b.name;
    EXPECT_EQ(b.usage.substr(0, b.name.size() + 1), std::string(b.name) + "(") << "usage of " << b.name;
  }
  EXPECT_EQ(find_builtin("startswith"), Builtin::None);
  EXPECT_EQ(find_builtin(""), Builtin::None);
  EXPECT_EQ(find_builtin("Lower"), Builtin::None);
}

TEST(Builtins, EveryOneIsDocumented) {
  std::string language = read(std::filesystem::path(WRIT_SOURCE_DIR) / "docs/language.md");
  auto section = language.find("### Built-in functions");
  ASSERT_NE(section, std::string::npos);
  std::string functions = language.substr(section, language.find("\n## ", section) - section);
  for (const BuiltinInfo& b : builtins()) {
    // `has` has a section of its own (optional claims); the rest are in the table.
    const std::string& where = b.id == Builtin::Has ? language : functions;
    EXPECT_NE(where.find("`" + std::string(b.name) + "("), std::string::npos)
        << b.name << " is not documented in docs/language.md";
  }
}

TEST(Builtins, EveryOneIsDecidedByTheConformanceSuite) {
  std::string suite;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(WRIT_SOURCE_DIR) / "tests/conformance")) {
    if (entry.path().extension() == ".json") suite += read(entry.path());
  }
  for (const BuiltinInfo& b : builtins()) {
    bool called = suite.find(std::string(b.name) + "(") != std::string::npos ||
                  suite.find("." + std::string(b.name) + "(") != std::string::npos;
    EXPECT_TRUE(called) << b.name << " is in no conformance case";
  }
}

// The parser and checker fuzzers reach every built-in only if their dictionary names it.
TEST(Builtins, EveryOneIsInTheFuzzDictionary) {
  std::string dict = read(std::filesystem::path(WRIT_SOURCE_DIR) / "tests/fuzz/dict/writ.dict");
  for (const BuiltinInfo& b : builtins()) {
    EXPECT_NE(dict.find("\"" + std::string(b.name) + "(\""), std::string::npos)
        << b.name << " is not in tests/fuzz/dict/writ.dict";
  }
}

}  // namespace
}  // namespace writ
