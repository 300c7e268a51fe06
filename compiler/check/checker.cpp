// Entry point of the checker.
#include "compiler/check/internal/checker.h"
#include "compiler/check/check.h"

namespace writ {

Program check_program(std::vector<ast::File> files, diag::DiagnosticSink& sink, CheckOptions options) {
  Program program;
  program.files = std::move(files);
  Checker checker(program, sink, options);
  checker.run();
  return program;
}

}  // namespace writ
