// Parses one Writ source file into an AST, reporting every syntax error it can recover from.
#pragma once

#include <cstddef>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "stdlib/limits.h"

namespace writ::syntax {

struct ParseLimits {
  std::size_t max_file_bytes = limits::kMaxPolicyFileBytes;
  int max_nesting = limits::kMaxSourceNesting;  // brackets and prefix operators
};

// Never throws. On errors the returned file holds whatever could be recovered and
// `had_syntax_errors` is set; the diagnostics go to `sink`.
ast::File parse_file(const SourceManager& sources, FileId file, diag::DiagnosticSink& sink, ParseLimits limits = {});

}  // namespace writ::syntax
