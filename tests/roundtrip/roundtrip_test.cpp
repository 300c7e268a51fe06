// Formatter round trips over every example and test policy: `fmt` is idempotent, keeps every
// comment, and the formatted file checks to the same program.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "compiler/ast/clone.h"
#include "compiler/ast/print.h"
#include "compiler/driver/policy_set.h"
#include "compiler/fmt/formatter.h"
#include "compiler/syntax/parse.h"

namespace writ {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p);

// Files with syntax errors (some golden tests, by design) have nothing to format.
bool parses_cleanly(const fs::path& p) {
  SourceManager sources;
  FileId id = sources.add(p.string(), read(p));
  diag::DiagnosticSink sink;
  ast::File file = syntax::parse_file(sources, id, sink);
  return !file.had_syntax_errors && !sink.has_errors();
}

std::vector<fs::path> policy_files() {
  std::vector<fs::path> out;
  for (const char* dir : {"examples", "tests/golden", "stdlib/schemas"}) {
    fs::path root = fs::path(WRIT_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() == ".writ" && parses_cleanly(entry.path())) out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A description of the checked program that ignores layout: each rule's id, head and
// conditions as canonical text, plus the diagnostic codes.
std::string program_shape(const LoadedPolicySet& set) {
  std::string out;
  for (const RuleInfo& rule : set.program.rules) {
    out += rule.explicit_id ? rule.id : std::string("<no id>");
    out += rule.decl->effect == ast::Effect::Permit ? " permit" : " forbid";
    for (const ast::Condition& c : rule.decl->conditions) out += "\n  " + c.let_name + " " + ast::print_expr(*c.expr);
    for (const ast::Setting& s : rule.decl->grant) out += "\n  grant " + s.key + " " + ast::print_expr(*s.value);
    out += "\n";
  }
  for (const auto& [name, issuer] : set.program.issuers) out += "issuer " + name + " " + issuer.iss + "\n";
  for (const auto& [name, c] : set.program.constants)
    out += "const " + name + " " + ast::print_expr(*c.decl->value) + "\n";
  for (const diag::Diagnostic& d : set.diagnostics.diagnostics()) out += std::string(diag_info(d.id).code) + "\n";
  return out;
}

class RoundTrip : public ::testing::TestWithParam<fs::path> {};

TEST_P(RoundTrip, FormatIsIdempotentAndPreservesTheProgram) {
  std::string original = read(GetParam());
  SourceManager sources;
  FileId id = sources.add(GetParam().filename().string(), original);
  diag::DiagnosticSink sink;
  ast::File file = syntax::parse_file(sources, id, sink);
  ASSERT_FALSE(file.had_syntax_errors || sink.has_errors());
  std::string once = format_file(file, sources.file(id));
  // A deep copy of the AST prints the same (the driver copies the parsed built-in schemas).
  EXPECT_EQ(format_file(ast::clone(file), sources.file(id)), once) << "clone differs";

  SourceManager sources2;
  FileId id2 = sources2.add(GetParam().filename().string(), once);
  diag::DiagnosticSink sink2;
  ast::File file2 = syntax::parse_file(sources2, id2, sink2);
  ASSERT_FALSE(sink2.has_errors()) << once;
  EXPECT_EQ(format_file(file2, sources2.file(id2)), once) << "not idempotent";
  EXPECT_EQ(file2.comments.size(), file.comments.size()) << "lost comments";

  if (GetParam().parent_path().filename() == "schemas") return;  // built-ins: checked as the stdlib
  auto before = driver::check_sources({{GetParam().filename().string(), original}});
  auto after = driver::check_sources({{GetParam().filename().string(), once}});
  EXPECT_EQ(program_shape(after), program_shape(before));
}

INSTANTIATE_TEST_SUITE_P(Policies, RoundTrip, ::testing::ValuesIn(policy_files()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name =
                               info.param.parent_path().filename().string() + "_" + info.param.stem().string();
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return name + "_" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace writ
