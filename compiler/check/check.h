// The checker: resolves names and types every declaration and rule of a policy set.
#pragma once

#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/program.h"
#include "compiler/diag/diagnostic.h"

namespace writ::check {

struct CheckOptions {
  // Files whose index is below this count are the built-in library: no style warnings there.
  std::size_t builtin_file_count = 0;
  // Used to name rules that have no @id by file and line; may be null.
  const SourceManager* sources = nullptr;
};

// Checks `files` (the built-in schema files first, then the user's) as one policy set.
// Every problem goes to `sink`; the returned program is usable only if the sink has no errors.
Program check_program(std::vector<ast::File> files, diag::DiagnosticSink& sink, CheckOptions options = {});

}  // namespace writ::check
