// Diagnostics: the id table, one diagnostic with its spans, notes and help, and the sink.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace writ::diag {

enum class Severity { Note, Warning, Error };

enum class DiagId {
#define X(name, code, severity, group, title) name,
#include "compiler/diag/diag_ids.def"
#undef X
};

struct DiagInfo {
  DiagId id;
  std::string_view code;
  Severity severity;
  std::string_view group;
  std::string_view title;
};

const DiagInfo& diag_info(DiagId id);
// The diagnostic a code (`"W0002"`) names, or null.
const DiagInfo* find_diag_info(std::string_view code);
const std::vector<DiagInfo>& all_diag_infos();
std::string_view severity_name(Severity severity);

// A secondary span with its own message ("first declared here").
struct Label {
  Span span;
  std::string message;
};

// A fix-it: replace `span` with `replacement`.
struct FixIt {
  Span span;
  std::string replacement;
};

struct Diagnostic {
  DiagId id;
  Severity severity;
  Span span;
  std::string message;        // lowercase, no final period, user input in backticks
  std::vector<Label> labels;  // secondary spans
  std::vector<std::string> notes;
  std::optional<std::string> help;
  std::vector<FixIt> fixits;

  // Messages quote policy text (names, strings with escapes such as `\u{1b}`): their control
  // bytes are escaped here (stdlib::printable), so no renderer can pass them to a terminal.
  Diagnostic& label(Span s, std::string msg);
  Diagnostic& note(std::string msg);
  Diagnostic& with_help(std::string msg);
  Diagnostic& fix(Span s, std::string replacement) {
    fixits.push_back({s, std::move(replacement)});
    return *this;
  }
};

// Collects diagnostics from every stage and counts them by severity.
class DiagnosticSink {
 public:
  Diagnostic& report(DiagId id, Span span, std::string message);
  void add(Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // Removes the diagnostics `drop` selects (acknowledged warnings); returns how many.
  template <class Predicate>
  std::size_t erase_if(Predicate drop) {
    return std::erase_if(diagnostics_, drop);
  }
  std::size_t error_count() const;
  std::size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  // Orders diagnostics by file, position and code so output is deterministic.
  void sort();

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace writ::diag
