// Builds record types from schema declarations: field types, `extends`, duplicates, cycles.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/check/fuzzy.h"
#include "compiler/check/internal/checker.h"

namespace writ::check {

void Checker::collect_schemas() {
  for (const ast::File& file : program_.files) {
    for (const ast::Item& item : file.items) {
      if (item.kind != ast::Item::Kind::Schema || item.schema->name.empty()) continue;
      const ast::SchemaDecl& decl = *item.schema;
      auto [it, inserted] = schema_decls_.emplace(decl.name, &decl);
      if (!inserted) {
        sink_
            .report(diag::DiagId::DuplicateDeclaration, decl.name_span,
                    fmt::format("schema `{}` is declared twice", decl.name))
            .label(it->second->name_span, "first declared here");
      }
    }
  }
  for (const auto& [name, decl] : schema_decls_) build_schema(name);
  for (const auto& [name, decl] : schema_decls_) check_registered_claims(*decl, *program_.schemas.at(name));
}

// The token checks (docs/semantics.md §3) read `iss`, `aud`, `exp`, `nbf` and `iat` with their
// JWT meaning, so a schema may not give a registered claim (RFC 7519 §4.1) another type: an
// `exp: string` would make the expiry check read a string as a time.
void Checker::check_registered_claims(const ast::SchemaDecl& decl, const RecordType& record) {
  static const std::map<std::string, std::string> kRegistered = {
      {"iss", "string"},    {"sub", "string"},    {"aud", "one_or_many<string>"},
      {"exp", "timestamp"}, {"nbf", "timestamp"}, {"iat", "timestamp"},
      {"jti", "string"},
  };
  for (const ast::FieldDecl& field : decl.fields) {
    auto registered = kRegistered.find(field.name);
    if (registered == kRegistered.end()) continue;
    auto info = std::find_if(record.fields.begin(), record.fields.end(),
                             [&](const FieldInfo& f) { return f.name == field.name; });
    if (info == record.fields.end() || info->type.is_error() || info->type.name() == registered->second) continue;
    sink_
        .report(diag::DiagId::InvalidType, field.name_span,
                fmt::format("`{}` is a registered JWT claim: its type is `{}`, not `{}`", field.name,
                            registered->second, info->type.name()))
        .note("the token checks read `iss`, `sub`, `aud`, `exp`, `nbf`, `iat` and `jti` as RFC 7519 defines them")
        .with_help(fmt::format("declare it `{}: {}` (optional with `?`), or name your claim differently", field.name,
                               registered->second));
  }
}

std::shared_ptr<RecordType> Checker::build_schema(const std::string& name) {
  std::set<std::string>& in_progress = schemas_in_progress_;
  if (auto it = program_.schemas.find(name); it != program_.schemas.end()) {
    return std::const_pointer_cast<RecordType>(it->second);
  }
  const ast::SchemaDecl& decl = *schema_decls_.at(name);
  auto record = std::make_shared<RecordType>();
  record->name = name;
  std::vector<Span>& spans = schema_field_spans_[name];  // parallel to record->fields
  in_progress.insert(name);
  if (!decl.base.empty()) {
    if (in_progress.count(decl.base) != 0) {
      sink_
          .report(diag::DiagId::ExtendsCycle, decl.base_span,
                  fmt::format("schema `{}` extends `{}`, which extends `{}` again", name, decl.base, name))
          .with_help("a schema cannot extend itself, directly or through others");
    } else if (schema_decls_.count(decl.base) == 0) {
      auto& d =
          sink_.report(diag::DiagId::UnknownSchema, decl.base_span, fmt::format("unknown schema `{}`", decl.base));
      if (auto s = closest_match(decl.base, schema_names())) d.with_help(fmt::format("did you mean `{}`?", *s));
    } else {
      record->fields = build_schema(decl.base)->fields;
      spans = schema_field_spans_[decl.base];
    }
  }
  program_.schemas[name] = record;
  std::size_t inherited = record->fields.size();
  std::vector<Span> declared_spans;
  std::vector<FieldInfo> declared = build_fields(decl.fields, name, &declared_spans);
  for (std::size_t i = 0; i < declared.size(); ++i) {
    FieldInfo& field = declared[i];
    const Span field_span = declared_spans[i];
    auto existing = std::find_if(record->fields.begin(), record->fields.begin() + static_cast<long>(inherited),
                                 [&](const FieldInfo& f) { return f.name == field.name; });
    if (existing == record->fields.begin() + static_cast<long>(inherited)) {
      record->fields.push_back(std::move(field));
      spans.push_back(field_span);
      continue;
    }
    const Span existing_span = spans[static_cast<std::size_t>(existing - record->fields.begin())];
    // A derived schema may make an inherited optional claim required (a token profile
    // narrowing the JWT claims), or qualify its provenance, but never change its type, not even
    // to a narrower one (`list<string>` for `one_or_many<string>`, fewer enum values): the
    // binding would then refuse tokens its base accepts, and rules over both would read one
    // claim two ways.
    if (!same_type(existing->type, field.type)) {
      sink_
          .report(diag::DiagId::DuplicateField, field_span,
                  fmt::format("`{}` changes the type of inherited claim `{}` from `{}` to `{}`", name, field.name,
                              existing->type.name(), field.type.name()))
          .label(existing_span, "inherited from here");
      continue;
    }
    if (field.optional && !existing->optional) {
      sink_
          .report(diag::DiagId::DuplicateField, field_span,
                  fmt::format("`{}` makes the required inherited claim `{}` optional", name, field.name))
          .label(existing_span, "inherited from here");
      continue;
    }
    *existing = std::move(field);
    spans[static_cast<std::size_t>(existing - record->fields.begin())] = field_span;
  }
  in_progress.erase(name);
  return record;
}

std::vector<FieldInfo> Checker::build_fields(const std::vector<ast::FieldDecl>& decls, const std::string& owner,
                                             std::vector<Span>* spans) {
  std::vector<FieldInfo> fields;
  std::map<std::string, Span> seen;
  for (const ast::FieldDecl& decl : decls) {
    if (decl.name.empty()) continue;
    auto [it, inserted] = seen.emplace(decl.name, decl.name_span);
    if (!inserted) {
      sink_
          .report(diag::DiagId::DuplicateField, decl.name_span,
                  fmt::format("`{}` declares the claim `{}` twice", owner.empty() ? "record" : owner, decl.name))
          .label(it->second, "first declared here");
      continue;
    }
    FieldInfo field;
    field.name = decl.name;
    field.type = resolve_type(decl.type);
    field.optional = decl.type.optional;
    field.provenance = decl.provenance;
    fields.push_back(std::move(field));
    if (spans != nullptr) spans->push_back(decl.name_span);
  }
  return fields;
}

Type Checker::resolve_type(const ast::TypeExpr& t) {
  switch (t.kind) {
    case ast::TypeExpr::Kind::Error:
      return Type::error();
    case ast::TypeExpr::Kind::Enum: {
      std::vector<std::string> values;
      for (std::size_t i = 0; i < t.enum_values.size(); ++i) {
        if (std::find(values.begin(), values.end(), t.enum_values[i]) != values.end()) {
          sink_.report(diag::DiagId::InvalidType, t.enum_spans[i],
                       fmt::format("the enum lists `{}` twice", t.enum_values[i]));
          continue;
        }
        values.push_back(t.enum_values[i]);
      }
      return Type::enumeration(std::move(values));
    }
    case ast::TypeExpr::Kind::Record: {
      auto record = std::make_shared<RecordType>();
      record->fields = build_fields(t.fields, "");
      return Type::record(std::move(record));
    }
    case ast::TypeExpr::Kind::Named:
      break;
  }
  static const std::map<std::string, Type> kScalars = {
      {"string", Type::string()},       {"int", Type::integer()},       {"bool", Type::boolean()},
      {"timestamp", Type::timestamp()}, {"duration", Type::duration()},
  };
  bool generic = t.name == "list" || t.name == "one_or_many";
  if (generic != (t.argument != nullptr)) {
    sink_.report(diag::DiagId::InvalidType, t.span,
                 generic ? fmt::format("`{}` needs an element type: `{}<string>`", t.name, t.name)
                         : fmt::format("`{}` takes no type argument", t.name));
    return Type::error();
  }
  if (generic) {
    Type element = resolve_type(*t.argument);
    if (t.argument->optional) {
      sink_.report(diag::DiagId::InvalidType, t.argument->span, "list elements cannot be optional");
    }
    if (t.name == "one_or_many" && !element.is_stringy() && !element.is_error()) {
      sink_.report(diag::DiagId::InvalidType, t.span, "`one_or_many` holds strings (it models `aud`)");
    }
    return Type::list(std::move(element), t.name == "one_or_many");
  }
  if (auto it = kScalars.find(t.name); it != kScalars.end()) return it->second;
  if (schema_decls_.count(t.name) != 0) {
    if (schemas_in_progress_.count(t.name) != 0) {
      sink_.report(diag::DiagId::InvalidType, t.span, fmt::format("schema `{}` cannot contain itself", t.name))
          .note("records are finite: a claim cannot hold a value of the schema it belongs to");
      return Type::error();
    }
    return Type::record(build_schema(t.name));
  }
  std::vector<std::string> candidates = schema_names();
  for (const auto& [name, type] : kScalars) candidates.push_back(name);
  candidates.push_back("list");
  candidates.push_back("one_or_many");
  auto& d = sink_.report(diag::DiagId::UnknownSchema, t.span, fmt::format("unknown type `{}`", t.name));
  if (auto s = closest_match(t.name, candidates)) d.with_help(fmt::format("did you mean `{}`?", *s));
  return Type::error();
}

std::vector<std::string> Checker::schema_names() const {
  std::vector<std::string> names;
  for (const auto& [name, decl] : schema_decls_) names.push_back(name);
  return names;
}

std::vector<std::string> Checker::issuer_names() const {
  std::vector<std::string> names;
  for (const auto& [name, info] : program_.issuers) names.push_back(name);
  return names;
}

std::shared_ptr<const RecordType> Checker::schema(const std::string& name) const {
  auto it = program_.schemas.find(name);
  return it == program_.schemas.end() ? nullptr : it->second;
}

Type Checker::schema_type(const std::string& name) const {
  auto record = schema(name);
  return record ? Type::record(record) : Type::error();
}

}  // namespace writ::check
