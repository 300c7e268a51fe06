// Strict binding of JSON to Writ types.
#include "runtime/bind/bind.h"

#include <cmath>

#include <fmt/format.h>

namespace writ::bind {
namespace {

using nlohmann::json;

std::string json_type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

std::string field_path(const std::string& base, const std::string& name) {
  bool plain = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  return plain ? base + "." + name : base + ".\"" + name + "\"";
}

Error mismatch(const std::string& path, const std::string& wanted, const json& j) {
  return Error{fmt::format("`{}` must be {}, found {}", path, wanted, json_type_name(j))};
}

Result<std::int64_t> integer_of(const json& j, const std::string& path, const char* wanted) {
  if (j.is_number_unsigned()) {
    auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(INT64_MAX))
      return Error{fmt::format("`{}` is out of the 64-bit integer range", path)};
    return static_cast<std::int64_t>(v);
  }
  if (j.is_number_integer()) return j.get<std::int64_t>();
  return mismatch(path, wanted, j);
}

}  // namespace

Result<Value> bind_json(const json& j, const Type& type, const std::string& path) {
  switch (type.kind()) {
    case TypeKind::String:
      if (!j.is_string()) return mismatch(path, "a string", j);
      return Value::string(j.get<std::string>());
    case TypeKind::Enum: {
      if (!j.is_string()) return mismatch(path, "a string", j);
      const auto& s = j.get_ref<const std::string&>();
      for (const auto& v : type.enum_values()) {
        if (v == s) return Value::string(s);
      }
      return Error{fmt::format("`{}` is `{}`, which is not one of {}", path, s, type.name())};
    }
    case TypeKind::Int: {
      auto v = integer_of(j, path, "an integer");
      if (!v) return std::move(v).take_error();
      return Value::integer(*v);
    }
    case TypeKind::Duration: {
      auto v = integer_of(j, path, "a whole number of seconds");
      if (!v) return std::move(v).take_error();
      return Value::duration(*v);
    }
    case TypeKind::Bool:
      if (!j.is_boolean()) return mismatch(path, "a boolean", j);
      return Value::boolean(j.get<bool>());
    case TypeKind::Timestamp: {
      if (j.is_number_float()) {
        double d = j.get<double>();
        // NumericDate may have a fraction: discard it, rounding down (json_reader keeps the exact
        // floor). With a fraction, it must lie within about ±2^52 seconds (stdlib::numeric_date_floor).
        constexpr double kRange = 4503599627370496.0;  // 2^52
        if (!std::isfinite(d) || d < -kRange || d >= kRange - 1)
          return Error{fmt::format("`{}` is not a valid NumericDate", path)};
        return Value::timestamp(static_cast<std::int64_t>(std::floor(d)));
      }
      auto v = integer_of(j, path, "a NumericDate (seconds since the epoch)");
      if (!v) return std::move(v).take_error();
      return Value::timestamp(*v);
    }
    case TypeKind::List: {
      if (type.one_or_many() && j.is_string()) return Value::list({Value::string(j.get<std::string>())});
      if (!j.is_array()) return mismatch(path, type.one_or_many() ? "a string or an array of strings" : "an array", j);
      std::vector<Value> items;
      items.reserve(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) {
        auto item = bind_json(j[i], type.element(), fmt::format("{}[{}]", path, i));
        if (!item) return std::move(item).take_error();
        items.push_back(std::move(item).value());
      }
      return Value::list(std::move(items));
    }
    case TypeKind::Record: {
      if (!j.is_object()) return mismatch(path, "an object", j);
      RecordValue record;
      for (const FieldInfo& field : type.record().fields) {
        std::string sub = field_path(path, field.name);
        auto it = j.find(field.name);
        // A missing key and `null` both mean absent.
        if (it == j.end() || it->is_null()) {
          if (field.optional) continue;
          return Error{fmt::format("`{}` is required but {}", sub, it == j.end() ? "missing" : "null")};
        }
        auto value = bind_json(*it, field.type, sub);
        if (!value) return std::move(value).take_error();
        record.fields.emplace(field.name, std::move(value).value());
      }
      return Value::record(std::move(record));
    }
    case TypeKind::Error:
    case TypeKind::TimeOfDay:
    case TypeKind::Weekday:
    case TypeKind::Window:
      break;
  }
  return Error{fmt::format("`{}` has a type that cannot come from JSON", path)};
}

}  // namespace writ::bind
