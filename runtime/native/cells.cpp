// Value -> cells: scalars in place, strings by pointer into the value, lists and records as
// arena blocks.
#include "runtime/native/cells.h"

#include <algorithm>
#include <cstring>

namespace writ::engine {

WritCell to_cell(const Value& value, const Type& type, stdlib::Arena& arena) {
  switch (value.kind()) {
    case ValueKind::String: {
      const std::string& s = value.as_string();
      return native::text_cell(s);
    }
    case ValueKind::Int:
    case ValueKind::Timestamp:
    case ValueKind::Duration:
      return {static_cast<std::uint64_t>(value.as_int()), 0};
    case ValueKind::Bool:
      return {value.as_bool() ? 1u : 0u, 0};
    case ValueKind::List: {
      const auto& items = value.as_list();
      auto* cells = static_cast<WritCell*>(arena.allocate(std::max<std::size_t>(items.size(), 1) * sizeof(WritCell)));
      for (std::size_t i = 0; i < items.size(); ++i) cells[i] = to_cell(items[i], type.element(), arena);
      return {reinterpret_cast<std::uint64_t>(cells), items.size()};
    }
    case ValueKind::Record: {
      const auto& fields = type.record().fields;
      std::size_t n = fields.size();
      std::uint8_t* record = native::record_in_block(arena.allocate(native::record_cells(n) * sizeof(WritCell)), n);
      const auto& present = value.as_record().fields;
      for (std::size_t i = 0; i < n; ++i) {
        auto it = present.find(fields[i].name);
        if (it == present.end()) continue;
        record[native::presence_offset(i)] = 1;
        WritCell c = to_cell(it->second, fields[i].type, arena);
        std::memcpy(record + native::field_offset(i), &c, sizeof c);
      }
      return {reinterpret_cast<std::uint64_t>(record), 0};
    }
    case ValueKind::Window:
      break;
  }
  return {0, 0};
}

}  // namespace writ::engine
