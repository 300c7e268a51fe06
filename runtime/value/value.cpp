// Value equality, display and window membership.
#include "runtime/value/value.h"

#include <fmt/format.h>

#include "stdlib/literals.h"
#include "stdlib/strings.h"

namespace writ {

bool WindowValue::contains(std::int64_t utc_seconds) const {
  return stdlib::window_contains(days, start_minute, end_minute, zone, utc_seconds);
}

bool values_equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::String:
      return a.as_string() == b.as_string();
    case ValueKind::Int:
    case ValueKind::Timestamp:
    case ValueKind::Duration:
      return a.as_int() == b.as_int();
    case ValueKind::Bool:
      return a.as_bool() == b.as_bool();
    case ValueKind::List: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!values_equal(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::Record: {
      const auto& x = a.as_record().fields;
      const auto& y = b.as_record().fields;
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first || !values_equal(i->second, j->second)) return false;
      }
      return true;
    }
    case ValueKind::Window:
      return &a.as_window() == &b.as_window();
  }
  return false;
}

std::string Value::to_display() const {
  switch (kind_) {
    case ValueKind::String:
      return stdlib::quote_string_literal(as_string());
    case ValueKind::Int:
      return std::to_string(as_int());
    case ValueKind::Bool:
      return as_bool() ? "true" : "false";
    case ValueKind::Timestamp:
      return stdlib::format_rfc3339(as_int());
    case ValueKind::Duration:
      return stdlib::format_duration(as_int());
    case ValueKind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < as_list().size(); ++i) out += (i ? ", " : "") + as_list()[i].to_display();
      return out + "]";
    }
    case ValueKind::Record: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : as_record().fields) {
        out += (first ? " " : ", ") + k + ": " + v.to_display();
        first = false;
      }
      return out + (first ? "}" : " }");
    }
    case ValueKind::Window:
      return "window";
  }
  return "";
}

}  // namespace writ
