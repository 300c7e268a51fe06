// The Writ formatter: one canonical layout, comments kept next to the code they precede
// or trail.
#include "compiler/fmt/formatter.h"

#include <algorithm>

#include "compiler/ast/print.h"
#include "stdlib/literals.h"

namespace writ {
namespace {

constexpr std::size_t kMaxWidth = 100;
constexpr const char* kIndent = "  ";

class ExprPrinter {
 public:
  // `width_left`: columns available on the current line; lists and records that do not fit
  // are broken one item per line at `indent`.
  std::string print(const ast::Expr& e, const std::string& indent, std::size_t width_left) {
    std::string flat = flat_text(e);
    if (flat.size() <= width_left || flat.find('\n') != std::string::npos) return flat;
    return broken(e, indent, width_left);
  }

  std::string flat_text(const ast::Expr& e) { return ast::print_expr(e); }

 private:
  std::string broken(const ast::Expr& e, const std::string& indent, std::size_t width_left) {
    std::string inner = indent + kIndent;
    std::size_t inner_width = kMaxWidth > inner.size() ? kMaxWidth - inner.size() : 20;
    if (e.kind == ast::ExprKind::List && !e.operands.empty()) {
      std::string out = e.parenthesized ? "([\n" : "[\n";
      for (const auto& item : e.operands) out += inner + print(*item, inner, inner_width - 1) + ",\n";
      return out + indent + (e.parenthesized ? "])" : "]");
    }
    if (e.kind == ast::ExprKind::Record && !e.operands.empty()) {
      std::string out = e.parenthesized ? "({\n" : "{\n";
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        std::string key = ast::name_text(e.details().keys[i]) + ": ";
        out += inner + key + print(*e.operands[i], inner, inner_width - key.size() - 1) + ",\n";
      }
      return out + indent + (e.parenthesized ? "})" : "}");
    }
    (void)width_left;
    return flat_text(e);
  }
};

class Formatter {
 public:
  Formatter(const ast::File& file, const SourceFile& source) : file_(file), source_(source) {}

  std::string run() {
    const ast::Item* previous = nullptr;
    for (const ast::Item& item : file_.items) {
      Span span = item.span();
      if (previous != nullptr) {
        bool both_consts = previous->kind == ast::Item::Kind::Const && item.kind == ast::Item::Kind::Const;
        if (!both_consts || blank_between(previous->span().end, first_offset(span.begin))) out_ += "\n";
      }
      leading_comments(span.begin, "");
      switch (item.kind) {
        case ast::Item::Kind::Schema:
          schema(*item.schema);
          break;
        case ast::Item::Kind::Issuer:
          issuer(*item.issuer);
          break;
        case ast::Item::Kind::Const:
          constant(*item.constant);
          break;
        case ast::Item::Kind::Rule:
          rule(*item.rule);
          break;
        case ast::Item::Kind::Test:
          test(*item.test);
          break;
      }
      previous = &item;
    }
    if (next_comment_ < file_.comments.size() && !out_.empty()) out_ += "\n";
    leading_comments(static_cast<std::uint32_t>(source_.text().size()) + 1, "");
    return out_;
  }

 private:
  // The offset where an item's own leading comments start, for blank-line detection.
  std::uint32_t first_offset(std::uint32_t begin) const {
    std::uint32_t first = begin;
    for (std::size_t i = next_comment_; i < file_.comments.size() && file_.comments[i].span.begin < begin; ++i) {
      first = std::min(first, file_.comments[i].span.begin);
    }
    return first;
  }

  bool blank_between(std::uint32_t from, std::uint32_t to) const {
    if (from >= to || to > source_.text().size()) return false;
    std::string_view between(source_.text().data() + from, to - from);
    int newlines = 0;
    for (char c : between) {
      if (c == '\n') {
        if (++newlines >= 2) return true;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        newlines = 0;
      }
    }
    return false;
  }

  std::uint32_t line_of(std::uint32_t offset) const { return source_.line_column(offset).line; }

  // Own-line comments that come before `offset`; a blank line between two of them, or
  // between the last and the code it precedes, is kept.
  void leading_comments(std::uint32_t offset, const std::string& indent) {
    const ast::Comment* previous = nullptr;
    while (next_comment_ < file_.comments.size() && file_.comments[next_comment_].span.begin < offset) {
      const ast::Comment& c = file_.comments[next_comment_];
      if (previous != nullptr && blank_between(previous->span.end, c.span.begin)) out_ += "\n";
      out_ += indent + c.text + "\n";
      previous = &c;
      ++next_comment_;
    }
    if (previous != nullptr && offset <= source_.text().size() && blank_between(previous->span.end, offset))
      out_ += "\n";
  }

  bool ends_with_blank() const {
    return out_.size() >= 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n';
  }

  // Ends the current line, first appending comments that trailed `end` on its source line.
  void end_line(std::uint32_t end) {
    std::uint32_t line = line_of(end);
    while (next_comment_ < file_.comments.size()) {
      const ast::Comment& c = file_.comments[next_comment_];
      if (c.span.begin < end || line_of(c.span.begin) != line || c.text.find('\n') != std::string::npos) break;
      out_ += "  " + c.text;
      ++next_comment_;
    }
    out_ += "\n";
  }

  std::string type_text(const ast::TypeExpr& t, const std::string& indent) {
    std::string s;
    switch (t.kind) {
      case ast::TypeExpr::Kind::Named:
        s = t.name;
        if (t.argument) s += "<" + type_text(*t.argument, indent) + ">";
        break;
      case ast::TypeExpr::Kind::Enum:
        for (std::size_t i = 0; i < t.enum_values.size(); ++i)
          s += (i ? " | " : "") + stdlib::quote_string_literal(t.enum_values[i]);
        break;
      case ast::TypeExpr::Kind::Record: {
        if (t.fields.empty()) {
          s = "{}";
          break;
        }
        bool has_comments =
            std::any_of(file_.comments.begin() + static_cast<long>(next_comment_), file_.comments.end(),
                        [&](const ast::Comment& c) { return c.span.begin > t.span.begin && c.span.end < t.span.end; });
        // Trying the one-line form must leave no trace: a nested record that breaks while it is
        // tried takes the comments on its lines, which the broken form below prints again.
        std::size_t comments_before_trying = next_comment_;
        std::string flat;
        if (!has_comments) {
          flat = "{ ";
          for (std::size_t i = 0; i < t.fields.size(); ++i) flat += (i ? ", " : "") + field_text(t.fields[i], indent);
          flat += " }";
        }
        if (!has_comments && flat.find('\n') == std::string::npos && indent.size() + flat.size() <= kMaxWidth - 30) {
          s = flat;
        } else {
          next_comment_ = comments_before_trying;
          // Broken records carry their own lines; fields are emitted by the caller's block logic.
          s = "{\n";
          std::string inner = indent + kIndent;
          std::string saved;
          saved.swap(out_);
          for (const ast::FieldDecl& f : t.fields) {
            leading_comments(f.span.begin, inner);
            out_ += inner + field_text(f, inner);
            end_line(f.span.end);
          }
          leading_comments(t.span.end - 1, inner);
          s += out_ + indent + "}";
          out_.swap(saved);
        }
        break;
      }
      case ast::TypeExpr::Kind::Error:
        s = "<error>";
        break;
    }
    return t.optional ? s + "?" : s;
  }

  std::string field_text(const ast::FieldDecl& f, const std::string& indent) {
    std::string s = ast::name_text(f.name) + ": " + type_text(f.type, indent);
    if (f.provenance != Provenance::Unqualified) s += std::string(" ") + provenance_spelling(f.provenance);
    return s;
  }

  // Prints ` { ... }` with one line per element, keeping comments and the blank lines that
  // group elements. The line of the closing brace stays open for what follows it.
  template <typename T, typename PrintLine>
  void block(const std::vector<T>& items, std::uint32_t close, const std::string& indent, PrintLine print_line) {
    if (items.empty() && !comment_before(close)) {
      out_ += " {}";
      return;
    }
    out_ += " {";
    end_line(items.empty() ? close - 1 : first_line_end(items.front().span.begin));
    std::string inner = indent + kIndent;
    std::uint32_t previous_end = 0;
    for (const T& item : items) {
      if (previous_end != 0 && blank_between(previous_end, first_offset(item.span.begin))) out_ += "\n";
      leading_comments(item.span.begin, inner);
      out_ += inner + print_line(item, inner);
      end_line(item.span.end);
      previous_end = item.span.end;
    }
    leading_comments(close - 1, inner);
    out_ += indent + "}";
  }

  void settings(const std::vector<ast::Setting>& list, std::uint32_t close) {
    block(list, close, "", [&](const ast::Setting& s, const std::string& inner) {
      std::string key = s.key + ": ";
      return key + expr(*s.value, inner, inner.size() + key.size());
    });
  }

  void schema(const ast::SchemaDecl& s) {
    out_ += "schema " + s.name;
    if (!s.base.empty()) out_ += " extends " + s.base;
    block(s.fields, s.span.end, "",
          [&](const ast::FieldDecl& f, const std::string& inner) { return field_text(f, inner); });
    end_line(s.span.end);
  }

  // The offset of the `{` line end: trailing comments after `{` stay there.
  std::uint32_t first_line_end(std::uint32_t first_child) const {
    std::uint32_t p = first_child;
    const std::string& text = source_.text();
    while (p > 0 && text[p - 1] != '{') --p;
    return p;
  }

  bool comment_before(std::uint32_t offset) const {
    return next_comment_ < file_.comments.size() && file_.comments[next_comment_].span.begin < offset;
  }

  std::string expr(const ast::Expr& e, const std::string& indent, std::size_t used) {
    ExprPrinter printer;
    return printer.print(e, indent, used < kMaxWidth ? kMaxWidth - used : 20);
  }

  void issuer(const ast::IssuerDecl& i) {
    out_ +=
        "issuer " + i.name + " = " + (i.key_kind.empty() ? "" : i.key_kind + " ") + stdlib::quote_string_literal(i.iss);
    settings(i.settings, i.span.end);
    end_line(i.span.end);
  }

  void test(const ast::TestDecl& t) {
    out_ += "test " + stdlib::quote_string_literal(t.name);
    settings(t.settings, t.span.end);
    end_line(t.span.end);
  }

  void constant(const ast::ConstDecl& c) {
    std::string head = "const " + c.name + " = ";
    out_ += head + expr(*c.value, "", head.size());
    end_line(c.span.end);
  }

  std::string name_set(const ast::NameSet& set) {
    if (set.any) return "*";
    auto item = [](const ast::NameSet::Item& i) { return i.quoted ? stdlib::quote_string_literal(i.text) : i.text; };
    if (set.items.size() == 1 && !set.bracketed) return item(set.items[0]);
    std::string out = "[";
    for (std::size_t i = 0; i < set.items.size(); ++i) out += (i ? ", " : "") + item(set.items[i]);
    return out + "]";
  }

  void rule(const ast::RuleDecl& r) {
    for (const ast::Annotation& a : r.annotations) {
      leading_comments(a.span.begin, "");
      out_ += "@" + a.name;
      if (a.value) {
        out_ += "(" + stdlib::quote_string_literal(*a.value);
        for (const std::string& v : a.more_values) out_ += ", " + stdlib::quote_string_literal(v);
        out_ += ")";
      }
      end_line(a.span.end);
    }
    leading_comments(r.head_span.begin, "");
    out_ += r.effect == ast::Effect::Permit ? "permit " : "forbid ";
    if (r.kind == ast::RuleKind::Issue) {
      out_ += "issue " + name_set(r.roles) + " to " + name_set(r.issuers);
    } else {
      std::string head = "access " + name_set(r.actions) + " on " + name_set(r.resources);
      std::string by =
          "by " + (r.principal_kind.empty() ? std::string("*") : r.principal_kind + " " + name_set(r.principals));
      std::size_t line_start = out_.rfind('\n') == std::string::npos ? 0 : out_.rfind('\n') + 1;
      std::size_t width = out_.size() - line_start + head.size() + 1 + by.size() + (r.has_when ? 7 : 0);
      // A head too long for one line continues with its principal on the next.
      out_ += head + (width > kMaxWidth ? "\n  " : " ") + by;
    }
    if (r.has_when) {
      out_ += " when";
      block(r.conditions, r.when_span.end, "", [&](const ast::Condition& c, const std::string& inner) {
        std::string head = c.is_let ? "let " + c.let_name + " = " : "";
        return head + expr(*c.expr, inner, inner.size() + head.size());
      });
    }
    if (r.has_grant) {
      out_ += " grant";
      settings(r.grant, r.grant_span.end);
    }
    end_line(r.span.end);
  }

  const ast::File& file_;
  const SourceFile& source_;
  std::string out_;
  std::size_t next_comment_ = 0;
};

}  // namespace

std::string format_file(const ast::File& file, const SourceFile& source) {
  Formatter formatter(file, source);
  return formatter.run();
}

}  // namespace writ
