// Tests for the parser: the AST it builds, error recovery, limits and hostile input.
#include <gtest/gtest.h>

#include "compiler/syntax/parse.h"

namespace writ {
namespace {

struct Parsed {
  SourceManager sources;
  diag::DiagnosticSink sink;
  ast::File file;
};

std::unique_ptr<Parsed> parse(std::string text) {
  auto p = std::make_unique<Parsed>();
  FileId id = p->sources.add("t.writ", std::move(text));
  p->file = syntax::parse_file(p->sources, id, p->sink);
  return p;
}

std::vector<std::string> codes(const diag::DiagnosticSink& sink) {
  std::vector<std::string> out;
  for (const auto& d : sink.diagnostics()) out.emplace_back(diag_info(d.id).code);
  return out;
}

TEST(Parser, BuildsRulesWithAnnotationsConditionsAndGrant) {
  auto p = parse(R"(
@id("r1") @owner("team")
permit issue ["a", "b"] to [github, gitlab] when {
  let owner = token.repository_owner_id
  owner == "65"
  token.ref like "refs/heads/*"
} grant { ttl: 15m  scopes: ["x"] }
)");
  ASSERT_TRUE(p->sink.diagnostics().empty());
  ASSERT_EQ(p->file.items.size(), 1u);
  const ast::RuleDecl& r = *p->file.items[0].rule;
  EXPECT_EQ(r.annotations.size(), 2u);
  EXPECT_EQ(r.annotations[0].value, "r1");
  EXPECT_EQ(r.effect, ast::Effect::Permit);
  EXPECT_EQ(r.roles.items.size(), 2u);
  EXPECT_EQ(r.issuers.items[1].text, "gitlab");
  ASSERT_EQ(r.conditions.size(), 3u);
  EXPECT_TRUE(r.conditions[0].is_let);
  EXPECT_EQ(r.conditions[0].let_name, "owner");
  EXPECT_EQ(r.conditions[2].expr->op, ast::Op::Like);
  ASSERT_EQ(r.grant.size(), 2u);
  EXPECT_EQ(r.grant[0].value->int_value, 900);
}

TEST(Parser, PrecedenceAndAssociativity) {
  auto p = parse("const x = 1 + 2 * 3 == 7 && !false || true");
  ASSERT_TRUE(p->sink.diagnostics().empty());
  const ast::Expr& e = *p->file.items[0].constant->value;
  EXPECT_EQ(e.op, ast::Op::Or);
  EXPECT_EQ(e.operands[0]->op, ast::Op::And);
  const ast::Expr& eq = *e.operands[0]->operands[0];
  EXPECT_EQ(eq.op, ast::Op::Eq);
  EXPECT_EQ(eq.operands[0]->op, ast::Op::Add);
  EXPECT_EQ(eq.operands[0]->operands[1]->op, ast::Op::Mul);
}

TEST(Parser, QuotedNamesMethodsQuantifiersAndAccessRules) {
  auto p = parse(R"(
permit access ["db.read"] on "db/payments/*" by spiffe "spiffe://prod.acme/ns/orders/*" when {
  request.resource.starts_with("db/")
  all(s in split(request.principal, "/"), size(s) > 0)
}
const k = token."kubernetes.io".namespace
)");
  ASSERT_TRUE(p->sink.diagnostics().empty()) << codes(p->sink).size();
  const ast::RuleDecl& r = *p->file.items[0].rule;
  EXPECT_EQ(r.kind, ast::RuleKind::Access);
  EXPECT_EQ(r.principal_kind, "spiffe");
  EXPECT_TRUE(r.conditions[0].expr->method_syntax);
  EXPECT_EQ(r.conditions[0].expr->operands.size(), 2u);
  EXPECT_EQ(r.conditions[1].expr->kind, ast::ExprKind::Quantifier);
  EXPECT_EQ(r.conditions[1].expr->details().var, "s");
  const ast::Expr& field = *p->file.items[1].constant->value;
  EXPECT_EQ(field.text, "namespace");
  EXPECT_EQ(field.operands[0]->text, "kubernetes.io");
  EXPECT_TRUE(field.operands[0]->quoted);
}

TEST(Parser, RecoversAndReportsEveryError) {
  auto p = parse(R"(
permit issue "a" to github when { token.x == }
const ok = 1
permit issue to github
const also_ok = 2
)");
  EXPECT_GE(p->sink.error_count(), 2u);
  EXPECT_TRUE(p->file.had_syntax_errors);
  // The declarations between the errors survive.
  int consts = 0;
  for (const auto& item : p->file.items) consts += item.kind == ast::Item::Kind::Const;
  EXPECT_EQ(consts, 2);
}

TEST(Parser, LexicalErrorsHaveTheirOwnCodes) {
  EXPECT_EQ(codes(parse("const s = \"open\n")->sink), (std::vector<std::string>{"E0007"}));
  EXPECT_EQ(codes(parse("const s = \"bad \\q\"")->sink), (std::vector<std::string>{"E0003"}));
  EXPECT_EQ(codes(parse("const n = 99999999999999999999")->sink), (std::vector<std::string>{"E0006"}));
  EXPECT_EQ(codes(parse("const d = 30m1h")->sink), (std::vector<std::string>{"E3006"}));
  auto p = parse("const x = 1 $ 2");
  ASSERT_FALSE(p->sink.diagnostics().empty());
  EXPECT_EQ(p->sink.diagnostics()[0].message, "unexpected character `$`");
}

TEST(Parser, TwoConditionsOnOneLineIsAnError) {
  auto p = parse("permit issue \"a\" to g when { token.a == \"x\" token.b == \"y\" }");
  EXPECT_EQ(codes(p->sink), (std::vector<std::string>{"E0008"}));
  auto ok = parse("permit issue \"a\" to g when { token.a == \"x\"; token.b == \"y\" }");
  EXPECT_TRUE(ok->sink.diagnostics().empty());
}

TEST(Parser, RejectsInvalidUtf8) {
  auto p = parse("const s = \"\xC3\x28\"");
  EXPECT_EQ(codes(p->sink), (std::vector<std::string>{"E0001"}));
  EXPECT_EQ(p->sink.diagnostics()[0].span.begin, 11u);
}

TEST(Parser, BoundsNestingInsteadOfOverflowingTheStack) {
  auto deep = parse("const x = " + std::string(100000, '(') + "1" + std::string(100000, ')'));
  EXPECT_EQ(codes(deep->sink), (std::vector<std::string>{"E0004"}));
  auto nots = parse("const x = " + std::string(100000, '!') + "true");
  EXPECT_EQ(codes(nots->sink), (std::vector<std::string>{"E0004"}));
  std::string chain = "const x = 1";
  for (int i = 0; i < 50000; ++i) chain += " + 1";
  auto long_chain = parse(chain);
  EXPECT_EQ(codes(long_chain->sink), (std::vector<std::string>{"E0004"}));
}

TEST(Parser, SurvivesBinaryJunk) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) % 128));
  auto p = parse(junk);
  EXPECT_TRUE(p->file.had_syntax_errors);
}

TEST(Parser, KeepsComments) {
  auto p = parse("// a\nconst x = 1 /* b */\n// c\n");
  ASSERT_EQ(p->file.comments.size(), 3u);
  EXPECT_EQ(p->file.comments[1].text, "/* b */");
  EXPECT_TRUE(p->file.comments[1].block);
}

}  // namespace
}  // namespace writ
