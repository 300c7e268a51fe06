// Renderers that turn collected diagnostics into text for people or JSON/SARIF for machines.
#pragma once

#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace writ::diag {

struct TextRenderOptions {
  bool color = false;
};

// Clang/rustc-style text: `file:line:col: error[CODE]: message`, the source line with the span
// underlined, then labels, notes and help.
std::string render_text(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                        TextRenderOptions options = {});

// One JSON document: {"diagnostics": [...], "errors": N, "warnings": N}. Keys are sorted.
std::string render_json(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources);

// A SARIF 2.1.0 log with one run; every diagnostic code is a rule.
std::string render_sarif(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                         const std::string& tool_version);

// The one-line summary printed after text diagnostics ("2 errors, 1 warning").
std::string summary_line(const std::vector<Diagnostic>& diagnostics);

}  // namespace writ::diag
