// Builds the AST from ANTLR's parse tree, decoding literals and bounding nesting depth.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/internal/antlr.h"
#include "compiler/syntax/internal/offsets.h"

namespace writ::syntax {

class AstBuilder {
 public:
  AstBuilder(FileId file, std::string_view text, const OffsetMap& offsets, diag::DiagnosticSink& sink, int max_depth)
      : file_(file), text_(text), offsets_(offsets), sink_(sink), max_depth_(max_depth) {}

  void build_file(WritParser::FileContext* ctx, ast::File& out);
  void collect_comments(antlr4::CommonTokenStream& tokens, ast::File& out);

 private:
  // Every expression node is made here, so the file can say how many it has (File::expr_count).
  ast::ExprPtr new_expr() {
    ++expr_count_;
    return std::make_unique<ast::Expr>();
  }
  Span span(antlr4::ParserRuleContext* ctx) const { return offsets_.context_span(file_, ctx); }
  Span span(antlr4::Token* token) const { return offsets_.token_span(file_, token); }
  Span span(antlr4::tree::TerminalNode* node) const { return span(node->getSymbol()); }

  std::unique_ptr<ast::SchemaDecl> build_schema(WritParser::SchemaDeclContext* ctx);
  std::unique_ptr<ast::IssuerDecl> build_issuer(WritParser::IssuerDeclContext* ctx);
  std::unique_ptr<ast::ConstDecl> build_const(WritParser::ConstDeclContext* ctx);
  std::unique_ptr<ast::RuleDecl> build_rule(WritParser::RuleDeclContext* ctx);
  ast::FieldDecl build_field(WritParser::FieldDeclContext* ctx);
  ast::TypeExpr build_type(WritParser::TypeExprContext* ctx);
  ast::Setting build_setting(WritParser::SettingContext* ctx);
  ast::NameSet build_name_set(WritParser::NameSetContext* ctx);
  ast::Annotation build_annotation(WritParser::AnnotationContext* ctx);
  void build_conditions(WritParser::WhenClauseContext* ctx, ast::RuleDecl& rule);

  ast::ExprPtr build_expr(WritParser::ExprContext* ctx);
  ast::ExprPtr build_expr_inner(WritParser::ExprContext* ctx);
  ast::ExprPtr build_primary(WritParser::PrimaryContext* ctx);
  ast::ExprPtr build_literal(WritParser::LiteralContext* ctx);
  ast::ExprPtr build_call(std::string name, Span name_span, Span whole, WritParser::ArgumentsContext* args,
                          bool method = false);
  ast::ExprPtr build_argument(WritParser::ArgumentContext* ctx);
  ast::ExprPtr error_expr(Span s);

  // Names: IDENT, soft keyword or quoted string.
  std::string field_name(WritParser::FieldNameContext* ctx, bool& quoted);
  std::string string_value(antlr4::Token* token, bool* valid = nullptr);

  FileId file_;
  std::string_view text_;
  const OffsetMap& offsets_;
  diag::DiagnosticSink& sink_;
  int max_depth_;
  std::size_t expr_count_ = 0;
  int depth_ = 0;
  bool reported_depth_ = false;
};

}  // namespace writ::syntax
