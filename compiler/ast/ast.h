// The Writ abstract syntax tree: declarations, rules and expressions, each with its source span.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/builtins/builtins.h"
#include "compiler/source/source.h"
#include "compiler/types/types.h"

namespace writ::ast {

// ----- Expressions ----------------------------------------------------------------------

enum class ExprKind : std::uint8_t {
  String,       // "text"             text = decoded value
  Int,          // 42                 int_value
  Bool,         // true               int_value = 0 / 1
  Duration,     // 15m                int_value = seconds, text = source spelling
  TimeOfDay,    // 09:30              int_value = minutes since midnight, text = spelling
  Name,         // token              text
  Field,        // a.b                operands[0], text = field name, quoted if written quoted
  Index,        // a[b]               operands[0..1]
  Call,         // f(a, b)            text = function (builtin: which), operands = arguments; method syntax: a.f(b)
  Unary,        // !a  -a             op, operands[0]
  Binary,       // a + b              op, operands[0..1]
  List,         // [a, b]             operands
  Record,       // {k: v}             operands = values, keys
  Range,        // a..b (arguments)   operands[0..1]
  Quantifier,   // all(x in xs, p)    text = "all"/"any" (builtin), var, operands[0] = list, [1] = predicate
  Conditional,  // if c then a else b operands[0..2]
  Error,        // placeholder after a syntax error
};

enum class Op : std::uint8_t {
  None,
  Not,
  Neg,
  Mul,
  Div,
  Mod,
  Add,
  Sub,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  In,
  Like,
  Matches,
  Under,
  And,
  Or,
};

const char* op_spelling(Op op);

// What few expressions need, kept apart so that every other node stays small (a 10,000-rule
// policy has about 400,000 expressions).
struct ExprDetails {
  std::string var;                // Quantifier variable
  std::vector<std::string> keys;  // Record keys, parallel to operands
  std::vector<bool> keys_quoted;
  std::vector<Span> key_spans;
};

struct Expr {
  ExprKind kind = ExprKind::Error;
  Op op = Op::None;
  bool method_syntax = false;  // Call written as `receiver.f(args)`
  bool quoted = false;         // Field or Record key written as a quoted name
  bool parenthesized = false;  // written inside (...), kept by the formatter
  // Binary `under`: the prefix is computed from the request (set by the checker), so an empty
  // value it was built from must not turn it into its parent (stdlib::under_outcome).
  mutable bool computed_prefix = false;
  Builtin builtin = Builtin::None;  // Call and Quantifier: the built-in named (None: unknown)
  // Where the checker recorded this expression's type (Program::type_of); set by the checker.
  mutable std::uint32_t type_slot = UINT32_MAX;
  Span span;
  Span var_span;  // Quantifier variable; Field and Call: the name alone
  std::string text;
  std::int64_t int_value = 0;
  std::vector<std::unique_ptr<Expr>> operands;
  std::unique_ptr<ExprDetails> extra;  // Record and Quantifier only

  // A record's keys and a quantifier's variable (empty for other kinds).
  const ExprDetails& details() const;
  ExprDetails& mutable_details();
};

using ExprPtr = std::unique_ptr<Expr>;

// ----- Types (as written in schemas) ----------------------------------------------------

struct FieldDecl;

struct TypeExpr {
  enum class Kind { Named, Enum, Record, Error } kind = Kind::Error;
  Span span;
  std::string name;                      // Named: string, int, list, a schema ...
  std::unique_ptr<TypeExpr> argument;    // Named with <T>
  std::vector<std::string> enum_values;  // Enum
  std::vector<Span> enum_spans;
  std::vector<FieldDecl> fields;  // Record
  bool optional = false;
};

struct FieldDecl {
  Span span;
  Span name_span;
  std::string name;
  bool quoted = false;
  TypeExpr type;
  Provenance provenance = Provenance::Unqualified;
};

// ----- Declarations ---------------------------------------------------------------------

struct SchemaDecl {
  Span span;
  Span name_span;
  std::string name;
  std::string base;  // empty if none
  Span base_span;
  std::vector<FieldDecl> fields;
};

// `key: expr` in issuer and grant blocks.
struct Setting {
  Span span;
  Span key_span;
  std::string key;
  ExprPtr value;
};

struct IssuerDecl {
  Span span;
  Span name_span;
  std::string name;
  std::string key_kind;  // "" for an `iss` value; "spiffe" for a trust domain (as written)
  Span key_kind_span;
  std::string iss;  // the `iss` value, or the trust domain
  Span iss_span;
  std::vector<Setting> settings;
};

struct ConstDecl {
  Span span;
  Span name_span;
  std::string name;
  ExprPtr value;
};

struct Annotation {
  Span span;
  std::string name;
  std::optional<std::string> value;  // the first value
  Span value_span;
  std::vector<std::string> more_values;  // the values after the first (`@allow(code, reason)`)
  std::vector<Span> more_value_spans;
};

// `*`, one name, or a list: roles, issuers, actions, resources, principal patterns.
struct NameSet {
  Span span;
  bool any = false;
  bool bracketed = false;
  struct Item {
    Span span;
    std::string text;
    bool quoted = true;    // written as a string literal (vs an identifier)
    bool invalid = false;  // a string literal with a bad escape (already reported)
  };
  std::vector<Item> items;
};

enum class Effect { Permit, Forbid };
enum class RuleKind { Issue, Access };

struct Condition {
  Span span;
  bool is_let = false;
  std::string let_name;  // for `let`
  Span let_name_span;
  ExprPtr expr;
};

struct RuleDecl {
  Span span;
  Span head_span;
  std::vector<Annotation> annotations;
  Effect effect = Effect::Permit;
  RuleKind kind = RuleKind::Issue;
  NameSet roles;               // Issue
  NameSet issuers;             // Issue
  NameSet actions;             // Access
  NameSet resources;           // Access
  std::string principal_kind;  // Access: "spiffe" / "role"; empty for `*`
  Span principal_kind_span;
  NameSet principals;  // Access
  bool has_when = false;
  Span when_span;
  std::vector<Condition> conditions;
  bool has_grant = false;
  Span grant_span;
  std::vector<Setting> grant;
};

// `test "name" { settings }`: a request and the decision expected for it.
struct TestDecl {
  Span span;
  Span name_span;
  std::string name;
  std::vector<Setting> settings;
};

// A comment from the source, kept for the formatter.
struct Comment {
  Span span;
  std::string text;
  bool block = false;
};

struct Item {
  enum class Kind { Schema, Issuer, Const, Rule, Test } kind;
  // Exactly one of these is set, matching `kind`.
  std::unique_ptr<SchemaDecl> schema;
  std::unique_ptr<IssuerDecl> issuer;
  std::unique_ptr<ConstDecl> constant;
  std::unique_ptr<RuleDecl> rule;
  std::unique_ptr<TestDecl> test;
  Span span() const;
};

// One parsed `.writ` file.
struct File {
  FileId file = kNoFile;
  std::vector<Item> items;
  std::vector<Comment> comments;
  bool had_syntax_errors = false;
  std::size_t expr_count = 0;  // expression nodes, so the checker can size its type table once
};

}  // namespace writ::ast
