// Walks ANTLR's parse tree and builds the AST; after a syntax error, missing parts become
// Error nodes so later stages can still report what they find.
#include "compiler/syntax/internal/ast_builder.h"

#include <limits>

#include <fmt/format.h>

#include "stdlib/literals.h"

namespace writ::syntax {
namespace {

ast::Op binary_op(const std::string& text) {
  static const std::pair<const char*, ast::Op> kOps[] = {
      {"*", ast::Op::Mul},       {"/", ast::Op::Div},
      {"%", ast::Op::Mod},       {"+", ast::Op::Add},
      {"-", ast::Op::Sub},       {"==", ast::Op::Eq},
      {"!=", ast::Op::Ne},       {"<", ast::Op::Lt},
      {"<=", ast::Op::Le},       {">", ast::Op::Gt},
      {">=", ast::Op::Ge},       {"in", ast::Op::In},
      {"like", ast::Op::Like},   {"matches", ast::Op::Matches},
      {"under", ast::Op::Under}, {"&&", ast::Op::And},
      {"||", ast::Op::Or},
  };
  for (auto [spelling, op] : kOps) {
    if (text == spelling) return op;
  }
  return ast::Op::None;
}

template <typename T>
T* as(antlr4::ParserRuleContext* ctx) {
  return dynamic_cast<T*>(ctx);
}

}  // namespace

void AstBuilder::build_file(WritParser::FileContext* ctx, ast::File& out) {
  if (ctx == nullptr) return;
  for (auto* item : ctx->item()) {
    ast::Item built{ast::Item::Kind::Schema, {}, {}, {}, {}, {}};
    if (auto* s = item->schemaDecl()) {
      built.kind = ast::Item::Kind::Schema;
      built.schema = build_schema(s);
    } else if (auto* i = item->issuerDecl()) {
      built.kind = ast::Item::Kind::Issuer;
      built.issuer = build_issuer(i);
    } else if (auto* c = item->constDecl()) {
      built.kind = ast::Item::Kind::Const;
      built.constant = build_const(c);
    } else if (auto* r = item->ruleDecl()) {
      built.kind = ast::Item::Kind::Rule;
      built.rule = build_rule(r);
    } else if (auto* t = item->testDecl()) {
      built.kind = ast::Item::Kind::Test;
      built.test = std::make_unique<ast::TestDecl>();
      built.test->span = span(t);
      if (t->name != nullptr) {
        built.test->name = string_value(t->name);
        built.test->name_span = span(t->name);
      }
      for (auto* s : t->setting()) built.test->settings.push_back(build_setting(s));
    } else {
      continue;
    }
    out.items.push_back(std::move(built));
  }
  out.expr_count = expr_count_;
}

void AstBuilder::collect_comments(antlr4::CommonTokenStream& tokens, ast::File& out) {
  for (antlr4::Token* t : tokens.getTokens()) {
    auto type = t->getType();
    if (type != WritLexer::LINE_COMMENT && type != WritLexer::BLOCK_COMMENT) continue;
    out.comments.push_back(ast::Comment{span(t), t->getText(), type == WritLexer::BLOCK_COMMENT});
  }
}

std::string AstBuilder::string_value(antlr4::Token* token, bool* valid) {
  if (valid != nullptr) *valid = token != nullptr;
  if (token == nullptr) return {};
  std::string raw = token->getText();
  stdlib::StringDecodeError error{};
  auto value = stdlib::decode_string_literal(raw, error);
  if (value) return *value;
  if (valid != nullptr) *valid = false;
  Span s = span(token);
  auto begin = static_cast<std::uint32_t>(s.begin + error.offset);
  sink_
      .report(diag::DiagId::InvalidEscape, Span{file_, begin, static_cast<std::uint32_t>(begin + error.length)},
              error.message)
      .with_help("valid escapes are \\\" \\\\ \\/ \\n \\r \\t \\0 and \\u{...}");
  return {};
}

std::string AstBuilder::field_name(WritParser::FieldNameContext* ctx, bool& quoted) {
  quoted = false;
  if (ctx == nullptr) return {};
  if (auto* s = ctx->STRING()) {
    quoted = true;
    return string_value(s->getSymbol());
  }
  return ctx->getText();
}

// ----- Declarations ---------------------------------------------------------------------

std::unique_ptr<ast::SchemaDecl> AstBuilder::build_schema(WritParser::SchemaDeclContext* ctx) {
  auto decl = std::make_unique<ast::SchemaDecl>();
  decl->span = span(ctx);
  if (ctx->name != nullptr) {
    decl->name = ctx->name->getText();
    decl->name_span = span(ctx->name);
  }
  if (ctx->base != nullptr) {
    decl->base = ctx->base->getText();
    decl->base_span = span(ctx->base);
  }
  for (auto* f : ctx->fieldDecl()) decl->fields.push_back(build_field(f));
  return decl;
}

ast::FieldDecl AstBuilder::build_field(WritParser::FieldDeclContext* ctx) {
  ast::FieldDecl field;
  field.span = span(ctx);
  if (auto* name = ctx->fieldName()) {
    field.name = field_name(name, field.quoted);
    field.name_span = span(name);
  }
  if (auto* type = ctx->typeExpr()) field.type = build_type(type);
  if (auto* p = ctx->provenance()) {
    std::string text = p->getText();
    field.provenance = text == "immutable" ? Provenance::Immutable
                       : text == "mutable" ? Provenance::Mutable
                                           : Provenance::Untrusted;
  }
  return field;
}

ast::TypeExpr AstBuilder::build_type(WritParser::TypeExprContext* ctx) {
  ast::TypeExpr type;
  type.span = span(ctx);
  type.optional = ctx->optional != nullptr;
  auto* base = ctx->baseType();
  if (base == nullptr) return type;
  if (auto* named = as<WritParser::NamedTypeContext>(base)) {
    type.kind = ast::TypeExpr::Kind::Named;
    type.name = named->IDENT() ? named->IDENT()->getText() : "";
    if (auto* arg = named->typeExpr()) type.argument = std::make_unique<ast::TypeExpr>(build_type(arg));
  } else if (auto* en = as<WritParser::EnumTypeContext>(base)) {
    type.kind = ast::TypeExpr::Kind::Enum;
    for (auto* s : en->STRING()) {
      type.enum_values.push_back(string_value(s->getSymbol()));
      type.enum_spans.push_back(span(s));
    }
  } else if (auto* rec = as<WritParser::RecordTypeContext>(base)) {
    type.kind = ast::TypeExpr::Kind::Record;
    for (auto* f : rec->fieldDecl()) type.fields.push_back(build_field(f));
  }
  return type;
}

ast::Setting AstBuilder::build_setting(WritParser::SettingContext* ctx) {
  ast::Setting setting;
  setting.span = span(ctx);
  if (auto* key = ctx->settingKey()) {
    setting.key = key->getText();
    setting.key_span = span(key);
  }
  setting.value = ctx->expr() ? build_expr(ctx->expr()) : error_expr(setting.span);
  return setting;
}

std::unique_ptr<ast::IssuerDecl> AstBuilder::build_issuer(WritParser::IssuerDeclContext* ctx) {
  auto decl = std::make_unique<ast::IssuerDecl>();
  decl->span = span(ctx);
  if (ctx->name != nullptr) {
    decl->name = ctx->name->getText();
    decl->name_span = span(ctx->name);
  }
  if (ctx->keyKind != nullptr) {
    decl->key_kind = ctx->keyKind->getText();
    decl->key_kind_span = span(ctx->keyKind);
  }
  if (ctx->iss != nullptr) {
    decl->iss = string_value(ctx->iss);
    decl->iss_span = span(ctx->iss);
  }
  for (auto* s : ctx->setting()) decl->settings.push_back(build_setting(s));
  return decl;
}

std::unique_ptr<ast::ConstDecl> AstBuilder::build_const(WritParser::ConstDeclContext* ctx) {
  auto decl = std::make_unique<ast::ConstDecl>();
  decl->span = span(ctx);
  if (ctx->name != nullptr) {
    decl->name = ctx->name->getText();
    decl->name_span = span(ctx->name);
  }
  decl->value = ctx->expr() ? build_expr(ctx->expr()) : error_expr(decl->span);
  return decl;
}

ast::Annotation AstBuilder::build_annotation(WritParser::AnnotationContext* ctx) {
  ast::Annotation a;
  a.span = span(ctx);
  a.name = ctx->IDENT() ? ctx->IDENT()->getText() : "";
  auto strings = ctx->STRING();
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (i == 0) {
      a.value = string_value(strings[i]->getSymbol());
      a.value_span = span(strings[i]);
    } else {
      a.more_values.push_back(string_value(strings[i]->getSymbol()));
      a.more_value_spans.push_back(span(strings[i]));
    }
  }
  return a;
}

ast::NameSet AstBuilder::build_name_set(WritParser::NameSetContext* ctx) {
  ast::NameSet set;
  if (ctx == nullptr) return set;
  set.span = span(ctx);
  auto add = [&](WritParser::NameItemContext* item) {
    if (item == nullptr) return;
    ast::NameSet::Item built;
    built.span = span(item);
    if (auto* s = item->STRING()) {
      bool valid = true;
      built.text = string_value(s->getSymbol(), &valid);
      built.quoted = true;
      built.invalid = !valid;  // reported (E0003); the checker says nothing more about it
    } else {
      built.text = item->getText();
      built.quoted = false;
    }
    set.items.push_back(std::move(built));
  };
  if (as<WritParser::AnyNameContext>(ctx) != nullptr) {
    set.any = true;
  } else if (auto* one = as<WritParser::OneNameContext>(ctx)) {
    add(one->nameItem());
  } else if (auto* some = as<WritParser::SomeNamesContext>(ctx)) {
    set.bracketed = true;
    for (auto* item : some->nameItem()) add(item);
  }
  return set;
}

std::unique_ptr<ast::RuleDecl> AstBuilder::build_rule(WritParser::RuleDeclContext* ctx) {
  auto rule = std::make_unique<ast::RuleDecl>();
  rule->span = span(ctx);
  for (auto* a : ctx->annotation()) rule->annotations.push_back(build_annotation(a));
  rule->effect =
      ctx->effect != nullptr && ctx->effect->getText() == "forbid" ? ast::Effect::Forbid : ast::Effect::Permit;
  if (auto* head = ctx->ruleHead()) {
    rule->head_span = span(ctx->effect).to(span(head));
    if (auto* issue = as<WritParser::IssueHeadContext>(head)) {
      rule->kind = ast::RuleKind::Issue;
      rule->roles = build_name_set(issue->roles);
      rule->issuers = build_name_set(issue->issuers);
    } else if (auto* access = as<WritParser::AccessHeadContext>(head)) {
      rule->kind = ast::RuleKind::Access;
      rule->actions = build_name_set(access->actions);
      rule->resources = build_name_set(access->resources);
      if (auto* p = access->principal()) {
        if (auto* kind = as<WritParser::KindPrincipalContext>(p)) {
          if (kind->kind != nullptr) {
            rule->principal_kind = kind->kind->getText();
            rule->principal_kind_span = span(kind->kind);
          }
          rule->principals = build_name_set(kind->nameSet());
        } else {
          rule->principals.any = true;
          rule->principals.span = span(p);
        }
      }
    }
  }
  if (auto* when = ctx->whenClause()) {
    rule->has_when = true;
    rule->when_span = span(when);
    build_conditions(when, *rule);
  }
  if (auto* grant = ctx->grantClause()) {
    rule->has_grant = true;
    rule->grant_span = span(grant);
    for (auto* s : grant->setting()) rule->grant.push_back(build_setting(s));
  }
  return rule;
}

void AstBuilder::build_conditions(WritParser::WhenClauseContext* ctx, ast::RuleDecl& rule) {
  bool previous_had_semicolon = true;
  Span previous_end;
  for (auto* c : ctx->condition()) {
    ast::Condition condition;
    condition.span = span(c);
    if (auto* let = as<WritParser::LetConditionContext>(c)) {
      condition.is_let = true;
      if (let->IDENT() != nullptr) {
        condition.let_name = let->IDENT()->getText();
        condition.let_name_span = span(let->IDENT());
      }
      condition.expr = let->expr() ? build_expr(let->expr()) : error_expr(condition.span);
    } else if (auto* e = as<WritParser::ExprConditionContext>(c)) {
      condition.expr = e->expr() ? build_expr(e->expr()) : error_expr(condition.span);
    }
    bool has_semicolon = c->getStop() != nullptr && c->getStop()->getText() == ";";
    // Conditions are joined by line breaks; two on one line is almost always a missing `&&`
    // or an operator typed wrong, so it is an error rather than a silent conjunction.
    if (!previous_had_semicolon && previous_end.valid() && condition.span.begin >= previous_end.end) {
      Span here = condition.span;
      std::string_view between(text_.data() + previous_end.end, here.begin - previous_end.end);
      if (between.find('\n') == std::string_view::npos) {
        sink_
            .report(diag::DiagId::ConditionsSameLine, here,
                    "a second condition starts on the same line as the previous one")
            .note("conditions in a `when` block are joined by line breaks")
            .with_help("put each condition on its own line, or join them with `&&`");
      }
    }
    previous_had_semicolon = has_semicolon;
    previous_end = condition.span;
    rule.conditions.push_back(std::move(condition));
  }
}

// ----- Expressions ----------------------------------------------------------------------

ast::ExprPtr AstBuilder::error_expr(Span s) {
  auto e = new_expr();
  e->kind = ast::ExprKind::Error;
  e->span = s;
  return e;
}

ast::ExprPtr AstBuilder::build_expr(WritParser::ExprContext* ctx) {
  if (ctx == nullptr) return error_expr(Span{file_, 0, 0});
  // Left-deep operator chains (`a + a + ... + a`) nest without brackets, so the depth is
  // bounded here as well as by the token pre-scan.
  if (depth_ >= max_depth_ * 4) {
    if (!reported_depth_) {
      reported_depth_ = true;
      sink_
          .report(diag::DiagId::NestingTooDeep, span(ctx),
                  fmt::format("expression is nested more than {} deep", max_depth_ * 4))
          .with_help("name parts of the expression with `let` or `const`");
    }
    return error_expr(span(ctx));
  }
  ++depth_;
  ast::ExprPtr e = build_expr_inner(ctx);
  --depth_;
  return e;
}

ast::ExprPtr AstBuilder::build_expr_inner(WritParser::ExprContext* ctx) {
  Span whole = span(ctx);
  if (auto* p = as<WritParser::PrimaryExprContext>(ctx)) return build_primary(p->primary());

  if (auto* f = as<WritParser::FieldExprContext>(ctx)) {
    auto e = new_expr();
    e->kind = ast::ExprKind::Field;
    e->span = whole;
    e->text = field_name(f->fieldName(), e->quoted);
    e->var_span = f->fieldName() ? span(f->fieldName()) : whole;  // the field name alone
    e->operands.push_back(build_expr(f->expr()));
    return e;
  }
  if (auto* m = as<WritParser::MethodExprContext>(ctx)) {
    bool quoted = false;
    std::string name = field_name(m->fieldName(), quoted);
    auto call = build_call(name, m->fieldName() ? span(m->fieldName()) : whole, whole, m->arguments(), true);
    call->method_syntax = true;
    call->operands.insert(call->operands.begin(), build_expr(m->expr()));
    return call;
  }
  if (auto* i = as<WritParser::IndexExprContext>(ctx)) {
    auto e = new_expr();
    e->kind = ast::ExprKind::Index;
    e->span = whole;
    e->operands.push_back(build_expr(i->expr(0)));
    e->operands.push_back(build_expr(i->expr(1)));
    return e;
  }
  if (auto* u = as<WritParser::UnaryExprContext>(ctx)) {
    auto e = new_expr();
    e->kind = ast::ExprKind::Unary;
    e->span = whole;
    e->op = u->op != nullptr && u->op->getText() == "-" ? ast::Op::Neg : ast::Op::Not;
    // `-9223372036854775808` is int64's least value, although its magnitude alone does not fit.
    if (e->op == ast::Op::Neg) {
      auto* p = as<WritParser::PrimaryExprContext>(u->expr());
      auto* l = p != nullptr ? as<WritParser::LiteralPrimaryContext>(p->primary()) : nullptr;
      if (l != nullptr && l->literal()->INT() != nullptr && l->literal()->getText() == "9223372036854775808") {
        e->kind = ast::ExprKind::Int;
        e->int_value = std::numeric_limits<std::int64_t>::min();
        return e;
      }
    }
    e->operands.push_back(build_expr(u->expr()));
    // Fold `-<int>` and `-<duration>` into a literal so the formatter and checker see a value.
    auto& inner = e->operands[0];
    // Not the least int64, whose negation overflows: that is left to evaluation (an error).
    if (e->op == ast::Op::Neg && !inner->parenthesized &&
        (inner->kind == ast::ExprKind::Int || inner->kind == ast::ExprKind::Duration) &&
        inner->int_value != std::numeric_limits<std::int64_t>::min()) {
      inner->int_value = -inner->int_value;
      inner->span = whole;
      if (inner->kind == ast::ExprKind::Duration) inner->text = "-" + inner->text;
      return std::move(inner);
    }
    return e;
  }
  if (auto* c = as<WritParser::CondExprContext>(ctx)) {
    auto e = new_expr();
    e->kind = ast::ExprKind::Conditional;
    e->span = whole;
    for (std::size_t i = 0; i < 3; ++i) e->operands.push_back(build_expr(c->expr(i)));
    return e;
  }
  // The remaining alternatives are binary operators with an `op` token and two operands.
  antlr4::Token* op = nullptr;
  WritParser::ExprContext* lhs = nullptr;
  WritParser::ExprContext* rhs = nullptr;
  if (auto* b = as<WritParser::MulExprContext>(ctx))
    op = b->op, lhs = b->expr(0), rhs = b->expr(1);
  else if (auto* b = as<WritParser::AddExprContext>(ctx))
    op = b->op, lhs = b->expr(0), rhs = b->expr(1);
  else if (auto* b = as<WritParser::CompareExprContext>(ctx))
    op = b->op, lhs = b->expr(0), rhs = b->expr(1);
  else if (auto* b = as<WritParser::AndExprContext>(ctx))
    op = b->op, lhs = b->expr(0), rhs = b->expr(1);
  else if (auto* b = as<WritParser::OrExprContext>(ctx))
    op = b->op, lhs = b->expr(0), rhs = b->expr(1);
  if (op == nullptr) return error_expr(whole);
  auto e = new_expr();
  e->kind = ast::ExprKind::Binary;
  e->span = whole;
  e->op = binary_op(op->getText());
  e->operands.push_back(build_expr(lhs));
  e->operands.push_back(build_expr(rhs));
  return e;
}

ast::ExprPtr AstBuilder::build_call(std::string name, Span name_span, Span whole, WritParser::ArgumentsContext* args,
                                    bool method) {
  auto e = new_expr();
  e->kind = ast::ExprKind::Call;
  e->span = whole;
  e->text = std::move(name);
  e->builtin = find_builtin(e->text);
  e->var_span = name_span;  // the callee's name, for "unknown function" diagnostics
  if (args != nullptr) {
    for (auto* a : args->argument()) e->operands.push_back(build_argument(a));
  }
  // `all(x in xs, p)` and `any(x in xs, p)` bind a variable: rewrite them as quantifiers.
  // Only the function form binds: `xs.all(...)` stays a call, which the checker rejects.
  if ((e->builtin == Builtin::All || e->builtin == Builtin::Any) && !method && e->operands.size() == 2) {
    auto& binder = e->operands[0];
    if (binder->kind == ast::ExprKind::Binary && binder->op == ast::Op::In && !binder->parenthesized &&
        binder->operands[0]->kind == ast::ExprKind::Name) {
      auto q = new_expr();
      q->kind = ast::ExprKind::Quantifier;
      q->span = whole;
      q->text = e->text;
      q->builtin = e->builtin;
      q->mutable_details().var = binder->operands[0]->text;
      q->var_span = binder->operands[0]->span;
      q->operands.push_back(std::move(binder->operands[1]));
      q->operands.push_back(std::move(e->operands[1]));
      return q;
    }
  }
  return e;
}

ast::ExprPtr AstBuilder::build_argument(WritParser::ArgumentContext* ctx) {
  auto exprs = ctx->expr();
  if (exprs.size() == 2) {
    auto e = new_expr();
    e->kind = ast::ExprKind::Range;
    e->span = span(ctx);
    e->operands.push_back(build_expr(exprs[0]));
    e->operands.push_back(build_expr(exprs[1]));
    return e;
  }
  return exprs.empty() ? error_expr(span(ctx)) : build_expr(exprs[0]);
}

ast::ExprPtr AstBuilder::build_primary(WritParser::PrimaryContext* ctx) {
  if (ctx == nullptr) return error_expr(Span{file_, 0, 0});
  Span whole = span(ctx);
  if (auto* l = as<WritParser::LiteralPrimaryContext>(ctx)) return build_literal(l->literal());
  if (auto* c = as<WritParser::CallPrimaryContext>(ctx)) {
    std::string name = c->IDENT() ? c->IDENT()->getText() : "";
    return build_call(name, c->IDENT() ? span(c->IDENT()) : whole, whole, c->arguments());
  }
  if (auto* n = as<WritParser::NamePrimaryContext>(ctx)) {
    auto e = new_expr();
    e->kind = ast::ExprKind::Name;
    e->span = whole;
    e->text = n->getText();
    return e;
  }
  if (auto* p = as<WritParser::ParenPrimaryContext>(ctx)) {
    auto inner = build_expr(p->expr());
    inner->parenthesized = true;
    return inner;
  }
  if (auto* l = as<WritParser::ListPrimaryContext>(ctx)) {
    auto e = new_expr();
    e->kind = ast::ExprKind::List;
    e->span = whole;
    for (auto* item : l->argument()) e->operands.push_back(build_argument(item));
    return e;
  }
  if (auto* r = as<WritParser::RecordPrimaryContext>(ctx)) {
    auto e = new_expr();
    e->kind = ast::ExprKind::Record;
    e->span = whole;
    for (auto* entry : r->recordEntry()) {
      bool quoted = false;
      e->mutable_details().keys.push_back(field_name(entry->fieldName(), quoted));
      e->mutable_details().keys_quoted.push_back(quoted);
      e->mutable_details().key_spans.push_back(entry->fieldName() ? span(entry->fieldName()) : span(entry));
      e->operands.push_back(build_expr(entry->expr()));
    }
    return e;
  }
  return error_expr(whole);
}

ast::ExprPtr AstBuilder::build_literal(WritParser::LiteralContext* ctx) {
  auto e = new_expr();
  if (ctx == nullptr) return error_expr(Span{file_, 0, 0});
  e->span = span(ctx);
  std::string text = ctx->getText();
  if (auto* s = ctx->STRING()) {
    e->kind = ast::ExprKind::String;
    e->text = string_value(s->getSymbol());
  } else if (ctx->INT() != nullptr) {
    e->kind = ast::ExprKind::Int;
    auto v = stdlib::decode_int(text);
    if (!v) {
      sink_.report(diag::DiagId::IntegerOverflow, e->span, fmt::format("`{}` does not fit in a 64-bit integer", text));
    }
    e->int_value = v.value_or(0);
  } else if (ctx->DURATION() != nullptr) {
    e->kind = ast::ExprKind::Duration;
    e->text = text;
    auto v = stdlib::decode_duration(text);
    if (!v) {
      if (stdlib::duration_too_large(text)) {
        sink_.report(diag::DiagId::InvalidDuration, e->span,
                     fmt::format("`{}` is too large: a duration is at most about 73 billion years", text));
      } else {
        sink_.report(diag::DiagId::InvalidDuration, e->span, fmt::format("`{}` is not a valid duration", text))
            .with_help("write units from largest to smallest, each once: `1d`, `1h30m`, `90s`");
      }
    }
    e->int_value = v.value_or(0);
  } else if (ctx->TIME_OF_DAY() != nullptr) {
    e->kind = ast::ExprKind::TimeOfDay;
    e->text = text;
    e->int_value = ((text[0] - '0') * 10 + (text[1] - '0')) * 60 + (text[3] - '0') * 10 + (text[4] - '0');
  } else {
    e->kind = ast::ExprKind::Bool;
    e->int_value = text == "true" ? 1 : 0;
  }
  return e;
}

}  // namespace writ::syntax
