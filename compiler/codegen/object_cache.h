// A directory of compiled modules, keyed by what determines the machine code: the module's IR
// before optimisation, the target, the optimisation level and the LLVM version. A restart with
// unchanged policies then skips optimisation and code generation. Files carry a SHA-256 of
// their contents; a damaged or foreign file is ignored (and recompiled), never loaded.
// It can also keep every module's object in memory (for compiled bundles), with or without a
// directory.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <llvm/ExecutionEngine/ObjectCache.h>
#include <llvm/IR/Module.h>

namespace writ::codegen {

class ObjectFileCache : public llvm::ObjectCache {
 public:
  // An empty `directory` caches nothing on disk; `keep` keeps each module's object in memory,
  // by the module's original name (its source file name, which the cache key does not replace).
  ObjectFileCache(std::string directory, std::string target_description, bool keep = false);

  // Names the module by its cache key (its identifier); true if the cache holds its object.
  bool prepare(llvm::Module& module);

  void notifyObjectCompiled(const llvm::Module* module, llvm::MemoryBufferRef object) override;
  std::unique_ptr<llvm::MemoryBuffer> getObject(const llvm::Module* module) override;

  int hits() const { return hits_.load(); }
  int misses() const { return misses_.load(); }
  // Moves the kept objects (module name -> object file) out, when asked to keep them: they are
  // needed once, to write a bundle, and would otherwise stay in memory as long as the code.
  std::map<std::string, std::string> take_kept();

 private:
  std::string path_for(const llvm::Module& module) const;
  // The object stored at `path`, if its checksum holds; a damaged file is removed.
  static std::optional<std::string> read_valid(const std::string& path);
  void keep(const llvm::Module& module, llvm::StringRef object);
  std::string directory_;
  std::string target_;
  bool keep_ = false;
  std::atomic<int> hits_{0}, misses_{0};
  mutable std::mutex kept_mutex_;  // modules compile concurrently
  std::map<std::string, std::string> kept_;
  // Objects `prepare` found and verified, by cache key, until getObject takes them: each file is
  // read and checked once.
  std::mutex found_mutex_;
  std::map<std::string, std::string> found_;
};

}  // namespace writ::codegen
