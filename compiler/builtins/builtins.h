// Writ's built-in functions as one table (builtins.def): their ids, names, arities and usage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace writ {

enum class Builtin : std::uint8_t {
#define WRIT_BUILTIN(id, name, min_args, max_args, usage, lowering) id,
#include "compiler/builtins/builtins.def"
#undef WRIT_BUILTIN
  None,  // not a built-in (an unknown function, or not a call)
};

inline constexpr std::size_t kVariadic = SIZE_MAX;

struct BuiltinInfo {
  Builtin id;
  std::string_view name;
  std::size_t min_args;
  std::size_t max_args;  // kVariadic: any number from min_args
  std::string_view usage;
};

// Every built-in, in the table's order.
std::span<const BuiltinInfo> builtins();
const BuiltinInfo& builtin_info(Builtin id);  // not for Builtin::None
// The built-in called `name`, or Builtin::None.
Builtin find_builtin(std::string_view name);

}  // namespace writ
