// Spellings of AST operators and qualifiers, and item spans.
#include "compiler/ast/ast.h"

namespace writ::ast {

const char* op_spelling(Op op) {
  switch (op) {
    case Op::None:
      return "";
    case Op::Not:
      return "!";
    case Op::Neg:
      return "-";
    case Op::Mul:
      return "*";
    case Op::Div:
      return "/";
    case Op::Mod:
      return "%";
    case Op::Add:
      return "+";
    case Op::Sub:
      return "-";
    case Op::Eq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
    case Op::In:
      return "in";
    case Op::Like:
      return "like";
    case Op::Matches:
      return "matches";
    case Op::Under:
      return "under";
    case Op::And:
      return "&&";
    case Op::Or:
      return "||";
  }
  return "";
}

Span Item::span() const {
  switch (kind) {
    case Kind::Schema:
      return schema->span;
    case Kind::Issuer:
      return issuer->span;
    case Kind::Const:
      return constant->span;
    case Kind::Rule:
      return rule->span;
    case Kind::Test:
      return test->span;
  }
  return {};
}

const ExprDetails& Expr::details() const {
  static const ExprDetails kNone;
  return extra ? *extra : kNone;
}

ExprDetails& Expr::mutable_details() {
  if (!extra) extra = std::make_unique<ExprDetails>();
  return *extra;
}

}  // namespace writ::ast
