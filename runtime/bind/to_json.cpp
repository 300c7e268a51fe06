// Converts run-time values to JSON.
#include "runtime/bind/to_json.h"

namespace writ::bind {

nlohmann::json value_to_json(const Value& v) {
  switch (v.kind()) {
    case ValueKind::String:
      return v.as_string();
    case ValueKind::Int:
    case ValueKind::Timestamp:
    case ValueKind::Duration:
      return v.as_int();
    case ValueKind::Bool:
      return v.as_bool();
    case ValueKind::List: {
      nlohmann::json out = nlohmann::json::array();
      for (const Value& item : v.as_list()) out.push_back(value_to_json(item));
      return out;
    }
    case ValueKind::Record: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [k, item] : v.as_record().fields) out[k] = value_to_json(item);
      return out;
    }
    case ValueKind::Window:
      break;
  }
  return nullptr;
}

}  // namespace writ::bind
