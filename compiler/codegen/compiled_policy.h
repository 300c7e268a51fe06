// A policy compiled to native code: one function per rule (abi.h's WritRuleFn), in a JIT
// session that also owns the host objects the code refers to.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/codegen/abi.h"
#include "compiler/codegen/jit_session.h"
#include "compiler/codegen/rule_shape.h"
#include "compiler/ir/ir.h"
#include "stdlib/result.h"

namespace writ::codegen {

struct CompileOptions {
  bool optimize = true;  // the optimised tier (O2) or the fast tier (no passes)
  // Rules of one shape share a function reading a constant table (rule_shape.h). The default,
  // on in the fast tier only, compiles large generated policy sets in near-constant time; the
  // optimised tier compiles each rule with its constants in the code.
  std::optional<bool> share_shapes;
  std::size_t functions_per_module = 512;  // smaller modules keep LLVM's per-module costs down
  unsigned compile_threads = 0;            // compile modules on this many threads (0: the calling thread)
  // Checked between batches of modules: set it to abandon a compilation (it then fails).
  const std::atomic<bool>* cancel = nullptr;
  std::string cache_directory;  // compiled modules cached across processes (object_cache.h); empty: none
  bool keep_objects = false;    // keep the object code, for CompiledPolicy::objects (bundles)
};

// Which function serves each rule, and the constants each rule's function reads (with shared
// shapes): with the IR's host objects (patterns, windows, sets), all that loading object code
// needs, so a bundle records it instead of the IR.
struct FunctionLayout {
  std::vector<std::uint32_t> function_of;             // rule -> function
  std::vector<std::vector<ShapeConstant>> constants;  // rule -> its constant table (empty unless shared)
  std::size_t function_count = 0;
};

// How the object code given to CompiledPolicy::load was compiled (as a bundle records it).
struct LoadOptions {
  bool optimized = true;
  bool share_shapes = false;
  std::size_t functions_per_module = 512;
};

class CompiledPolicy {
 public:
  // Fails (never crashes) if a pattern or zone cannot be prepared or LLVM rejects the code.
  static Result<std::unique_ptr<CompiledPolicy>> compile(const ir::Policy& policy, CompileOptions options = {});
  // Links object code compiled earlier (CompiledPolicy::objects, in module order, with its
  // layout) without generating code. Of `policy` only the rules' count and the host objects
  // are read. Fails if the code does not fit the policy or does not link.
  static Result<std::unique_ptr<CompiledPolicy>> load(const ir::Policy& policy, const LoadOptions& options,
                                                      const FunctionLayout& layout,
                                                      const std::vector<std::string>& objects);
  ~CompiledPolicy();

  // Runs ir::Policy::rules[i].
  std::uint32_t run(std::size_t i, const void* const* roots, WritScratch* scratch) const {
    return rules_[i](roots, scratch, constants_[i]);
  }
  std::size_t rule_count() const { return rules_.size(); }
  std::size_t function_count() const { return function_count_; }
  // Modules loaded from the object cache, and compiled because they were not in it.
  int cache_hits() const;
  int cache_misses() const;
  bool optimized() const { return optimized_; }
  bool shared_shapes() const { return shared_; }
  std::size_t functions_per_module() const { return functions_per_module_; }
  // The object file of every module, in order (compiled with keep_objects), moved out: they are
  // read once, to write a bundle; a second call fails. The layout stays.
  Result<std::vector<std::string>> take_objects() const;
  const FunctionLayout& layout() const { return layout_; }

  struct Host;  // the JIT session and host objects; defined in compiled_policy.cpp

 private:
  CompiledPolicy();
  Result<bool> start_session(const ir::Policy& policy, const JitOptions& jit, bool share);
  Result<bool> link(const std::vector<std::size_t>& function_of, std::size_t function_count, unsigned compile_threads,
                    const std::atomic<bool>* cancel);
  std::unique_ptr<Host> host_;
  std::vector<std::string> modules_;  // names, in order; module k holds table writ_fn_table_k
  std::vector<WritRuleFn> rules_;
  std::vector<const WritCell*> constants_;  // per rule: its constant table, or null
  std::size_t function_count_ = 0;
  bool optimized_ = false;
  bool shared_ = false;
  std::size_t functions_per_module_ = 512;
  FunctionLayout layout_;  // kept with keep_objects, or as loaded
};

}  // namespace writ::codegen
