// Printing expressions on one line in canonical form: for the formatter, diagnostics, the IR's
// text and explanations (both engines).
#include "compiler/ast/print.h"

#include <algorithm>
#include <cctype>

#include "stdlib/literals.h"

namespace writ::ast {
namespace {

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

std::string name_text(const std::string& name) {
  return is_identifier(name) ? name : stdlib::quote_string_literal(name);
}

// Binding strength, loosest first, as in the grammar.
int precedence(const Expr& e) {
  if (e.kind == ExprKind::Binary) {
    switch (e.op) {
      case Op::Or:
        return 1;
      case Op::And:
        return 2;
      case Op::Eq:
      case Op::Ne:
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
      case Op::In:
      case Op::Like:
      case Op::Matches:
      case Op::Under:
        return 3;
      case Op::Add:
      case Op::Sub:
        return 4;
      default:
        return 5;
    }
  }
  if (e.kind == ExprKind::Unary) return 6;
  if (e.kind == ExprKind::Conditional) return 0;
  return 7;
}

namespace {

class FlatPrinter {
 public:
  std::string flat_text(const Expr& e) const {
    std::string s = flat_inner(e);
    return e.parenthesized ? "(" + s + ")" : s;
  }

 private:
  std::string operand(const Expr& e, int parent_prec, bool right) const {
    std::string s = flat_text(e);
    int p = precedence(e);
    // Parentheses the reader wrote are kept by flat_text; add the ones the tree needs.
    if (!e.parenthesized && (p < parent_prec || (right && p == parent_prec && p >= 3))) return "(" + s + ")";
    return s;
  }

  std::string join(const std::vector<std::unique_ptr<Expr>>& items, std::size_t from = 0) const {
    std::string out;
    for (std::size_t i = from; i < items.size(); ++i) {
      if (i > from) out += ", ";
      out += flat_text(*items[i]);
    }
    return out;
  }

  std::string flat_inner(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::Error:
        return "<error>";
      case ExprKind::String:
        return stdlib::quote_string_literal(e.text);
      case ExprKind::Int:
        return std::to_string(e.int_value);
      case ExprKind::Bool:
        return e.int_value != 0 ? "true" : "false";
      case ExprKind::Duration:
        return e.text;
      case ExprKind::TimeOfDay:
        return e.text;
      case ExprKind::Name:
        return e.text;
      case ExprKind::Field:
        return operand(*e.operands[0], 7, false) + "." + name_text(e.text);
      case ExprKind::Index:
        return operand(*e.operands[0], 7, false) + "[" + flat_text(*e.operands[1]) + "]";
      case ExprKind::Call:
        if (e.method_syntax && !e.operands.empty()) {
          return operand(*e.operands[0], 7, false) + "." + e.text + "(" + join(e.operands, 1) + ")";
        }
        return e.text + "(" + join(e.operands) + ")";
      case ExprKind::Unary:
        return std::string(op_spelling(e.op)) + operand(*e.operands[0], 6, false);
      case ExprKind::Binary: {
        int p = precedence(e);
        return operand(*e.operands[0], p, false) + " " + op_spelling(e.op) + " " + operand(*e.operands[1], p, true);
      }
      case ExprKind::List:
        return "[" + join(e.operands) + "]";
      case ExprKind::Record: {
        if (e.operands.empty()) return "{}";
        std::string out = "{ ";
        for (std::size_t i = 0; i < e.operands.size(); ++i) {
          if (i > 0) out += ", ";
          out += name_text(e.details().keys[i]) + ": " + flat_text(*e.operands[i]);
        }
        return out + " }";
      }
      case ExprKind::Range:
        return flat_text(*e.operands[0]) + ".." + flat_text(*e.operands[1]);
      case ExprKind::Quantifier:
        return e.text + "(" + e.details().var + " in " + flat_text(*e.operands[0]) + ", " + flat_text(*e.operands[1]) +
               ")";
      case ExprKind::Conditional:
        // A conditional in the condition or the `then` branch is bracketed; in the `else` branch
        // it is not, so `else if` chains read as written.
        return "if " + operand(*e.operands[0], 1, false) + " then " + operand(*e.operands[1], 1, false) + " else " +
               operand(*e.operands[2], 0, false);
    }
    return "";
  }
};

}  // namespace

std::string print_expr(const Expr& e) {
  return FlatPrinter().flat_text(e);
}

}  // namespace writ::ast
