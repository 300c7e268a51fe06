// Deep copies of AST nodes. Checker annotations (type slots) are not copied: a copy is unchecked.
#include "compiler/ast/clone.h"

namespace writ::ast {
namespace {

FieldDecl clone_field(const FieldDecl& f) {
  FieldDecl out;
  out.span = f.span;
  out.name_span = f.name_span;
  out.name = f.name;
  out.quoted = f.quoted;
  out.type = clone(f.type);
  out.provenance = f.provenance;
  return out;
}

std::vector<Setting> clone_settings(const std::vector<Setting>& settings) {
  std::vector<Setting> out;
  for (const Setting& s : settings) out.push_back(Setting{s.span, s.key_span, s.key, clone(*s.value)});
  return out;
}

}  // namespace

ExprPtr clone(const Expr& e) {
  auto out = std::make_unique<Expr>();
  out->kind = e.kind;
  out->span = e.span;
  out->op = e.op;
  out->text = e.text;
  out->int_value = e.int_value;
  out->method_syntax = e.method_syntax;
  out->quoted = e.quoted;
  out->var_span = e.var_span;
  for (const auto& op : e.operands) out->operands.push_back(clone(*op));
  if (e.extra) out->extra = std::make_unique<ExprDetails>(*e.extra);
  out->parenthesized = e.parenthesized;
  out->builtin = e.builtin;
  return out;
}

TypeExpr clone(const TypeExpr& t) {
  TypeExpr out;
  out.kind = t.kind;
  out.span = t.span;
  out.name = t.name;
  if (t.argument) out.argument = std::make_unique<TypeExpr>(clone(*t.argument));
  out.enum_values = t.enum_values;
  out.enum_spans = t.enum_spans;
  for (const FieldDecl& f : t.fields) out.fields.push_back(clone_field(f));
  out.optional = t.optional;
  return out;
}

File clone(const File& f) {
  File out;
  out.file = f.file;
  out.comments = f.comments;
  out.had_syntax_errors = f.had_syntax_errors;
  for (const Item& item : f.items) {
    Item copy{item.kind, {}, {}, {}, {}, {}};
    switch (item.kind) {
      case Item::Kind::Schema: {
        auto s = std::make_unique<SchemaDecl>();
        s->span = item.schema->span;
        s->name_span = item.schema->name_span;
        s->name = item.schema->name;
        s->base = item.schema->base;
        s->base_span = item.schema->base_span;
        for (const FieldDecl& field : item.schema->fields) s->fields.push_back(clone_field(field));
        copy.schema = std::move(s);
        break;
      }
      case Item::Kind::Issuer: {
        auto i = std::make_unique<IssuerDecl>();
        i->span = item.issuer->span;
        i->name_span = item.issuer->name_span;
        i->name = item.issuer->name;
        i->key_kind = item.issuer->key_kind;
        i->key_kind_span = item.issuer->key_kind_span;
        i->iss = item.issuer->iss;
        i->iss_span = item.issuer->iss_span;
        i->settings = clone_settings(item.issuer->settings);
        copy.issuer = std::move(i);
        break;
      }
      case Item::Kind::Const: {
        auto c = std::make_unique<ConstDecl>();
        c->span = item.constant->span;
        c->name_span = item.constant->name_span;
        c->name = item.constant->name;
        c->value = clone(*item.constant->value);
        copy.constant = std::move(c);
        break;
      }
      case Item::Kind::Rule: {
        const RuleDecl& r = *item.rule;
        auto rule = std::make_unique<RuleDecl>();
        rule->span = r.span;
        rule->head_span = r.head_span;
        rule->annotations = r.annotations;
        rule->effect = r.effect;
        rule->kind = r.kind;
        rule->roles = r.roles;
        rule->issuers = r.issuers;
        rule->actions = r.actions;
        rule->resources = r.resources;
        rule->principal_kind = r.principal_kind;
        rule->principal_kind_span = r.principal_kind_span;
        rule->principals = r.principals;
        rule->has_when = r.has_when;
        rule->when_span = r.when_span;
        for (const Condition& c : r.conditions) {
          rule->conditions.push_back(Condition{c.span, c.is_let, c.let_name, c.let_name_span, clone(*c.expr)});
        }
        rule->has_grant = r.has_grant;
        rule->grant_span = r.grant_span;
        rule->grant = clone_settings(r.grant);
        copy.rule = std::move(rule);
        break;
      }
      case Item::Kind::Test: {
        auto t = std::make_unique<TestDecl>();
        t->span = item.test->span;
        t->name_span = item.test->name_span;
        t->name = item.test->name;
        t->settings = clone_settings(item.test->settings);
        copy.test = std::move(t);
        break;
      }
    }
    out.items.push_back(std::move(copy));
  }
  return out;
}

}  // namespace writ::ast
