// libFuzzer target: arbitrary bytes through the parser and the formatter alone (fast, so it
// explores the grammar deeply). A file that parses must format to text that parses and
// formats to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "compiler/fmt/formatter.h"
#include "compiler/syntax/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  writ::SourceManager sources;
  writ::FileId id = sources.add("fuzz.writ", std::string(reinterpret_cast<const char*>(data), size));
  writ::diag::DiagnosticSink sink;
  writ::ast::File file = writ::syntax::parse_file(sources, id, sink);
  if (file.had_syntax_errors || sink.has_errors()) return 0;
  std::string once = writ::format_file(file, sources.file(id));
  writ::SourceManager again;
  writ::FileId id2 = again.add("fuzz.writ", once);
  writ::diag::DiagnosticSink sink2;
  writ::ast::File reparsed = writ::syntax::parse_file(again, id2, sink2);
  if (sink2.has_errors() || reparsed.had_syntax_errors) std::abort();      // formatter output does not parse
  if (writ::format_file(reparsed, again.file(id2)) != once) std::abort();  // not idempotent
  if (reparsed.comments.size() != file.comments.size()) std::abort();      // lost a comment
  return 0;
}
