// Lays out a bound value in native cells (compiler/codegen/abi.h), in an arena.
#pragma once

#include "compiler/codegen/abi.h"
#include "compiler/types/types.h"
#include "runtime/value/value.h"
#include "stdlib/arena.h"

namespace writ::engine {

// `value` must have been bound to `type` (runtime/bind): records follow the type's field order.
WritCell to_cell(const Value& value, const Type& type, stdlib::Arena& arena);

}  // namespace writ::engine
