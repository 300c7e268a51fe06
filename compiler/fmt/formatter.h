// The canonical layout of Writ source: `writ fmt` prints a parsed file back with its comments.
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/source/source.h"

namespace writ {

// Prints `file` (parsed without syntax errors from `source`) in the canonical layout.
// Formatting is idempotent and keeps every comment.
std::string format_file(const ast::File& file, const SourceFile& source);

}  // namespace writ
