// Renders diagnostics as JSON and as SARIF 2.1.0 for code-scanning tools.
#include <nlohmann/json.hpp>

#include "compiler/diag/render.h"

namespace writ::diag {
namespace {

using nlohmann::json;

json region(const SourceManager& sources, Span span) {
  const SourceFile& file = sources.file(span.file);
  LineColumn b = file.line_column(span.begin);
  LineColumn e = file.line_column(span.end);
  return json{{"startLine", b.line}, {"startColumn", b.column}, {"endLine", e.line}, {"endColumn", e.column}};
}

json location_json(const SourceManager& sources, Span span) {
  if (!span.valid()) return nullptr;
  const SourceFile& file = sources.file(span.file);
  LineColumn b = file.line_column(span.begin);
  LineColumn e = file.line_column(span.end);
  return json{
      {"file", file.path()}, {"line", b.line}, {"column", b.column}, {"end_line", e.line}, {"end_column", e.column}};
}

}  // namespace

std::string render_json(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources) {
  json list = json::array();
  std::size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
    json labels = json::array();
    for (const Label& l : d.labels)
      labels.push_back({{"location", location_json(sources, l.span)}, {"message", l.message}});
    json fixits = json::array();
    for (const FixIt& f : d.fixits)
      fixits.push_back({{"location", location_json(sources, f.span)}, {"replacement", f.replacement}});
    list.push_back({{"code", diag_info(d.id).code},
                    {"severity", severity_name(d.severity)},
                    {"message", d.message},
                    {"location", location_json(sources, d.span)},
                    {"labels", labels},
                    {"notes", d.notes},
                    {"help", d.help ? json(*d.help) : json(nullptr)},
                    {"fixits", fixits}});
  }
  json doc{{"diagnostics", list}, {"errors", errors}, {"warnings", warnings}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_sarif(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                         const std::string& tool_version) {
  json rules = json::array();
  for (const DiagInfo& info : all_diag_infos()) {
    rules.push_back({{"id", info.code},
                     {"name", std::string(info.title)},
                     {"shortDescription", {{"text", info.title}}},
                     {"helpUri", "docs/diagnostics.md#" + std::string(info.code)},
                     {"properties", {{"tags", {info.group}}}},
                     {"defaultConfiguration", {{"level", info.severity == Severity::Error ? "error" : "warning"}}}});
  }
  json results = json::array();
  for (const Diagnostic& d : diagnostics) {
    std::string text = d.message;
    for (const std::string& n : d.notes) text += "\nnote: " + n;
    if (d.help) text += "\nhelp: " + *d.help;
    json result{{"ruleId", diag_info(d.id).code},
                {"ruleIndex", static_cast<std::size_t>(d.id)},
                {"level", d.severity == Severity::Error     ? "error"
                          : d.severity == Severity::Warning ? "warning"
                                                            : "note"},
                {"message", {{"text", text}}}};
    if (d.span.valid()) {
      result["locations"] = json::array({{{"physicalLocation",
                                           {{"artifactLocation", {{"uri", sources.file(d.span.file).path()}}},
                                            {"region", region(sources, d.span)}}}}});
    }
    json related = json::array();
    int id = 0;
    for (const Label& l : d.labels) {
      if (!l.span.valid()) continue;
      related.push_back(
          {{"id", id++},
           {"message", {{"text", l.message}}},
           {"physicalLocation",
            {{"artifactLocation", {{"uri", sources.file(l.span.file).path()}}}, {"region", region(sources, l.span)}}}});
    }
    if (!related.empty()) result["relatedLocations"] = related;
    results.push_back(result);
  }
  json run{{"tool", {{"driver", {{"name", "writ"}, {"version", tool_version}, {"rules", rules}}}}},
           {"columnKind", "unicodeCodePoints"},
           {"results", results}};
  json log{
      {"version", "2.1.0"}, {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"runs", json::array({run})}};
  return log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace writ::diag
