// Writ's types: scalars, lists, string enums and records (schemas are named records).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/source/source.h"

namespace writ {

enum class TypeKind {
  Error,  // already reported; compatible with everything so one mistake reports once
  String,
  Int,
  Bool,
  Timestamp,
  Duration,
  TimeOfDay,  // 09:30, only inside window(...)
  Weekday,    // mon..sun, only inside window(...)
  Window,     // window(...): a set of instants
  List,
  Enum,  // a string restricted to listed values
  Record,
};

struct RecordType;

// A value type: cheap to copy, compared structurally (records by identity).
class Type {
 public:
  Type() = default;
  static Type error() { return Type(TypeKind::Error); }
  static Type string() { return Type(TypeKind::String); }
  static Type integer() { return Type(TypeKind::Int); }
  static Type boolean() { return Type(TypeKind::Bool); }
  static Type timestamp() { return Type(TypeKind::Timestamp); }
  static Type duration() { return Type(TypeKind::Duration); }
  static Type time_of_day() { return Type(TypeKind::TimeOfDay); }
  static Type weekday() { return Type(TypeKind::Weekday); }
  static Type window() { return Type(TypeKind::Window); }
  static Type list(Type element, bool one_or_many = false);
  static Type enumeration(std::vector<std::string> values);
  static Type record(std::shared_ptr<const RecordType> record);

  TypeKind kind() const { return kind_; }
  bool is(TypeKind k) const { return kind_ == k; }
  bool is_error() const { return kind_ == TypeKind::Error; }
  // Strings and enums (an enum is a string with a known set of values).
  bool is_stringy() const { return kind_ == TypeKind::String || kind_ == TypeKind::Enum; }
  bool is_ordered() const {
    return kind_ == TypeKind::Int || kind_ == TypeKind::Duration || kind_ == TypeKind::Timestamp;
  }
  const Type& element() const { return *element_; }
  bool one_or_many() const { return one_or_many_; }
  const std::vector<std::string>& enum_values() const { return *enum_values_; }
  const RecordType& record() const { return *record_; }
  const std::shared_ptr<const RecordType>& record_ptr() const { return record_; }

  // How the type is written in Writ: `list<string>`, `"a" | "b"`, `github_actions`.
  std::string name() const;

 private:
  explicit Type(TypeKind kind) : kind_(kind) {}
  TypeKind kind_ = TypeKind::Error;
  std::shared_ptr<const Type> element_;
  std::shared_ptr<const std::vector<std::string>> enum_values_;
  std::shared_ptr<const RecordType> record_;
  bool one_or_many_ = false;
};

struct FieldInfo {
  std::string name;
  Type type;
  bool optional = false;
  ast::Provenance provenance = ast::Provenance::Unqualified;
  Span span;
};

struct RecordType {
  std::string name;  // schema name, or "" for an inline record
  std::vector<FieldInfo> fields;
  Span span;
  const FieldInfo* find(std::string_view field) const;
};

// True if a value of type `from` may be used where `to` is expected (enum -> string, and
// an Error on either side).
bool assignable(const Type& from, const Type& to);

// True if `a == b` can be asked at all.
bool comparable(const Type& a, const Type& b);

}  // namespace writ
