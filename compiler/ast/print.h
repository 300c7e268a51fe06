// One expression printed on one line in canonical form (`token.ref == "refs/heads/main"`), with
// the parentheses the tree needs: what diagnostics, the IR's text and explanations show.
#pragma once

#include <string>

#include "compiler/ast/ast.h"

namespace writ::ast {

std::string print_expr(const Expr& e);

// Binding strength of an expression's top operator, loosest (`||`: 1) first, as in the grammar.
int precedence(const Expr& e);

// A field or key as written: bare when it is an identifier, else quoted.
std::string name_text(const std::string& name);

}  // namespace writ::ast
