// A policy compiled to native code: one function per rule (abi.h's WritRuleFn), in a JIT
// session that also owns the host objects the code refers to.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "compiler/codegen/abi.h"
#include "compiler/ir/ir.h"
#include "stdlib/result.h"

namespace writ::codegen {

struct CompileOptions {
  bool optimize = true;                // the optimised tier (O2) or the fast tier (no passes)
  std::size_t rules_per_module = 512;  // smaller modules keep LLVM's per-module costs down
};

class CompiledPolicy {
 public:
  // Fails (never crashes) if a pattern or zone cannot be prepared or LLVM rejects the code.
  static Result<std::unique_ptr<CompiledPolicy>> compile(const ir::Policy& policy, CompileOptions options = {});
  ~CompiledPolicy();

  // The function of ir::Policy::rules[i].
  WritRuleFn rule(std::size_t i) const { return rules_[i]; }
  std::size_t rule_count() const { return rules_.size(); }
  bool optimized() const { return optimized_; }

  struct Host;  // the JIT session and host objects; defined in compiled_policy.cpp

 private:
  CompiledPolicy();
  std::unique_ptr<Host> host_;
  std::vector<WritRuleFn> rules_;
  bool optimized_ = false;
};

}  // namespace writ::codegen
