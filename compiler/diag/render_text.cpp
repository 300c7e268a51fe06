// Renders diagnostics as human-readable text with source snippets and underlines.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "compiler/diag/render.h"

namespace writ::diag {
namespace {

constexpr int kTabWidth = 4;

struct Style {
  bool on;
  std::string paint(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

std::string_view severity_color(Severity s) {
  switch (s) {
    case Severity::Error:
      return "1;31";
    case Severity::Warning:
      return "1;33";
    case Severity::Note:
      return "1;36";
  }
  return "1";
}

// Expands tabs and returns, for each byte of the line, its display column (0-based).
std::string expand_line(std::string_view line, std::vector<std::size_t>& columns) {
  std::string out;
  std::size_t col = 0;
  columns.assign(line.size() + 1, 0);
  for (std::size_t i = 0; i < line.size(); ++i) {
    columns[i] = col;
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      std::size_t n = kTabWidth - col % kTabWidth;
      out.append(n, ' ');
      col += n;
    } else {
      out.push_back(line[i]);
      if ((c & 0xC0) != 0x80) ++col;  // continuation bytes share their code point's column
    }
  }
  columns[line.size()] = col;
  return out;
}

// Very long lines (minified or generated files) are cut to a window around the span.
void trim_long_line(std::string& shown, std::size_t& from, std::size_t& to) {
  constexpr std::size_t kMaxShown = 160, kContext = 40;
  // `shown` has tabs expanded; count code points to find the window's byte bounds.
  std::vector<std::size_t> starts;  // byte offset of each code point
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if ((static_cast<unsigned char>(shown[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= kMaxShown) return;
  std::size_t first = from > kContext ? from - kContext : 0;
  std::size_t last = std::min(starts.size(), first + kMaxShown);
  std::size_t begin_byte = starts[first];
  std::size_t end_byte = last < starts.size() ? starts[last] : shown.size();
  std::size_t prefix = first > 0 ? 3 : 0;
  std::string window;
  window.reserve(end_byte - begin_byte + 6);
  window.append(prefix, '.');
  window.append(shown, begin_byte, end_byte - begin_byte);
  if (last < starts.size()) window.append(3, '.');
  shown = std::move(window);
  from = from - first + prefix;
  to = std::min(to - first + prefix, prefix + (last - first));
  if (to <= from) to = from + 1;
}

// Prints one source line with a marker (`^` or `-`) under [begin, end) bytes of that line.
void render_snippet(std::string& out, const SourceFile& file, Span span, char marker, std::string_view message,
                    const Style& style, std::string_view marker_color, std::size_t gutter) {
  LineColumn start = file.line_column(span.begin);
  LineColumn stop = file.line_column(span.end);
  std::string_view line = file.line_text(start.line);
  std::vector<std::size_t> columns;
  std::string shown = expand_line(line, columns);
  std::size_t line_begin = span.begin;
  const std::string& text = file.text();
  while (line_begin > 0 && text[line_begin - 1] != '\n') --line_begin;
  std::size_t b = std::min<std::size_t>(span.begin - line_begin, line.size());
  std::size_t e = stop.line == start.line ? std::min<std::size_t>(span.end - line_begin, line.size()) : line.size();
  std::size_t from = columns[b];
  std::size_t to = std::max(columns[e], from + 1);
  trim_long_line(shown, from, to);

  std::string num = std::to_string(start.line);
  out += fmt::format("{} {}\n", std::string(gutter, ' '), style.paint("1;34", "|"));
  out += fmt::format("{}{} {} {}\n", style.paint("1;34", num), std::string(gutter - num.size(), ' '),
                     style.paint("1;34", "|"), shown);
  std::string underline(from, ' ');
  underline.append(to - from, marker);
  if (!message.empty()) {
    underline.push_back(' ');
    underline.append(message);
  }
  out += fmt::format("{} {} {}\n", std::string(gutter, ' '), style.paint("1;34", "|"),
                     style.paint(marker_color, underline));
}

}  // namespace

std::string render_text(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                        TextRenderOptions options) {
  Style style{options.color};
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    const DiagInfo& info = diag_info(d.id);
    std::string location = "writ";
    std::size_t gutter = 1;
    if (d.span.valid()) {
      const SourceFile& file = sources.file(d.span.file);
      LineColumn lc = file.line_column(d.span.begin);
      location = fmt::format("{}:{}:{}", file.path(), lc.line, lc.column);
      gutter = std::to_string(lc.line).size();
      for (const Label& l : d.labels) {
        if (l.span.valid())
          gutter = std::max(gutter, std::to_string(sources.file(l.span.file).line_column(l.span.begin).line).size());
      }
    }
    std::string sev = fmt::format("{}[{}]", severity_name(d.severity), info.code);
    out += fmt::format("{}: {}: {}\n", style.paint("1", location), style.paint(severity_color(d.severity), sev),
                       style.paint("1", d.message));
    if (d.span.valid()) {
      render_snippet(out, sources.file(d.span.file), d.span, '^', "", style, severity_color(d.severity), gutter);
    }
    for (const Label& l : d.labels) {
      if (!l.span.valid()) continue;
      const SourceFile& file = sources.file(l.span.file);
      if (l.span.file != d.span.file) {
        LineColumn lc = file.line_column(l.span.begin);
        out += fmt::format("{}{} {}:{}:{}\n", std::string(gutter, ' '), style.paint("1;34", "-->"), file.path(),
                           lc.line, lc.column);
      }
      render_snippet(out, file, l.span, '-', l.message, style, "1;34", gutter);
    }
    for (const std::string& n : d.notes) {
      out += fmt::format("{} {} {}: {}\n", std::string(gutter, ' '), style.paint("1;34", "="), style.paint("1", "note"),
                         n);
    }
    if (d.help) {
      out += fmt::format("{} {} {}: {}\n", std::string(gutter, ' '), style.paint("1;34", "="), style.paint("1", "help"),
                         *d.help);
    }
    out += "\n";
  }
  return out;
}

std::string summary_line(const std::vector<Diagnostic>& diagnostics) {
  std::size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
  }
  return fmt::format("{} error{}, {} warning{}", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
}

}  // namespace writ::diag
