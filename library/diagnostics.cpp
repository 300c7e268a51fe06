// Public diagnostics from the compiler's, and their one-line form.
#include "library/diagnostics.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/diag/diagnostic.h"

namespace writ {
namespace library {
namespace {

Diagnostic::Severity severity_of(diag::Severity severity) {
  switch (severity) {
    case diag::Severity::Note:
      return Diagnostic::Severity::Note;
    case diag::Severity::Warning:
      return Diagnostic::Severity::Warning;
    case diag::Severity::Error:
      return Diagnostic::Severity::Error;
  }
  return Diagnostic::Severity::Error;
}

}  // namespace

Diagnostic error_diagnostic(std::string message, std::string file) {
  Diagnostic d;
  d.severity = Diagnostic::Severity::Error;
  d.message = std::move(message);
  d.file = std::move(file);
  return d;
}

std::vector<Diagnostic> diagnostics_of(const LoadedPolicySet& policy) {
  std::vector<Diagnostic> out;
  for (const std::string& e : policy.io_errors) out.push_back(error_diagnostic(e));
  for (const diag::Diagnostic& d : policy.diagnostics.diagnostics()) {
    Diagnostic p;
    p.severity = severity_of(d.severity);
    p.code = std::string(diag::diag_info(d.id).code);
    p.message = d.message;
    if (d.span.valid() && d.span.file < policy.sources.size()) {
      const SourceFile& file = policy.sources.file(d.span.file);
      p.file = file.path();
      LineColumn at = file.line_column(d.span.begin);
      p.line = at.line;
      p.column = at.column;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace library

std::string to_string(const Diagnostic& d) {
  const char* severity = d.severity == Diagnostic::Severity::Error     ? "error"
                         : d.severity == Diagnostic::Severity::Warning ? "warning"
                                                                       : "note";
  std::string out;
  if (!d.file.empty()) out += d.line > 0 ? fmt::format("{}:{}:{}: ", d.file, d.line, d.column) : d.file + ": ";
  out += d.code.empty() ? fmt::format("{}: {}", severity, d.message)
                        : fmt::format("{}[{}]: {}", severity, d.code, d.message);
  return out;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) noexcept {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; });
}

}  // namespace writ
