// Builds human-readable reasons for false conditions by re-evaluating their parts.
#include "runtime/interp/explain.h"

#include <fmt/format.h>

#include "compiler/ast/print.h"

namespace writ::interp {
namespace {

bool is_literal(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::String:
    case ast::ExprKind::Int:
    case ast::ExprKind::Bool:
    case ast::ExprKind::Duration:
    case ast::ExprKind::TimeOfDay:
      return true;
    case ast::ExprKind::List:
      for (const auto& item : e.operands) {
        if (!is_literal(*item)) return false;
      }
      return true;
    default:
      return false;
  }
}

// "`token.ref` is "refs/tags/main"" for each operand that is not a literal or a constant.
std::string operand_values(const Evaluator& evaluator, const ast::Expr& e, Env& env) {
  std::string out;
  for (const auto& op : e.operands) {
    if (is_literal(*op) || op->kind == ast::ExprKind::Name) continue;
    if (op->kind == ast::ExprKind::Call && op->text == "window") continue;
    auto v = evaluator.eval(*op, env);
    if (!v) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("`{}` is {}", ast::print_expr(*op), v->to_display());
  }
  return out;
}

std::string value_of(const Evaluator& evaluator, const ast::Expr& e, Env& env) {
  auto v = evaluator.eval(e, env);
  return v ? v->to_display() : "an error";
}

}  // namespace

std::string explain_false(const Evaluator& evaluator, const ast::Expr& e, Env& env) {
  if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::And) {
    auto lhs = evaluator.eval(*e.operands[0], env);
    const ast::Expr& failed = lhs && !lhs->as_bool() ? *e.operands[0] : *e.operands[1];
    return explain_false(evaluator, failed, env);
  }
  if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::Or) {
    return fmt::format("neither side holds: {}; {}", explain_false(evaluator, *e.operands[0], env),
                       explain_false(evaluator, *e.operands[1], env));
  }
  if (e.kind == ast::ExprKind::Unary && e.op == ast::Op::Not) {
    std::string values = operand_values(evaluator, *e.operands[0], env);
    return fmt::format("`{}` holds{}", ast::print_expr(*e.operands[0]), values.empty() ? "" : " (" + values + ")");
  }
  if (e.kind == ast::ExprKind::Call && e.builtin == Builtin::Has && !e.operands.empty()) {
    return fmt::format("`{}` is absent", ast::print_expr(*e.operands[0]));
  }
  if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::In && e.operands[1]->kind == ast::ExprKind::Call &&
      e.operands[1]->text == "window") {
    return fmt::format("`{}` is {}, outside `{}`", ast::print_expr(*e.operands[0]),
                       value_of(evaluator, *e.operands[0], env), ast::print_expr(*e.operands[1]));
  }
  std::string values = operand_values(evaluator, e, env);
  if (values.empty()) return fmt::format("`{}` is false", ast::print_expr(e));
  return values;
}

}  // namespace writ::interp
