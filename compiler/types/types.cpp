// Type construction, naming and compatibility.
#include "compiler/types/types.h"

#include "stdlib/literals.h"

namespace writ {

Type Type::list(Type element, bool one_or_many) {
  Type t(TypeKind::List);
  t.payload_ = std::make_shared<const Type>(std::move(element));
  t.one_or_many_ = one_or_many;
  return t;
}

Type Type::enumeration(std::vector<std::string> values) {
  Type t(TypeKind::Enum);
  t.payload_ = std::make_shared<const std::vector<std::string>>(std::move(values));
  return t;
}

Type Type::record(std::shared_ptr<const RecordType> record) {
  Type t(TypeKind::Record);
  t.payload_ = std::move(record);
  return t;
}

const char* provenance_spelling(Provenance p) {
  switch (p) {
    case Provenance::Unqualified:
      return "";
    case Provenance::Immutable:
      return "immutable";
    case Provenance::Mutable:
      return "mutable";
    case Provenance::Untrusted:
      return "untrusted";
  }
  return "";
}

std::string Type::name() const {
  switch (kind_) {
    case TypeKind::Error:
      return "<error>";
    case TypeKind::String:
      return "string";
    case TypeKind::Int:
      return "int";
    case TypeKind::Bool:
      return "bool";
    case TypeKind::Timestamp:
      return "timestamp";
    case TypeKind::Duration:
      return "duration";
    case TypeKind::TimeOfDay:
      return "time of day";
    case TypeKind::Weekday:
      return "weekday";
    case TypeKind::Window:
      return "window";
    case TypeKind::List:
      return (one_or_many_ ? "one_or_many<" : "list<") + element().name() + ">";
    case TypeKind::Enum: {
      std::string out;
      for (const auto& v : enum_values()) {
        if (!out.empty()) out += " | ";
        out += stdlib::quote_string_literal(v);
      }
      return out;
    }
    case TypeKind::Record:
      return record().name.empty() ? "record" : record().name;
  }
  return "<error>";
}

const FieldInfo* RecordType::find(std::string_view field) const {
  for (const FieldInfo& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

bool same_type(const Type& a, const Type& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case TypeKind::List:
      return a.one_or_many() == b.one_or_many() && same_type(a.element(), b.element());
    case TypeKind::Enum:
      return assignable(a, b) && assignable(b, a);
    case TypeKind::Record:
      return a.same_record(b);
    default:
      return true;
  }
}

std::optional<Type> common_type(const Type& a, const Type& b) {
  if (a.is_error()) return b;
  if (b.is_error()) return a;
  if (a.is(TypeKind::List) && b.is(TypeKind::List)) {  // `[]` (items of no type yet) takes the other's
    auto item = common_type(a.element(), b.element());
    if (item) return Type::list(*item);
    return std::nullopt;
  }
  if (assignable(a, b) && assignable(b, a)) return a;
  if (a.is_stringy() && b.is_stringy()) {
    if (assignable(a, b)) return b;  // an enum into a wider one
    if (assignable(b, a)) return a;
    return Type::string();
  }
  return std::nullopt;
}

bool assignable(const Type& from, const Type& to) {
  if (from.is_error() || to.is_error()) return true;
  if (to.is(TypeKind::String) && from.is_stringy()) return true;
  if (from.kind() != to.kind()) return false;
  switch (from.kind()) {
    case TypeKind::List:
      return assignable(from.element(), to.element());
    case TypeKind::Record:
      return from.same_record(to);
    case TypeKind::Enum: {
      for (const auto& v : from.enum_values()) {
        bool found = false;
        for (const auto& w : to.enum_values()) found = found || v == w;
        if (!found) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

bool comparable(const Type& a, const Type& b) {
  if (a.is_error() || b.is_error()) return true;
  if (a.is_stringy() && b.is_stringy()) return true;
  if (a.kind() != b.kind()) return false;
  if (a.is(TypeKind::List)) return comparable(a.element(), b.element());
  if (a.is(TypeKind::Record)) return a.same_record(b);
  return true;
}

}  // namespace writ
