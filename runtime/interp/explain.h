// Explanations: why a rule's condition did not hold, with the actual values it compared.
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "runtime/interp/evaluator.h"

namespace writ::interp {

// For a condition that evaluated to false in `env`: which part failed and the values involved,
// e.g. "`token.ref` is \"refs/tags/main\"".
std::string explain_false(const Evaluator& evaluator, const ast::Expr& condition, Env& env);

}  // namespace writ::interp
