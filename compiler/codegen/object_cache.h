// A directory of compiled modules, keyed by what determines the machine code: the module's IR
// before optimisation, the target, the optimisation level and the LLVM version. A restart with
// unchanged policies then skips optimisation and code generation. Files carry a SHA-256 of
// their contents; a damaged or foreign file is ignored (and recompiled), never loaded.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <llvm/ExecutionEngine/ObjectCache.h>
#include <llvm/IR/Module.h>

namespace writ::codegen {

class ObjectFileCache : public llvm::ObjectCache {
 public:
  ObjectFileCache(std::string directory, std::string target_description);

  // Names the module by its cache key (its identifier); true if the cache holds its object.
  bool prepare(llvm::Module& module);

  void notifyObjectCompiled(const llvm::Module* module, llvm::MemoryBufferRef object) override;
  std::unique_ptr<llvm::MemoryBuffer> getObject(const llvm::Module* module) override;

  int hits() const { return hits_.load(); }
  int misses() const { return misses_.load(); }

 private:
  std::string path_for(const llvm::Module& module) const;
  // The object stored at `path`, if its checksum holds; a damaged file is removed.
  static std::optional<std::string> read_valid(const std::string& path);
  std::string directory_;
  std::string target_;
  std::atomic<int> hits_{0}, misses_{0};
};

}  // namespace writ::codegen
