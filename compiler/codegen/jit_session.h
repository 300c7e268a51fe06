// An LLVM ORC LLJIT session: adds modules, registers host helpers callable from JIT code, and
// looks up compiled functions. LLVM headers stay inside compiler/codegen.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/result.h"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace writ::codegen {

struct JitOptions {
  // The optimised tier runs the O2 pipeline and optimising instruction selection; the fast tier
  // runs no IR passes and CodeGenOptLevel::None, compiling about 20 times faster.
  bool optimize = true;
  // Threads that compile modules concurrently when several are looked up at once (0: compile
  // on the looking-up thread).
  unsigned compile_threads = 0;
  // A directory caching compiled modules across processes (object_cache.h); empty: none.
  std::string cache_directory;
  // Keep each compiled module's object file, to write it into a bundle (take_objects()).
  bool keep_objects = false;
};

// The machine code is compiled for: the host's triple, CPU and CPU features.
struct TargetInfo {
  std::string triple;
  std::string cpu;
  std::vector<std::string> features;  // "+avx2", "-avx512f", ...
};
Result<TargetInfo> host_target();
// The LLVM version this Writ was built with ("19.1.7"): object code is only loaded by the same.
std::string llvm_version();
// Why code compiled for `built_for` must not run here (another architecture or OS, or a CPU
// feature this machine lacks); nullopt if it can.
std::optional<std::string> incompatibility(const TargetInfo& built_for, const TargetInfo& host);

// A host function or object that JIT code refers to by name.
struct HostSymbol {
  std::string name;
  const void* address = nullptr;
  bool callable = false;  // a function (an `extern "C"` helper), not data
};

class JitSession {
 public:
  static Result<std::unique_ptr<JitSession>> create(JitOptions options = {});
  ~JitSession();
  JitSession(const JitSession&) = delete;
  JitSession& operator=(const JitSession&) = delete;

  // Makes host functions and objects (compiled regexes, windows, sets...) addressable from JIT
  // code by name, all at once: one definition per symbol costs ORC a materialization unit each,
  // which is most of loading a bundle of thousands of rules.
  Result<bool> define_host_symbols(const std::vector<HostSymbol>& symbols);
  // One host function, callable from JIT code under `name` (an `extern "C"` function).
  Result<bool> define_helper(std::string_view name, const void* address);
  // Adds a module built in memory (by compiler/codegen); it compiles on first lookup.
  Result<bool> add_module(std::unique_ptr<llvm::Module> module, std::unique_ptr<llvm::LLVMContext> context);
  // Adds an object file compiled earlier (by a session with keep_objects); linked on lookup.
  Result<bool> add_object(std::string_view name, std::string_view object);
  // Parses textual LLVM IR (used by tests and by hand-written runtime pieces) and adds it.
  Result<bool> add_ir(std::string_view ir_text, std::string_view module_name);
  // The address of a compiled function; compiles lazily on first lookup.
  Result<std::uintptr_t> lookup(std::string_view symbol);
  // Several at once: their modules compile concurrently on the compile threads.
  Result<std::vector<std::uintptr_t>> lookup_all(const std::vector<std::string>& symbols);
  // Modules loaded from, or not found in, the object cache so far.
  int cache_hits() const;
  int cache_misses() const;
  // With keep_objects: moves out the object file of every module compiled so far, by module name.
  std::map<std::string, std::string> take_objects();

 private:
  struct Impl;
  explicit JitSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Prepares LLVM's native target once per process (thread-safe).
void initialize_native_target();

}  // namespace writ::codegen
