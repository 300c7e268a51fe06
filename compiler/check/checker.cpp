// Entry point of the checker.
#include "compiler/check/internal/checker.h"
#include "compiler/check/check.h"

namespace writ::check {

Program check_program(std::vector<ast::File> files, diag::DiagnosticSink& sink, CheckOptions options) {
  Program program;
  program.files = std::move(files);
  // One type per expression: sized once, since growing a table of 300,000 types would hold two.
  std::size_t expressions = 0;
  for (const ast::File& file : program.files) expressions += file.expr_count;
  program.expr_types.reserve(expressions + expressions / 8);
  Checker checker(program, sink, options);
  checker.run();
  return program;
}

}  // namespace writ::check
