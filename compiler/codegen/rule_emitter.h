// Emits one LLVM function per IR rule (the WritRuleFn ABI of abi.h). Internal to codegen.
#pragma once

#include <string>

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include "compiler/ir/ir.h"

namespace writ::codegen {

// Names of the host objects generated code refers to (defined as absolute symbols).
std::string regex_symbol(std::size_t index);
std::string window_symbol(std::size_t index);
std::string set_symbol(std::size_t index);

// Sets larger than this are searched by a helper instead of a chain of comparisons.
inline constexpr std::size_t kInlineSetLimit = 16;

struct RuleShape;

// Adds `name` to `module`: the compiled form of `rule`, with the WritRuleFn signature. With a
// shape, constants are read from the rule's constant table, so the function serves every rule
// of that shape; without, they are compiled into the code.
llvm::Function* emit_rule(llvm::Module& module, const ir::Policy& policy, const ir::Rule& rule, const std::string& name,
                          const RuleShape* shape = nullptr);

}  // namespace writ::codegen
