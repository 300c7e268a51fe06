// Deep copies of AST nodes (ASTs own their children through unique_ptr, so copies are explicit).
#pragma once

#include "compiler/ast/ast.h"

namespace writ::ast {

ExprPtr clone(const Expr& e);
TypeExpr clone(const TypeExpr& t);
File clone(const File& f);

}  // namespace writ::ast
