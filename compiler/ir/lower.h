// Lowering: from the checked program to the decision IR.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/check/program.h"
#include "compiler/ir/ir.h"
#include "stdlib/limits.h"
#include "stdlib/result.h"

namespace writ::ir {

// A constant's value, computed once by the caller (the interpreter's evaluator), for lowering to
// put in the code as a literal. `Other` (a record, a window...) is lowered from its expression.
struct ConstantValue {
  enum class Kind { Int, Bool, Str, List, Other } kind = Kind::Other;
  std::int64_t number = 0;           // Int (also durations and timestamps), Bool
  std::string text;                  // Str
  std::vector<ConstantValue> items;  // List
};
using ConstantValues = std::map<std::string, ConstantValue, std::less<>>;

// Lowers every rule of a checked, error-free program. Fails, naming the rule and the construct,
// if the program uses something native code does not support yet, or if it is larger than the
// IR budget (limits::kMaxIrNodes); callers then keep the interpreter (the engine's fallback), so
// such a policy still gets exact answers. With `constants`, those constants become literals.
// `max_nodes` is the budget (tests lower it to reach it cheaply).
Result<Policy> lower(const Program& program, const ConstantValues* constants = nullptr,
                     std::size_t max_nodes = limits::kMaxIrNodes);

}  // namespace writ::ir
