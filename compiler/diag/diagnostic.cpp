// The diagnostic table and the sink that collects diagnostics.
#include "compiler/diag/diagnostic.h"

#include <algorithm>
#include <tuple>

#include "stdlib/printable.h"

namespace writ::diag {

const std::vector<DiagInfo>& all_diag_infos() {
  static const std::vector<DiagInfo> infos = {
#define X(name, code, severity, group, title) {DiagId::name, code, Severity::severity, #group, title},
#include "compiler/diag/diag_ids.def"
#undef X
  };
  return infos;
}

const DiagInfo& diag_info(DiagId id) {
  return all_diag_infos()[static_cast<std::size_t>(id)];
}

const DiagInfo* find_diag_info(std::string_view code) {
  const auto& infos = all_diag_infos();
  auto it = std::find_if(infos.begin(), infos.end(), [&](const DiagInfo& i) { return i.code == code; });
  return it == infos.end() ? nullptr : &*it;
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Note:
      return "note";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "error";
}

Diagnostic& Diagnostic::label(Span s, std::string msg) {
  labels.push_back({s, stdlib::printable(msg)});
  return *this;
}

Diagnostic& Diagnostic::note(std::string msg) {
  notes.push_back(stdlib::printable(msg));
  return *this;
}

Diagnostic& Diagnostic::with_help(std::string msg) {
  help = stdlib::printable(msg);
  return *this;
}

Diagnostic& DiagnosticSink::report(DiagId id, Span span, std::string message) {
  diagnostics_.push_back(Diagnostic{id, diag_info(id).severity, span, stdlib::printable(message), {}, {}, {}, {}});
  return diagnostics_.back();
}

std::size_t DiagnosticSink::error_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                                [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::size_t DiagnosticSink::warning_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                                [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
}

void DiagnosticSink::sort() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(a.span.file, a.span.begin, diag_info(a.id).code) <
           std::tuple(b.span.file, b.span.begin, diag_info(b.id).code);
  });
}

}  // namespace writ::diag
