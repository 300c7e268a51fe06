// The checker's shared state; its passes live in schema_builder.cpp, declarations.cpp,
// expr_checker.cpp and logic.cpp.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/check/program.h"

namespace writ::check {

// A name visible inside an expression: a root (token, request, ...), a `let`, or a
// quantifier variable.
struct Binding {
  std::string name;
  Type type;
  Span span;
  bool used = false;
  bool is_let = false;
};

// What an expression is checked against.
struct ExprScope {
  bool constant_only = false;     // in `const` and settings: no token, no request
  bool window_argument = false;   // weekday names and `..` ranges are allowed
  std::vector<Binding> bindings;  // innermost last
  std::set<std::string> guarded;  // claim paths known present by a `has` earlier
};

class Checker {
 public:
  Checker(Program& program, diag::DiagnosticSink& sink, CheckOptions options)
      : program_(program), sink_(sink), options_(options) {}
  void run();

 private:
  friend class ExprChecker;

  // schema_builder.cpp
  void collect_schemas();
  std::shared_ptr<RecordType> build_schema(const std::string& name);
  void check_test_with(const ast::Expr& with, const Type& schema, const std::string& schema_name);
  void check_test_kind(const ast::TestDecl& test, const std::map<std::string, Span>& seen, bool access, bool principal);
  void check_test_without(const ast::Expr& without, const Type& token);
  void check_registered_claims(const ast::SchemaDecl& decl, const RecordType& record);
  Type resolve_type(const ast::TypeExpr& t);
  // With `spans`: where each returned field was declared (the type model keeps no spans).
  std::vector<FieldInfo> build_fields(const std::vector<ast::FieldDecl>& decls, const std::string& owner,
                                      std::vector<Span>* spans = nullptr);

  // declarations.cpp
  void collect_names();
  void check_issuers();
  void check_constants();
  void check_const(const std::string& name);
  void check_rules();
  void check_rule(const ast::RuleDecl& rule, std::size_t file_index);
  void check_rule_id(const ast::RuleDecl& rule, RuleInfo& info, std::size_t file_index);
  void check_issue_head(const ast::RuleDecl& rule, RuleInfo& info);
  void check_access_head(const ast::RuleDecl& rule, RuleInfo& info);
  void check_trust_domain(const ast::IssuerDecl& decl);
  void check_allow(const ast::Annotation& a);
  void apply_acknowledgements();
  // The issuers a rule names (`to ISSUERS`, `by token ISSUERS`) into `info.issuers`, and the type of
  // `token` in it: the issuers' schema if they share one, else the JWT claims only.
  void resolve_rule_issuers(const ast::NameSet& issuers, RuleInfo& info);
  Type common_token_type(const std::vector<std::string>& issuers);
  void check_grant(const ast::RuleDecl& rule, ExprScope& scope);
  void check_test(const ast::TestDecl& test);
  bool is_builtin_file(std::size_t file_index) const { return file_index < options_.builtin_file_count; }

  // expr_checker.cpp
  Type check_expr(const ast::Expr& e, ExprScope& scope);
  void check_conditions(const ast::RuleDecl& rule, ExprScope& scope);
  void report_unused_lets(const ExprScope& scope);

  // logic.cpp
  void check_rule_logic(const ast::RuleDecl& rule, const RuleInfo& info);

  // helpers shared by the passes
  std::optional<std::string> const_string(const ast::Expr& e);
  std::vector<std::string> schema_names() const;
  std::vector<std::string> issuer_names() const;
  std::shared_ptr<const RecordType> schema(const std::string& name) const;
  // The record type of a schema, or Error if it is missing (only without the built-ins).
  Type schema_type(const std::string& name) const;

  Program& program_;
  diag::DiagnosticSink& sink_;
  CheckOptions options_;
  std::map<std::string, const ast::SchemaDecl*> schema_decls_;
  std::map<std::string, const ast::ConstDecl*> const_decls_;
  std::set<std::string> consts_in_progress_;
  std::set<std::string> schemas_in_progress_;
  // Where each schema's fields (inherited ones included) were declared, parallel to its fields.
  std::map<std::string, std::vector<Span>> schema_field_spans_;
  std::map<std::string, Span> rule_ids_;
  std::vector<std::shared_ptr<const RecordType>> common_token_types_;  // common_token_type's, once each
};

// Canonical path of a claim access rooted at a name (`token.a.b`), or "" if not such a path.
std::string claim_path(const ast::Expr& e);

// A claim path as users write it (`token.a.b`), for messages.
std::string show_path(std::string path);
// A field name as written after `.`: itself if it is an identifier, else quoted (`"kubernetes.io"`).
std::string field_spelling(std::string_view name);
// The `immutable` claims of a token schema, as paths from `token` (W0002's help).
std::vector<std::string> immutable_claims(const RecordType& token);

}  // namespace writ::check
