// The built-in table, expanded from builtins.def.
#include "compiler/builtins/builtins.h"

namespace writ {
namespace {

#define WRIT_VARIADIC kVariadic
constexpr BuiltinInfo kBuiltins[] = {
#define WRIT_BUILTIN(id, name, min_args, max_args, usage, lowering) {Builtin::id, name, min_args, max_args, usage},
#include "compiler/builtins/builtins.def"
#undef WRIT_BUILTIN
};
#undef WRIT_VARIADIC

static_assert(std::size(kBuiltins) == static_cast<std::size_t>(Builtin::None));

}  // namespace

std::span<const BuiltinInfo> builtins() {
  return kBuiltins;
}

const BuiltinInfo& builtin_info(Builtin id) {
  return kBuiltins[static_cast<std::size_t>(id)];
}

Builtin find_builtin(std::string_view name) {
  for (const BuiltinInfo& b : kBuiltins) {
    if (b.name == name) return b.id;
  }
  return Builtin::None;
}

}  // namespace writ
