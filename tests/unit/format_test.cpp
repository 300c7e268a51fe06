// Tests for the formatter: layout, comments, idempotence.
#include <gtest/gtest.h>

#include "compiler/fmt/formatter.h"
#include "compiler/syntax/parse.h"

namespace writ {
namespace {

std::string fmt_text(const std::string& text) {
  SourceManager sources;
  FileId id = sources.add("t.writ", text);
  diag::DiagnosticSink sink;
  ast::File file = syntax::parse_file(sources, id, sink);
  EXPECT_FALSE(sink.has_errors());
  return format_file(file, sources.file(id));
}

TEST(Format, CanonicalLayout) {
  std::string out = fmt_text(
      "issuer g=\"https://g\"{schema:github_actions audience:\"a\" algorithms:[RS256]}\n"
      "@id(\"r\") permit issue \"x\" to g when{token.ref==\"refs/heads/main\";token.sha!=\"0\"}grant{ttl:15m}");
  EXPECT_EQ(out,
            "issuer g = \"https://g\" {\n"
            "  schema: github_actions\n"
            "  audience: \"a\"\n"
            "  algorithms: [RS256]\n"
            "}\n"
            "\n"
            "@id(\"r\")\n"
            "permit issue \"x\" to g when {\n"
            "  token.ref == \"refs/heads/main\"\n"
            "  token.sha != \"0\"\n"
            "} grant {\n"
            "  ttl: 15m\n"
            "}\n");
}

TEST(Format, EmptyBlocksStayOnOneLine) {
  EXPECT_EQ(fmt_text("issuer x = \"y\" { }\nschema s { }\ntest \"t\" {}\nconst a = 1"),
            "issuer x = \"y\" {}\n\nschema s {}\n\ntest \"t\" {}\n\nconst a = 1\n");
  EXPECT_EQ(fmt_text("permit issue \"r\" to g when { } grant { }"), "permit issue \"r\" to g when {} grant {}\n");
}

TEST(Format, KeepsEveryComment) {
  std::string src =
      "// header\n\n"
      "// about the const\n"
      "const a = [\"x\"] // trailing\n"
      "schema s { // after brace\n"
      "  // lead\n"
      "  f: string // trail\n"
      "  /* block */\n"
      "}\n"
      "// the end\n";
  std::string out = fmt_text(src);
  for (const char* c : {"// header", "// about the const", "// trailing", "// after brace", "// lead", "// trail",
                        "/* block */", "// the end"}) {
    EXPECT_NE(out.find(c), std::string::npos) << c << "\n" << out;
  }
  EXPECT_EQ(fmt_text(out), out);
}

// A record nested in a record: trying the outer one on one line must not take the comments of
// the inner one's lines (found by fuzz_check: the comment was lost, and the layout changed on a
// second pass).
TEST(Format, KeepsCommentsInNestedRecords) {
  std::string src =
      "schema s {\n"
      "  a: {\n"
      "    n: {\n"
      "      b: string  // inner trail\n"
      "      // inner lead\n"
      "      d: int\n"
      "    }?\n"
      "  }\n"
      "  e: { f: { g: string, h: string, i: string, j: string, k: string, l: string, m: string } }  // after\n"
      "}\n";
  std::string out = fmt_text(src);
  for (const char* c : {"// inner trail", "// inner lead", "// after"}) {
    EXPECT_NE(out.find(c), std::string::npos) << c << "\n" << out;
  }
  EXPECT_EQ(fmt_text(out), out);
}

TEST(Format, KeepsParenthesesAndAddsNeededOnes) {
  EXPECT_EQ(fmt_text("const a = (1 + 2) * 3"), "const a = (1 + 2) * 3\n");
  EXPECT_EQ(fmt_text("const a = !(true && false)"), "const a = !(true && false)\n");
  EXPECT_EQ(fmt_text("const a = 1 - (2 - 3)"), "const a = 1 - (2 - 3)\n");
}

TEST(Format, BreaksLongListsOneItemPerLine) {
  std::string list = "const repos = [";
  for (int i = 0; i < 20; ++i) list += (i ? ", " : "") + std::string("\"acme/repository-") + std::to_string(i) + "\"";
  list += "]";
  std::string out = fmt_text(list);
  EXPECT_NE(out.find("[\n  \"acme/repository-0\",\n"), std::string::npos) << out;
  EXPECT_EQ(fmt_text(out), out);
}

TEST(Format, NormalisesStringsAndQuotedNames) {
  EXPECT_EQ(fmt_text("const a = token.\"kubernetes.io\".namespace"), "const a = token.\"kubernetes.io\".namespace\n");
  EXPECT_EQ(fmt_text("const a = token.\"plain\""), "const a = token.plain\n");
  EXPECT_EQ(fmt_text("const a = \"\\u{41}\\/\""), "const a = \"A/\"\n");
}

}  // namespace
}  // namespace writ
