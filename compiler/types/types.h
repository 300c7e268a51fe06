// Writ's type model: scalars, lists, string enums and records (schemas are named records). Its
// own stage, read by the checker, the decision IR and the runtime; it knows nothing of source
// text (the checker keeps where each type was declared).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace writ {

enum class TypeKind : std::uint8_t {
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

// How far a claim can be trusted (docs/language.md, schemas): who can set its value.
enum class Provenance : std::uint8_t { Unqualified, Immutable, Mutable, Untrusted };
const char* provenance_spelling(Provenance p);

struct RecordType;

// A value type: cheap to copy (24 bytes: the checker keeps one per expression and the IR one per
// node), compared structurally (records by identity). Scalars carry no payload; a list points
// at its element type, an enum at its values, a record at its fields.
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
  // Only for the kind that has it (List, Enum, Record).
  const Type& element() const { return *static_cast<const Type*>(payload_.get()); }
  bool one_or_many() const { return one_or_many_; }
  const std::vector<std::string>& enum_values() const {
    return *static_cast<const std::vector<std::string>*>(payload_.get());
  }
  const RecordType& record() const { return *static_cast<const RecordType*>(payload_.get()); }
  // Two types with one identity are the same type (the same payload, not merely equal ones).
  using Identity = std::tuple<TypeKind, bool, const void*>;
  Identity identity() const { return {kind_, one_or_many_, payload_.get()}; }
  // Records are the same type when they are the same declaration.
  bool same_record(const Type& other) const { return payload_ == other.payload_; }

  // How the type is written in Writ: `list<string>`, `"a" | "b"`, `github_actions`.
  std::string name() const;

 private:
  explicit Type(TypeKind kind) : kind_(kind) {}
  TypeKind kind_ = TypeKind::Error;
  bool one_or_many_ = false;
  // What `kind_` says: a Type (List), a std::vector<std::string> (Enum) or a RecordType (Record);
  // shared, immutable, and null for scalars. One pointer rather than three keeps Type small.
  std::shared_ptr<const void> payload_;
};

struct FieldInfo {
  std::string name;
  Type type;
  bool optional = false;
  Provenance provenance = Provenance::Unqualified;
};

struct RecordType {
  std::string name;  // schema name, or "" for an inline record
  std::vector<FieldInfo> fields;
  const FieldInfo* find(std::string_view field) const;
};

// True if a value of type `from` may be used where `to` is expected (enum -> string, and
// an Error on either side).
bool assignable(const Type& from, const Type& to);

// The type of a value that is either an `a` or a `b` (the branches of `if`): the same type, a
// string for strings and enums, a list of the common item type; nullopt if there is none.
std::optional<Type> common_type(const Type& a, const Type& b);

// True if `a` and `b` are one type: the same kind, enum values, list items (and whether a list
// may be given as one item), and record.
bool same_type(const Type& a, const Type& b);

// True if `a == b` can be asked at all.
bool comparable(const Type& a, const Type& b);

}  // namespace writ
