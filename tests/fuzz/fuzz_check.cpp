// libFuzzer target: arbitrary bytes as a policy file through the parser, the checker and
// the formatter. Must never crash, hang or trip a sanitizer; a formatted file must format
// to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "compiler/driver/policy_set.h"
#include "compiler/fmt/formatter.h"
#include "compiler/syntax/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  writ::LoadedPolicySet set = writ::driver::check_sources({{"fuzz.writ", text}});
  if (set.user_files.empty()) return 0;
  writ::FileId id = set.user_files.front();
  const writ::ast::File& file = set.program.files.back();
  bool syntax_errors = file.had_syntax_errors;
  for (const auto& d : set.diagnostics.diagnostics()) {
    if (d.span.file == id && writ::diag::diag_info(d.id).group == "syntax" && d.severity == writ::diag::Severity::Error)
      syntax_errors = true;
  }
  // Errors the parser reports in literals (a duration too large, a bad escape) are not in the
  // syntax group, but the formatter leaves such files alone as `writ fmt` does: parse again alone.
  writ::diag::DiagnosticSink parse_sink;
  writ::SourceManager alone;
  writ::FileId alone_id = alone.add("fuzz.writ", text);
  (void)writ::syntax::parse_file(alone, alone_id, parse_sink);
  if (syntax_errors || parse_sink.has_errors()) return 0;
  std::string once = writ::format_file(file, set.sources.file(id));
  writ::SourceManager again;
  writ::FileId id2 = again.add("fuzz.writ", once);
  writ::diag::DiagnosticSink sink;
  writ::ast::File reparsed = writ::syntax::parse_file(again, id2, sink);
  if (sink.has_errors()) std::abort();  // the formatter produced text that does not parse
  if (writ::format_file(reparsed, again.file(id2)) != once) std::abort();  // not idempotent
  return 0;
}
