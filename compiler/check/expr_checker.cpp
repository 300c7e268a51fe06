// Types expressions: names, claims and `has` guards, operators, literals and built-in calls.
#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/check/fuzzy.h"
#include "compiler/check/internal/checker.h"
#include "stdlib/glob.h"
#include "stdlib/spiffe_id.h"
#include "stdlib/strings.h"
#include "stdlib/time_zone.h"

namespace writ::check {

std::string claim_path(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Name) return e.text;
  if (e.kind == ast::ExprKind::Field) {
    std::string base = claim_path(*e.operands[0]);
    if (base.empty()) return {};
    return base + '\x1f' + e.text;  // a separator no claim name contains
  }
  return {};
}

std::string field_spelling(std::string_view name) {
  bool identifier = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) identifier = identifier && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (identifier) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

// A path as written in Writ: `token."kubernetes.io".node`, with names that are not identifiers
// quoted, so that a help can be pasted as it is.
std::string show_path(std::string path) {
  std::string out;
  std::size_t begin = 0;
  while (true) {
    std::size_t end = path.find('\x1f', begin);
    std::string_view part = std::string_view(path).substr(begin, end == std::string::npos ? end : end - begin);
    out += begin == 0 ? std::string(part) : "." + field_spelling(part);
    if (end == std::string::npos) return out;
    begin = end + 1;
  }
}

namespace {

const char* kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool is_weekday(std::string_view name) {
  return std::find(std::begin(kWeekdays), std::end(kWeekdays), name) != std::end(kWeekdays);
}

// Built-in record types returned by parsing functions.
std::shared_ptr<const RecordType> spiffe_id_record() {
  static const auto record = [] {
    auto r = std::make_shared<RecordType>();
    r->name = "spiffe_id";
    r->fields = {{"trust_domain", Type::string(), false, Provenance::Unqualified},
                 {"path", Type::string(), false, Provenance::Unqualified},
                 {"segments", Type::list(Type::string()), false, Provenance::Unqualified}};
    return r;
  }();
  return record;
}

std::shared_ptr<const RecordType> github_subject_record() {
  static const auto record = [] {
    auto r = std::make_shared<RecordType>();
    r->name = "github_subject";
    auto field = [](const char* name, Type t, bool optional, Provenance p = Provenance::Unqualified) {
      return FieldInfo{name, std::move(t), optional, p};
    };
    r->fields = {field("owner", Type::string(), false, Provenance::Mutable),
                 field("name", Type::string(), false, Provenance::Mutable),
                 field("repository", Type::string(), false, Provenance::Mutable),
                 field("owner_id", Type::string(), true, Provenance::Immutable),
                 field("repository_id", Type::string(), true, Provenance::Immutable),
                 field("context", Type::enumeration({"environment", "pull_request", "ref", ""}), false),
                 field("environment", Type::string(), true),
                 field("ref", Type::string(), true)};
    return r;
  }();
  return record;
}

bool valid_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS(.fraction)?(Z|+HH:MM|-HH:MM)
  auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > s.size()) return false;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (s.size() < 20 || !digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
      (s[10] != 'T' && s[10] != 't') || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' ||
      !digits(17, 2)) {
    return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  int hour = (s[11] - '0') * 10 + (s[12] - '0');
  int minute = (s[14] - '0') * 10 + (s[15] - '0');
  int second = (s[17] - '0') * 10 + (s[18] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  return i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && digits(i + 1, 2) && s[i + 3] == ':' && digits(i + 4, 2);
}

}  // namespace

// Types one expression tree; lives as long as one top-level check_expr call.
class ExprChecker {
 public:
  ExprChecker(Checker& c, ExprScope& scope) : c_(c), scope_(scope) {}

  Type check(const ast::Expr& e) {
    Type t = check_inner(e);
    c_.program_.set_type(e, t);
    return t;
  }

 private:
  diag::DiagnosticSink& sink() { return c_.sink_; }

  Type check_inner(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::Error:
        return Type::error();
      case ast::ExprKind::String:
        return Type::string();
      case ast::ExprKind::Int:
        return Type::integer();
      case ast::ExprKind::Bool:
        return Type::boolean();
      case ast::ExprKind::Duration:
        return Type::duration();
      case ast::ExprKind::TimeOfDay:
        return check_time_of_day(e);
      case ast::ExprKind::Name:
        return check_name(e);
      case ast::ExprKind::Field:
        return check_field(e);
      case ast::ExprKind::Index:
        return check_index(e);
      case ast::ExprKind::Call:
        return check_call(e);
      case ast::ExprKind::Unary:
        return check_unary(e);
      case ast::ExprKind::Binary:
        return check_binary(e);
      case ast::ExprKind::List:
        return check_list(e);
      case ast::ExprKind::Record:
        return check_record(e);
      case ast::ExprKind::Quantifier:
        return check_quantifier(e);
      case ast::ExprKind::Conditional:
        return check_conditional(e);
      case ast::ExprKind::Range:
        sink().report(diag::DiagId::TypeMismatch, e.span, "a `..` range can only be an argument of `window`");
        return Type::error();
    }
    return Type::error();
  }

  Type check_time_of_day(const ast::Expr& e) {
    if (!scope_.window_argument) {
      sink().report(diag::DiagId::InvalidWindow, e.span, "a time of day can only appear in `window(...)`");
      return Type::error();
    }
    if (e.int_value > 24 * 60 || e.int_value % 60 >= 60 || (e.int_value / 60 > 24)) {
      sink()
          .report(diag::DiagId::InvalidWindow, e.span, fmt::format("`{}` is not a time of day", e.text))
          .note("times of day run from 00:00 to 24:00");
      return Type::error();
    }
    return Type::time_of_day();
  }

  Type check_name(const ast::Expr& e) {
    for (auto it = scope_.bindings.rbegin(); it != scope_.bindings.rend(); ++it) {
      if (it->name == e.text) {
        it->used = true;
        return it->type;
      }
    }
    if (c_.const_decls_.count(e.text) != 0) {
      c_.check_const(e.text);
      return c_.program_.constants[e.text].type;
    }
    if (scope_.window_argument && is_weekday(e.text)) return Type::weekday();
    static const char* kRoots[] = {"token", "request", "header", "exchange"};
    if (std::find_if(std::begin(kRoots), std::end(kRoots), [&](const char* r) { return e.text == r; }) !=
        std::end(kRoots)) {
      sink()
          .report(diag::DiagId::NameNotAvailable, e.span,
                  scope_.constant_only   ? fmt::format("`{}` is not available in a constant", e.text)
                  : e.text == "exchange" ? std::string("`exchange` is not available in an access rule")
                                         : fmt::format("`{}` is not available in this access rule", e.text))
          .note(scope_.constant_only ? "constants are fixed when the policy is compiled"
                : e.text == "exchange"
                    ? "the token-exchange parameters belong to issue rules"
                    : "only rules `by token ISSUERS` read the caller's `token` and `header`; every access rule "
                      "reads `request` (principal, action, resource, time)");
      return Type::error();
    }
    std::vector<std::string> candidates;
    for (const Binding& b : scope_.bindings) candidates.push_back(b.name);
    for (const auto& [name, decl] : c_.const_decls_) candidates.push_back(name);
    auto& d = sink().report(diag::DiagId::UnknownName, e.span, fmt::format("unknown name `{}`", e.text));
    if (auto m = closest_match(e.text, candidates)) {
      d.with_help(fmt::format("did you mean `{}`?", *m));
    } else if (is_weekday(e.text)) {
      d.note("weekday names can only appear in `window(...)`");
    } else if (!scope_.constant_only) {
      d.note("a rule can read `token`, `request`, `header`, `exchange`, its `let` bindings and constants");
    }
    return Type::error();
  }

  Type check_field(const ast::Expr& e) {
    // `has` waives the optional check for its own claim only, not for the path leading to it.
    bool asked_by_has = guarding_has_;
    guarding_has_ = false;
    Type base = check(*e.operands[0]);
    if (base.is_error()) return base;
    if (!base.is(TypeKind::Record)) {
      sink().report(diag::DiagId::NotARecord, e.span,
                    fmt::format("`{}` has type `{}`, which has no field `{}`", show_path(claim_path(*e.operands[0])),
                                base.name(), e.text));
      return Type::error();
    }
    const RecordType& record = base.record();
    const FieldInfo* field = record.find(e.text);
    if (field == nullptr) {
      std::vector<std::string> names;
      for (const FieldInfo& f : record.fields) names.push_back(f.name);
      std::string owner = record.name.empty() ? "this record" : fmt::format("`{}`", record.name);
      // The built-in parts have parameters (the header) and fields (the rest), tokens claims.
      const char* noun = record.name == "writ_jose_header"  ? "parameter"
                         : record.name.starts_with("writ_") ? "field"
                                                            : "claim";
      auto& d = sink().report(diag::DiagId::UnknownClaim, e.var_span.valid() ? e.var_span : e.span,
                              fmt::format("{} has no {} `{}`", owner, noun, e.text));
      if (auto m = closest_match(e.text, names)) {
        std::string spelled = field_spelling(*m);
        if (spelled == *m) {
          d.with_help(fmt::format("did you mean `{}`?", *m));
        } else {
          std::string base = show_path(claim_path(*e.operands[0]));
          d.with_help(fmt::format("did you mean `{}`? (a name that is not an identifier is quoted: `{}.{}`)", *m,
                                  base.empty() ? "..." : base, spelled));
        }
      } else if (record.name == "writ_jose_header") {
        // The built-in parts are not schemas a policy can extend: say what there is instead.
        d.note(
            fmt::format("the header has the registered JOSE parameters: {}; a token's other header parameters "
                        "are ignored, as RFC 7515 §4 requires",
                        fmt::join(names, ", ")));
      } else if (record.name.starts_with("writ_")) {
        d.note(fmt::format("the broker fills these fields: {}", fmt::join(names, ", ")));
      } else if (!record.name.empty()) {
        d.note(
            fmt::format("to use a claim `{}` does not declare, extend it: `schema my_{} extends {} {{ {}: string? }}`",
                        record.name, record.name, record.name, e.text));
      }
      return Type::error();
    }
    if (field->optional && !asked_by_has) {
      std::string path = claim_path(e);
      if (path.empty() || scope_.guarded.count(path) == 0) {
        std::string shown = path.empty() ? e.text : show_path(path);
        sink()
            .report(diag::DiagId::UnguardedOptional, e.span, fmt::format("`{}` is optional and may be absent", shown))
            .note("reading an absent claim is an evaluation error, so the rule would fail closed")
            .with_help(fmt::format("check `has({})` first, on an earlier line or with `&&`", shown));
      }
    }
    return field->type;
  }

  Type check_index(const ast::Expr& e) {
    Type list = check(*e.operands[0]);
    Type index = check(*e.operands[1]);
    if (!index.is_error() && !index.is(TypeKind::Int)) {
      sink().report(diag::DiagId::TypeMismatch, e.operands[1]->span,
                    fmt::format("a list index is an `int`, found `{}`", index.name()));
    }
    if (list.is_error()) return list;
    if (!list.is(TypeKind::List)) {
      sink().report(diag::DiagId::TypeMismatch, e.operands[0]->span,
                    fmt::format("only lists can be indexed, found `{}`", list.name()));
      return Type::error();
    }
    return list.element();
  }

  Type check_unary(const ast::Expr& e) {
    Type t = check(*e.operands[0]);
    if (t.is_error()) return t;
    if (e.op == ast::Op::Not) {
      if (!t.is(TypeKind::Bool)) {
        sink().report(diag::DiagId::TypeMismatch, e.span, fmt::format("`!` needs a `bool`, found `{}`", t.name()));
        return Type::error();
      }
      return t;
    }
    if (!t.is(TypeKind::Int) && !t.is(TypeKind::Duration)) {
      sink().report(diag::DiagId::TypeMismatch, e.span,
                    fmt::format("`-` needs an `int` or a `duration`, found `{}`", t.name()));
      return Type::error();
    }
    return t;
  }

  // The `has` facts an expression establishes when it is true (or false).
  void facts(const ast::Expr& e, bool when_true, std::set<std::string>& out) {
    if (e.kind == ast::ExprKind::Call && e.builtin == Builtin::Has && e.operands.size() == 1 && when_true) {
      std::string p = claim_path(*e.operands[0]);
      if (!p.empty()) out.insert(p);
    } else if (e.kind == ast::ExprKind::Unary && e.op == ast::Op::Not) {
      facts(*e.operands[0], !when_true, out);
    } else if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::And && when_true) {
      facts(*e.operands[0], true, out);
      facts(*e.operands[1], true, out);
    } else if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::Or && !when_true) {
      facts(*e.operands[0], false, out);
      facts(*e.operands[1], false, out);
    }
  }

 public:
  void assume(const ast::Expr& e) { facts(e, true, scope_.guarded); }

 private:
  // `if c then a else b`: `a` is read only when `c` holds, `b` only when it does not, so each
  // branch may rely on the `has` facts of its side; both have one type.
  Type check_conditional(const ast::Expr& e) {
    Type condition = check(*e.operands[0]);
    if (!condition.is_error() && !condition.is(TypeKind::Bool)) {
      sink().report(diag::DiagId::TypeMismatch, e.operands[0]->span,
                    fmt::format("the condition of `if` is a `bool`, found `{}`", condition.name()));
    }
    std::set<std::string> saved = scope_.guarded;
    facts(*e.operands[0], true, scope_.guarded);
    Type a = check(*e.operands[1]);
    scope_.guarded = saved;
    facts(*e.operands[0], false, scope_.guarded);
    Type b = check(*e.operands[2]);
    scope_.guarded = std::move(saved);
    if (auto common = common_type(a, b)) return *common;
    sink()
        .report(diag::DiagId::TypeMismatch, e.span,
                fmt::format("the branches of `if` have different types: `{}` and `{}`", a.name(), b.name()))
        .label(e.operands[1]->span, fmt::format("`{}`", a.name()))
        .label(e.operands[2]->span, fmt::format("`{}`", b.name()));
    return Type::error();
  }

  Type check_logical(const ast::Expr& e) {
    Type a = check(*e.operands[0]);
    // `a && b`: b is only evaluated when a holds; `a || b`: when a does not.
    std::set<std::string> saved = scope_.guarded;
    facts(*e.operands[0], e.op == ast::Op::And, scope_.guarded);
    Type b = check(*e.operands[1]);
    scope_.guarded = std::move(saved);
    for (const auto& [t, operand] : {std::pair{a, e.operands[0].get()}, std::pair{b, e.operands[1].get()}}) {
      if (!t.is_error() && !t.is(TypeKind::Bool)) {
        sink().report(diag::DiagId::TypeMismatch, operand->span,
                      fmt::format("`{}` needs `bool` operands, found `{}`", ast::op_spelling(e.op), t.name()));
      }
    }
    return Type::boolean();
  }

  void check_enum_literal(const Type& enum_type, const ast::Expr& literal) {
    if (!enum_type.is(TypeKind::Enum) || literal.kind != ast::ExprKind::String) return;
    const auto& values = enum_type.enum_values();
    if (std::find(values.begin(), values.end(), literal.text) != values.end()) return;
    std::string values_text;
    for (std::size_t i = 0; i < values.size(); ++i) {
      values_text += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + fmt::format("`\"{}\"`", values[i]);
    }
    auto& d = sink().report(diag::DiagId::NotInEnum, literal.span,
                            fmt::format("`\"{}\"` can never match: the value is one of {}", literal.text, values_text));
    if (auto m = closest_match(literal.text, values)) d.with_help(fmt::format("did you mean `\"{}\"`?", *m));
  }

  Type check_binary(const ast::Expr& e) {
    if (e.op == ast::Op::And || e.op == ast::Op::Or) return check_logical(e);
    const ast::Expr& lhs = *e.operands[0];
    const ast::Expr& rhs = *e.operands[1];
    Type a = check(lhs);
    Type b = check(rhs);
    switch (e.op) {
      case ast::Op::Eq:
      case ast::Op::Ne:
        if (!comparable(a, b)) {
          sink()
              .report(diag::DiagId::IncompatibleComparison, e.span,
                      fmt::format("`{}` compares `{}` with `{}`, which can never be equal", ast::op_spelling(e.op),
                                  a.name(), b.name()))
              .label(lhs.span, fmt::format("this is `{}`", a.name()))
              .label(rhs.span, fmt::format("this is `{}`", b.name()))
              .with_help(a.is_stringy() && b.is(TypeKind::Int)
                             ? std::string(
                                   "claims holding numbers arrive as strings: compare with a string, or use `int(...)`")
                             : std::string("compare values of the same type"));
        }
        check_enum_literal(a, rhs);
        check_enum_literal(b, lhs);
        return Type::boolean();
      case ast::Op::Lt:
      case ast::Op::Le:
      case ast::Op::Gt:
      case ast::Op::Ge:
        if (!a.is_error() && !b.is_error() && (!a.is_ordered() || a.kind() != b.kind())) {
          sink()
              .report(
                  diag::DiagId::IncompatibleComparison, e.span,
                  fmt::format("`{}` orders `int`, `duration` or `timestamp` values of one type; found `{}` and `{}`",
                              ast::op_spelling(e.op), a.name(), b.name()))
              .with_help(a.is_stringy() ? "strings are not ordered; use `int(...)` for numbers in strings"
                                        : "compare values of the same type");
        }
        return Type::boolean();
      case ast::Op::In:
        return check_in(e, a, b);
      case ast::Op::Like:
      case ast::Op::Matches:
        return check_pattern(e, a);
      case ast::Op::Under:
        for (const auto& [t, operand] : {std::pair{a, &lhs}, std::pair{b, &rhs}}) {
          if (!t.is_error() && !t.is_stringy()) {
            sink().report(diag::DiagId::TypeMismatch, operand->span,
                          fmt::format("`under` compares paths (strings), found `{}`", t.name()));
          }
        }
        if (auto prefix = c_.const_string(rhs); prefix && (prefix->empty() || *prefix == "/")) {
          sink().report(diag::DiagId::GlobMatchesAll, rhs.span, "every path is under this prefix");
        } else if (!prefix) {
          e.computed_prefix = true;  // built from the request: an empty part must not widen it
        }
        return Type::boolean();
      default:
        return check_arithmetic(e, a, b);
    }
  }

  Type check_in(const ast::Expr& e, const Type& a, const Type& b) {
    if (a.is_error() || b.is_error()) return Type::boolean();
    if (b.is(TypeKind::Window)) {
      if (!a.is(TypeKind::Timestamp)) {
        sink().report(diag::DiagId::TypeMismatch, e.operands[0]->span,
                      fmt::format("only a `timestamp` can be `in` a window, found `{}`", a.name()));
      }
      return Type::boolean();
    }
    if (!b.is(TypeKind::List)) {
      auto& d = sink().report(diag::DiagId::TypeMismatch, e.operands[1]->span,
                              fmt::format("`in` needs a list or a window on its right, found `{}`", b.name()));
      if (b.is_stringy()) d.with_help("to test for a substring, use `contains(text, part)`");
      return Type::boolean();
    }
    if (!comparable(a, b.element())) {
      sink().report(diag::DiagId::IncompatibleComparison, e.span,
                    fmt::format("`in` looks for a `{}` in a `{}`", a.name(), b.name()));
    }
    if (e.operands[1]->kind == ast::ExprKind::List) {
      for (const auto& item : e.operands[1]->operands) check_enum_literal(a, *item);
    }
    return Type::boolean();
  }

  Type check_pattern(const ast::Expr& e, const Type& a) {
    const char* op = ast::op_spelling(e.op);
    if (!a.is_error() && !a.is_stringy()) {
      auto& d = sink().report(diag::DiagId::TypeMismatch, e.operands[0]->span,
                              fmt::format("`{}` matches strings, found `{}`", op, a.name()));
      if (a.is(TypeKind::List))
        d.with_help(fmt::format("to test the items of a list, write `any(x in ..., x {} ...)`", op));
    }
    const ast::Expr& rhs = *e.operands[1];
    auto pattern = c_.const_string(rhs);
    if (!pattern) {
      if (!c_.program_.type_of(rhs).is_error()) {
        sink()
            .report(diag::DiagId::NotConstant, rhs.span,
                    fmt::format("the pattern of `{}` must be a string literal or constant", op))
            .note("patterns are checked and compiled when the policy is compiled");
      }
      return Type::boolean();
    }
    if (e.op == ast::Op::Like) {
      if (auto err = stdlib::validate_glob(*pattern)) {
        sink()
            .report(diag::DiagId::InvalidGlob, rhs.span, fmt::format("invalid glob: {}", err->message))
            .with_help("escape a literal `\\` as `\\\\`");
      } else if (stdlib::glob_matches_everything(*pattern)) {
        sink()
            .report(diag::DiagId::GlobMatchesAll, rhs.span, fmt::format("`like \"{}\"` matches every value", *pattern))
            .note("a condition that always holds does not restrict the rule")
            .with_help("match a bounded pattern, such as `\"acme/*\"`, or remove the condition");
      }
    } else {
      RE2::Options options;
      options.set_log_errors(false);
      options.set_max_mem(1 << 20);
      RE2 re(*pattern, options);
      if (!re.ok()) {
        sink()
            .report(diag::DiagId::InvalidRegex, rhs.span, fmt::format("invalid regular expression: {}", re.error()))
            .note("`matches` uses RE2 syntax, which has no backreferences or lookaround");
      } else if (*pattern == ".*" || *pattern == "(.*)" || *pattern == "^.*$") {
        sink().report(diag::DiagId::GlobMatchesAll, rhs.span,
                      fmt::format("`matches \"{}\"` matches every value", *pattern));
      }
    }
    return Type::boolean();
  }

  Type check_arithmetic(const ast::Expr& e, const Type& a, const Type& b) {
    if (a.is_error() || b.is_error()) return Type::error();
    auto k = [](const Type& t) { return t.is_stringy() ? TypeKind::String : t.kind(); };
    TypeKind x = k(a), y = k(b);
    using K = TypeKind;
    switch (e.op) {
      case ast::Op::Add:
        if (x == K::Int && y == K::Int) return Type::integer();
        if (x == K::Duration && y == K::Duration) return Type::duration();
        if ((x == K::Timestamp && y == K::Duration) || (x == K::Duration && y == K::Timestamp))
          return Type::timestamp();
        if (x == K::String && y == K::String) return Type::string();
        break;
      case ast::Op::Sub:
        if (x == K::Int && y == K::Int) return Type::integer();
        if (x == K::Duration && y == K::Duration) return Type::duration();
        if (x == K::Timestamp && y == K::Timestamp) return Type::duration();
        if (x == K::Timestamp && y == K::Duration) return Type::timestamp();
        break;
      case ast::Op::Mul:
        if (x == K::Int && y == K::Int) return Type::integer();
        if ((x == K::Duration && y == K::Int) || (x == K::Int && y == K::Duration)) return Type::duration();
        break;
      case ast::Op::Div:
        if (x == K::Int && y == K::Int) return Type::integer();
        if (x == K::Duration && y == K::Int) return Type::duration();
        break;
      case ast::Op::Mod:
        if (x == K::Int && y == K::Int) return Type::integer();
        break;
      default:
        break;
    }
    sink()
        .report(diag::DiagId::TypeMismatch, e.span,
                fmt::format("`{}` is not defined for `{}` and `{}`", ast::op_spelling(e.op), a.name(), b.name()))
        .label(e.operands[0]->span, fmt::format("`{}`", a.name()))
        .label(e.operands[1]->span, fmt::format("`{}`", b.name()));
    return Type::error();
  }

  Type check_list(const ast::Expr& e) {
    Type element = Type::error();
    bool first = true;
    for (const auto& item : e.operands) {
      Type t = check(*item);
      if (t.is_error()) continue;
      if (first) {
        element = t.is(TypeKind::Enum) ? Type::string() : t;
        first = false;
      } else if (!comparable(t, element)) {
        sink().report(
            diag::DiagId::TypeMismatch, item->span,
            fmt::format("list items have one type: this is `{}`, the first was `{}`", t.name(), element.name()));
      }
    }
    return Type::list(element);
  }

  Type check_record(const ast::Expr& e) {
    auto record = std::make_shared<RecordType>();
    for (std::size_t i = 0; i < e.operands.size(); ++i) {
      Type t = check(*e.operands[i]);
      if (record->find(e.details().keys[i]) != nullptr) {
        sink().report(diag::DiagId::DuplicateField, e.details().key_spans[i],
                      fmt::format("`{}` appears twice in this record", e.details().keys[i]));
        continue;
      }
      record->fields.push_back({e.details().keys[i], t, false, Provenance::Unqualified});
    }
    return Type::record(std::move(record));
  }

  Type check_quantifier(const ast::Expr& e) {
    Type list = check(*e.operands[0]);
    Type element = Type::error();
    if (!list.is_error()) {
      if (list.is(TypeKind::List)) {
        element = list.element();
      } else {
        sink().report(diag::DiagId::TypeMismatch, e.operands[0]->span,
                      fmt::format("`{}` ranges over a list, found `{}`", e.text, list.name()));
      }
    }
    scope_.bindings.push_back({e.details().var, element, e.var_span, false, false});
    Type p = check(*e.operands[1]);
    scope_.bindings.pop_back();
    if (!p.is_error() && !p.is(TypeKind::Bool)) {
      sink().report(diag::DiagId::TypeMismatch, e.operands[1]->span,
                    fmt::format("the condition of `{}` must be a `bool`, found `{}`", e.text, p.name()));
    }
    return Type::boolean();
  }

  // ----- Calls ----------------------------------------------------------------------------

  Type check_call(const ast::Expr& e) {
    const BuiltinInfo* fn = e.builtin == Builtin::None ? nullptr : &builtin_info(e.builtin);
    Span name_span = e.var_span.valid() ? e.var_span : e.span;
    if (fn == nullptr) {
      std::vector<std::string> names;
      for (const BuiltinInfo& f : builtins()) names.emplace_back(f.name);
      auto& d = sink().report(diag::DiagId::UnknownFunction, name_span, fmt::format("unknown function `{}`", e.text));
      if (auto m = closest_match(e.text, names)) d.with_help(fmt::format("did you mean `{}`?", *m));
      for (const auto& arg : e.operands) check(*arg);
      return Type::error();
    }
    std::size_t n = e.operands.size();
    if (n < fn->min_args || n > fn->max_args) {
      std::string expected = fn->min_args == fn->max_args ? fmt::format("{}", fn->min_args)
                             : fn->max_args == kVariadic  ? fmt::format("at least {}", fn->min_args)
                                                          : fmt::format("{} or {}", fn->min_args, fn->max_args);
      sink()
          .report(diag::DiagId::WrongArity, e.span,
                  fmt::format("`{}` takes {} argument{}, found {}", e.text, expected, expected == "1" ? "" : "s", n))
          .with_help(fmt::format("usage: `{}`", fn->usage));
      // Quantifier arguments mention a variable that is not bound here; checking them would
      // only echo this error.
      if (e.builtin != Builtin::All && e.builtin != Builtin::Any) {
        for (const auto& arg : e.operands) check(*arg);
      }
      return Type::error();
    }
    if (e.builtin == Builtin::Has) return check_has(e);
    if (e.builtin == Builtin::Window) return check_window(e);
    if (e.builtin == Builtin::All || e.builtin == Builtin::Any) {
      sink().report(diag::DiagId::TypeMismatch, e.span,
                    fmt::format("`{}` binds a variable: write `{}`", e.text, fn->usage));
      return Type::error();
    }
    std::vector<Type> args;
    for (const auto& arg : e.operands) args.push_back(check(*arg));
    for (const Type& t : args) {
      if (t.is_error()) return result_type_for(e.builtin, args);
    }
    return check_builtin(e, args);
  }

  // A plausible result type when an argument already failed, so one mistake reports once.
  static Type result_type_for(Builtin b, const std::vector<Type>& args) {
    if (b == Builtin::Lower || b == Builtin::Upper || b == Builtin::String) return Type::string();
    if (b == Builtin::Size || b == Builtin::Int) return Type::integer();
    if (b == Builtin::Split) return Type::list(Type::string());
    if (b == Builtin::Timestamp) return Type::timestamp();
    if (b == Builtin::Spiffe) return Type::record(spiffe_id_record());
    if (b == Builtin::GithubSub) return Type::record(github_subject_record());
    if (b == Builtin::Min || b == Builtin::Max) {
      for (const Type& t : args) {
        if (!t.is_error()) return t;
      }
      return Type::error();
    }
    return Type::boolean();
  }

  bool expect_arg(const ast::Expr& call, std::size_t i, const Type& t, bool ok, std::string_view wanted) {
    if (ok) return true;
    sink().report(diag::DiagId::TypeMismatch, call.operands[i]->span,
                  fmt::format("argument {} of `{}` must be {}, found `{}`", i + 1, call.text, wanted, t.name()));
    return false;
  }

  Type check_builtin(const ast::Expr& e, const std::vector<Type>& args) {
    Builtin b = e.builtin;
    if (b == Builtin::StartsWith || b == Builtin::EndsWith) {
      expect_arg(e, 0, args[0], args[0].is_stringy(), "a string");
      expect_arg(e, 1, args[1], args[1].is_stringy(), "a string");
      return Type::boolean();
    }
    if (b == Builtin::Contains) {
      if (args[0].is(TypeKind::List)) {
        if (!comparable(args[0].element(), args[1])) {
          sink().report(diag::DiagId::IncompatibleComparison, e.span,
                        fmt::format("`contains` looks for a `{}` in a `{}`", args[1].name(), args[0].name()));
        }
        return Type::boolean();
      }
      expect_arg(e, 0, args[0], args[0].is_stringy(), "a string or a list");
      expect_arg(e, 1, args[1], args[1].is_stringy(), "a string");
      return Type::boolean();
    }
    if (b == Builtin::Lower || b == Builtin::Upper) {
      expect_arg(e, 0, args[0], args[0].is_stringy(), "a string");
      return Type::string();
    }
    if (b == Builtin::Split) {
      expect_arg(e, 0, args[0], args[0].is_stringy(), "a string");
      if (expect_arg(e, 1, args[1], args[1].is_stringy(), "a string")) {
        auto sep = c_.const_string(*e.operands[1]);
        if (sep && sep->empty()) {
          sink().report(diag::DiagId::TypeMismatch, e.operands[1]->span, "the separator of `split` cannot be empty");
        }
      }
      return Type::list(Type::string());
    }
    if (b == Builtin::Size) {
      expect_arg(e, 0, args[0], args[0].is_stringy() || args[0].is(TypeKind::List), "a string or a list");
      return Type::integer();
    }
    if (b == Builtin::Int) {
      if (expect_arg(e, 0, args[0], args[0].is_stringy(), "a string of decimal digits")) {
        // A constant is refused here exactly when the run time would refuse it (stdlib::parse_int):
        // what always errs is a mistake, and all of int64 is accepted.
        if (auto text = c_.const_string(*e.operands[0])) {
          if (auto parsed = stdlib::parse_int(*text); !parsed) {
            sink()
                .report(diag::DiagId::InvalidInteger, e.operands[0]->span,
                        fmt::format("`int` of this constant always fails: {}", parsed.error()))
                .note(
                    "`int` takes an optional `-` and 1 to 19 decimal digits without leading zeros, within "
                    "-9223372036854775808..9223372036854775807");
          }
        }
      }
      return Type::integer();
    }
    if (b == Builtin::String) {
      const Type& t = args[0];
      expect_arg(e, 0, t,
                 t.is_stringy() || t.is(TypeKind::Int) || t.is(TypeKind::Bool) || t.is(TypeKind::Duration) ||
                     t.is(TypeKind::Timestamp),
                 "a string, int, bool, duration or timestamp");
      return Type::string();
    }
    if (b == Builtin::Min || b == Builtin::Max) {
      const Type& first = args[0];
      if (!expect_arg(e, 0, first, first.is_ordered(), "an `int`, `duration` or `timestamp`")) return Type::error();
      for (std::size_t i = 1; i < args.size(); ++i) {
        expect_arg(e, i, args[i], args[i].kind() == first.kind(), fmt::format("a `{}` like the first", first.name()));
      }
      return first;
    }
    if (b == Builtin::Timestamp) {
      if (expect_arg(e, 0, args[0], args[0].is_stringy(), "an RFC 3339 string")) {
        if (auto text = c_.const_string(*e.operands[0]); text && !valid_rfc3339(*text)) {
          sink()
              .report(diag::DiagId::InvalidTimestamp, e.operands[0]->span,
                      fmt::format("`\"{}\"` is not an RFC 3339 timestamp", *text))
              .with_help("write it like `\"2026-01-31T09:00:00Z\"`");
        }
      }
      return Type::timestamp();
    }
    if (b == Builtin::Spiffe || b == Builtin::IsSpiffeId) {
      if (expect_arg(e, 0, args[0], args[0].is_stringy(), "a string")) {
        if (auto text = c_.const_string(*e.operands[0])) {
          auto parsed = stdlib::parse_spiffe_id(*text);
          if (auto* err = std::get_if<stdlib::SpiffeError>(&parsed)) {
            sink().report(diag::DiagId::InvalidSpiffeId, e.operands[0]->span,
                          fmt::format("`{}` is not a SPIFFE ID: {}", *text, err->message));
          }
        }
      }
      return b == Builtin::Spiffe ? Type::record(spiffe_id_record()) : Type::boolean();
    }
    if (b == Builtin::GithubSub) {
      expect_arg(e, 0, args[0], args[0].is_stringy(), "a string");
      return Type::record(github_subject_record());
    }
    return Type::error();
  }

  bool guarding_has_ = false;

  Type check_has(const ast::Expr& e) {
    const ast::Expr& arg = *e.operands[0];
    if (arg.kind != ast::ExprKind::Field) {
      sink().report(diag::DiagId::TypeMismatch, arg.span, "`has` takes a claim, such as `has(token.environment)`");
      check(arg);
      return Type::boolean();
    }
    // Check the path itself, but not the optionality of its last step: that is what `has` asks.
    guarding_has_ = true;
    Type t = check(arg);
    guarding_has_ = false;
    if (!t.is_error()) {
      Type base = c_.program_.type_of(*arg.operands[0]);
      if (base.is(TypeKind::Record)) {
        const FieldInfo* f = base.record().find(arg.text);
        if (f != nullptr && !f->optional) {
          sink()
              .report(diag::DiagId::HasOnRequired, e.span,
                      fmt::format("`{}` is always present, so `has` always holds", show_path(claim_path(arg))))
              .with_help("remove the `has` check");
        }
      }
    }
    return Type::boolean();
  }

  Type check_window(const ast::Expr& e) {
    bool saved = scope_.window_argument;
    scope_.window_argument = true;
    // Days: a weekday, a range of weekdays, or a list of either.
    const ast::Expr& days = *e.operands[0];
    std::vector<const ast::Expr*> day_items;
    if (days.kind == ast::ExprKind::List) {
      for (const auto& d : days.operands) day_items.push_back(d.get());
    } else {
      day_items.push_back(&days);
    }
    for (const ast::Expr* d : day_items) {
      const ast::Expr* parts[2] = {d, nullptr};
      if (d->kind == ast::ExprKind::Range) parts[0] = d->operands[0].get(), parts[1] = d->operands[1].get();
      for (const ast::Expr* p : parts) {
        if (p == nullptr) continue;
        if (p->kind != ast::ExprKind::Name || !is_weekday(p->text)) {
          auto& diag = sink().report(
              diag::DiagId::InvalidWindow, p->span,
              "window days are a weekday name (`mon` .. `sun`), a range like `mon..fri`, or a list of weekday names");
          if (p->kind == ast::ExprKind::Name) {
            if (auto m = closest_match(p->text, std::vector<std::string>(std::begin(kWeekdays), std::end(kWeekdays)))) {
              diag.with_help(fmt::format("did you mean `{}`?", *m));
            }
          }
          continue;
        }
        c_.program_.set_type(*p, Type::weekday());
      }
      c_.program_.set_type(*d, Type::weekday());
    }
    c_.program_.set_type(days, Type::weekday());
    // Times: a range of times of day.
    const ast::Expr& times = *e.operands[1];
    if (times.kind != ast::ExprKind::Range || times.operands[0]->kind != ast::ExprKind::TimeOfDay ||
        times.operands[1]->kind != ast::ExprKind::TimeOfDay) {
      sink().report(diag::DiagId::InvalidWindow, times.span,
                    "window hours are a range of times of day, such as `09:00..17:00`");
    } else {
      Type from = check(*times.operands[0]);
      Type to = check(*times.operands[1]);
      c_.program_.set_type(times, Type::time_of_day());
      if (!from.is_error() && !to.is_error() && times.operands[0]->int_value >= times.operands[1]->int_value) {
        sink()
            .report(diag::DiagId::InvalidWindow, times.span,
                    fmt::format("the window `{}..{}` is empty: it must end after it starts", times.operands[0]->text,
                                times.operands[1]->text))
            .note("for a window across midnight, use two windows joined with `||`");
      }
    }
    scope_.window_argument = saved;
    if (e.operands.size() == 3) {
      const ast::Expr& zone = *e.operands[2];
      Type t = check(zone);
      auto name = c_.const_string(zone);
      if (!name) {
        if (!t.is_error())
          sink().report(diag::DiagId::NotConstant, zone.span,
                        "the time zone of a window must be a string literal, such as `\"Europe/Berlin\"`");
      } else if (!stdlib::is_known_time_zone(*name)) {
        sink()
            .report(diag::DiagId::UnknownTimeZone, zone.span, fmt::format("`{}` is not an IANA time zone", *name))
            .note("zones are named like `Europe/Berlin`, `America/New_York` or `UTC`");
      }
    }
    return Type::window();
  }

  Checker& c_;
  ExprScope& scope_;
};

Type Checker::check_expr(const ast::Expr& e, ExprScope& scope) {
  ExprChecker checker(*this, scope);
  return checker.check(e);
}

void Checker::check_conditions(const ast::RuleDecl& rule, ExprScope& scope) {
  for (const ast::Condition& c : rule.conditions) {
    ExprChecker checker(*this, scope);
    Type t = checker.check(*c.expr);
    if (c.is_let) {
      if (std::any_of(scope.bindings.begin(), scope.bindings.end(),
                      [&](const Binding& b) { return b.name == c.let_name; }) ||
          const_decls_.count(c.let_name) != 0) {
        sink_
            .report(diag::DiagId::DuplicateDeclaration, c.let_name_span,
                    fmt::format("`{}` is already defined", c.let_name))
            .with_help("choose another name for this binding");
      }
      scope.bindings.push_back({c.let_name, t, c.let_name_span, false, true});
      continue;
    }
    if (!t.is_error() && !t.is(TypeKind::Bool)) {
      sink_
          .report(diag::DiagId::ConditionNotBool, c.expr->span,
                  fmt::format("a condition must be a `bool`, found `{}`", t.name()))
          .with_help(t.is_stringy() ? "compare it with something, e.g. `== \"...\"`" : "compare it with something");
    }
    // Later conditions are evaluated only when this one held.
    checker.assume(*c.expr);
  }
}

void Checker::report_unused_lets(const ExprScope& scope) {
  for (std::size_t i = 0; i < scope.bindings.size(); ++i) {
    const Binding& b = scope.bindings[i];
    if (b.is_let && !b.used && !b.name.empty() && b.name[0] != '_') {
      sink_.report(diag::DiagId::UnusedLet, b.span, fmt::format("`{}` is never used", b.name))
          .with_help("remove it, or name it `_` to keep it");
    }
  }
}

}  // namespace writ::check
