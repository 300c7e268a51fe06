// Lowering: from the checked program to the decision IR.
#pragma once

#include "compiler/check/program.h"
#include "compiler/ir/ir.h"
#include "stdlib/result.h"

namespace writ::ir {

// Lowers every rule of a checked, error-free program. Fails, naming the rule and the construct,
// if the program uses something native code does not support yet; callers then keep the
// interpreter (the engine's fallback), so such a policy still gets exact answers.
Result<Policy> lower(const Program& program);

}  // namespace writ::ir
