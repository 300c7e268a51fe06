// Finds rules that can never match (contradictory conditions) and permits that rest only on
// claims an attacker could take over.
#include <algorithm>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "compiler/check/internal/checker.h"
#include "stdlib/glob.h"

namespace writ::check {
namespace {

// A literal as a comparable key: strings, ints and bools never collide.
std::optional<std::string> literal_key(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::String:
      return "s" + e.text;
    case ast::ExprKind::Int:
      return "i" + std::to_string(e.int_value);
    case ast::ExprKind::Bool:
      return e.int_value != 0 ? "btrue" : "bfalse";
    default:
      return std::nullopt;
  }
}

std::string show_literal(const std::string& key) {
  return key[0] == 's' ? "\"" + key.substr(1) + "\"" : key.substr(1);
}

// What one conjunct says about one claim path.
struct Constraint {
  enum Kind { OneOf, NotEqual, Like, Present, Absent } kind;
  std::string path;
  std::vector<std::string> values;  // OneOf: allowed keys; NotEqual: the excluded key
  std::string pattern;              // Like
  const ast::Expr* expr;
};

std::optional<Constraint> constraint_of(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Call && e.builtin == Builtin::Has && e.operands.size() == 1) {
    std::string p = claim_path(*e.operands[0]);
    if (!p.empty()) return Constraint{Constraint::Present, p, {}, {}, &e};
  }
  if (e.kind == ast::ExprKind::Unary && e.op == ast::Op::Not) {
    const ast::Expr& inner = *e.operands[0];
    if (inner.kind == ast::ExprKind::Call && inner.builtin == Builtin::Has && inner.operands.size() == 1) {
      std::string p = claim_path(*inner.operands[0]);
      if (!p.empty()) return Constraint{Constraint::Absent, p, {}, {}, &e};
    }
    return std::nullopt;
  }
  if (e.kind != ast::ExprKind::Binary) return std::nullopt;
  const ast::Expr* lhs = e.operands[0].get();
  const ast::Expr* rhs = e.operands[1].get();
  if ((e.op == ast::Op::Eq || e.op == ast::Op::Ne) && claim_path(*lhs).empty()) std::swap(lhs, rhs);
  std::string p = claim_path(*lhs);
  if (p.empty()) return std::nullopt;
  switch (e.op) {
    case ast::Op::Eq:
    case ast::Op::Ne: {
      auto key = literal_key(*rhs);
      if (!key) return std::nullopt;
      return Constraint{e.op == ast::Op::Eq ? Constraint::OneOf : Constraint::NotEqual, p, {*key}, {}, &e};
    }
    case ast::Op::In: {
      if (rhs->kind != ast::ExprKind::List) return std::nullopt;
      Constraint c{Constraint::OneOf, p, {}, {}, &e};
      for (const auto& item : rhs->operands) {
        auto key = literal_key(*item);
        if (!key) return std::nullopt;
        c.values.push_back(*key);
      }
      return c;
    }
    case ast::Op::Like:
      if (rhs->kind != ast::ExprKind::String) return std::nullopt;
      return Constraint{Constraint::Like, p, {}, rhs->text, &e};
    default:
      return std::nullopt;
  }
}

void flatten_and(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
  if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::And) {
    flatten_and(*e.operands[0], out);
    flatten_and(*e.operands[1], out);
  } else {
    out.push_back(&e);
  }
}

}  // namespace

void Checker::check_rule_logic(const ast::RuleDecl& rule, const RuleInfo& info) {
  std::vector<const ast::Expr*> conjuncts;
  for (const ast::Condition& c : rule.conditions) {
    if (!c.is_let) flatten_and(*c.expr, conjuncts);
  }
  for (const ast::Expr* e : conjuncts) {
    if (e->kind == ast::ExprKind::Bool && e->int_value == 1) {
      sink_.report(diag::DiagId::AlwaysTrue, e->span, "`true` as a condition has no effect").with_help("remove it");
    }
  }

  // Per claim path: the values still possible after each conjunct, and the conjunct that
  // narrowed them last (for the "conflicts with" label).
  struct PathState {
    std::optional<std::vector<std::string>> allowed;  // nullopt: unconstrained
    const ast::Expr* narrowed_by = nullptr;
    const ast::Expr* present = nullptr;
    const ast::Expr* absent = nullptr;
    std::vector<std::pair<std::string, const ast::Expr*>> excluded;
    std::vector<std::pair<std::string, const ast::Expr*>> patterns;
    bool reported = false;
  };
  std::map<std::string, PathState> paths;
  auto contradiction = [&](PathState& st, const ast::Expr* here, const ast::Expr* other, const std::string& why) {
    if (st.reported) return;
    st.reported = true;
    auto& d = sink_.report(diag::DiagId::Contradiction, here->span, why);
    if (other != nullptr) d.label(other->span, "conflicts with this condition");
    d.note(rule.effect == ast::Effect::Permit ? "this permit can never match"
                                              : "this forbid can never match, so it protects nothing");
  };
  for (const ast::Expr* e : conjuncts) {
    auto c = constraint_of(*e);
    if (!c) continue;
    PathState& st = paths[c->path];
    std::string shown = show_path(c->path);
    switch (c->kind) {
      case Constraint::Present:
        st.present = e;
        if (st.absent) contradiction(st, e, st.absent, fmt::format("`{}` cannot be both present and absent", shown));
        break;
      case Constraint::Absent:
        st.absent = e;
        if (st.present) contradiction(st, e, st.present, fmt::format("`{}` cannot be both present and absent", shown));
        break;
      case Constraint::NotEqual:
        st.excluded.emplace_back(c->values[0], e);
        break;
      case Constraint::Like:
        st.patterns.emplace_back(c->pattern, e);
        break;
      case Constraint::OneOf: {
        std::vector<std::string> next = c->values;
        if (st.allowed) {
          next.clear();
          for (const auto& v : c->values) {
            if (std::find(st.allowed->begin(), st.allowed->end(), v) != st.allowed->end()) next.push_back(v);
          }
        }
        if (next.empty()) {
          contradiction(
              st, e, st.narrowed_by,
              fmt::format("`{}` cannot equal {} here: an earlier condition already requires another value", shown,
                          c->values.size() == 1 ? show_literal(c->values[0]) : std::string("any of these values")));
          continue;
        }
        st.allowed = std::move(next);
        st.narrowed_by = e;
        break;
      }
    }
    // Re-check the finite set against every exclusion and pattern seen so far.
    if (!st.allowed || st.reported) continue;
    std::vector<std::string> remaining;
    const ast::Expr* last_filter = nullptr;
    for (const auto& v : *st.allowed) {
      bool ok = true;
      for (const auto& [x, by] : st.excluded) {
        if (x == v) ok = false, last_filter = by;
      }
      for (const auto& [pattern, by] : st.patterns) {
        if (v[0] == 's' && !stdlib::glob_match(pattern, std::string_view(v).substr(1))) ok = false, last_filter = by;
      }
      if (ok) remaining.push_back(v);
    }
    if (remaining.empty()) {
      const ast::Expr* here = last_filter == e ? e : (st.narrowed_by == e ? e : last_filter);
      const ast::Expr* other = here == st.narrowed_by ? last_filter : st.narrowed_by;
      contradiction(st, here, other == here ? nullptr : other,
                    fmt::format("no value of `{}` satisfies both conditions", shown));
    }
  }

  // Trust: a permit that pins the workload only by renamable names can be satisfied by
  // whoever takes over such a name (a deleted and re-registered repository, say).
  bool reads_token = rule.kind == ast::RuleKind::Issue || rule.principal_kind == "token";
  if (rule.effect == ast::Effect::Permit && reads_token && !info.token_type.is_error()) {
    std::vector<std::string> mutable_claims;
    bool immutable = false;
    std::function<void(const ast::Expr&)> walk = [&](const ast::Expr& e) {
      if (e.kind == ast::ExprKind::Field) {
        Type base = program_.type_of(*e.operands[0]);
        if (base.is(TypeKind::Record)) {
          if (const FieldInfo* f = base.record().find(e.text)) {
            if (f->provenance == Provenance::Immutable) immutable = true;
            if (f->provenance == Provenance::Mutable) mutable_claims.push_back(f->name);
          }
        }
      }
      for (const auto& op : e.operands) walk(*op);
    };
    for (const ast::Condition& c : rule.conditions) walk(*c.expr);
    if (!mutable_claims.empty() && !immutable) {
      std::sort(mutable_claims.begin(), mutable_claims.end());
      mutable_claims.erase(std::unique(mutable_claims.begin(), mutable_claims.end()), mutable_claims.end());
      std::string list;
      for (const auto& m : mutable_claims) list += (list.empty() ? "`" : ", `") + m + "`";
      auto& d = sink_
                    .report(diag::DiagId::MutableNameOnly, rule.head_span,
                            fmt::format("this permit identifies the workload only by renamable names ({})", list))
                    .note("a name can be renamed, or deleted and registered again by someone else");
      // Name only claims this token has: a help naming another CI's claims cannot be followed.
      std::vector<std::string> ids = immutable_claims(info.token_type.record());
      if (ids.empty()) {
        d.with_help(
            fmt::format("schema `{}` marks no claim `immutable`: extend it and mark the stable id its tokens "
                        "carry, then pin that id",
                        info.token_type.record().name));
      } else {
        ids.resize(std::min<std::size_t>(ids.size(), 3));
        for (std::string& id : ids) id = "`" + id + "`";
        std::string shown =
            ids.size() == 1 ? ids[0] : fmt::format("{} or {}", fmt::join(ids.begin(), ids.end() - 1, ", "), ids.back());
        d.with_help(fmt::format("also pin an immutable id, such as {}", shown));
      }
    }
  }
}

// The `immutable` claims of a token's schema as paths to write (`token."kubernetes.io".pod.uid`),
// best first: what identifies a workload (a repository, a project) before what identifies a
// person (an actor, a user), required claims before optional ones, then nested ones; otherwise in
// schema order.
std::vector<std::string> immutable_claims(const RecordType& token) {
  struct Claim {
    int rank;
    std::string path;
  };
  std::vector<Claim> found;
  auto person = [](const std::string& name) {
    return name.find("actor") != std::string::npos || name.find("user") != std::string::npos;
  };
  std::function<void(const RecordType&, const std::string&, int)> walk = [&](const RecordType& r,
                                                                             const std::string& prefix, int depth) {
    for (const FieldInfo& f : r.fields) {
      std::string path = prefix + "." + field_spelling(f.name);
      if (f.provenance == Provenance::Immutable) {
        int rank = depth > 0 ? 4 : (person(f.name) ? 2 : 0) + (f.optional ? 1 : 0);
        found.push_back({rank, path});
      }
      if (f.type.is(TypeKind::Record) && depth < 3) walk(f.type.record(), path, depth + 1);
    }
  };
  walk(token, "token", 0);
  std::stable_sort(found.begin(), found.end(), [](const Claim& a, const Claim& b) { return a.rank < b.rank; });
  std::vector<std::string> out;
  for (Claim& c : found) out.push_back(std::move(c.path));
  return out;
}

}  // namespace writ::check
