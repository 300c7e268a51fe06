// The object file cache: SHA-256 keys and checksummed files, written atomically.
#include "compiler/codegen/object_cache.h"

#include <filesystem>
#include <optional>
#include <utility>

#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include "stdlib/files.h"
#include "stdlib/limits.h"
#include "stdlib/sha256.h"

namespace writ::codegen {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kDigestBytes = 32;
constexpr const char* kKeyPrefix = "writ.cache.";

using stdlib::hex;
using stdlib::sha256;

}  // namespace

ObjectFileCache::ObjectFileCache(std::string directory, std::string target_description, bool keep)
    : directory_(std::move(directory)),
      target_(std::move(target_description) + "|llvm " LLVM_VERSION_STRING),
      keep_(keep) {}

std::map<std::string, std::string> ObjectFileCache::take_kept() {
  std::lock_guard<std::mutex> lock(kept_mutex_);
  return std::exchange(kept_, {});
}

void ObjectFileCache::keep(const llvm::Module& module, llvm::StringRef object) {
  if (!keep_) return;
  std::lock_guard<std::mutex> lock(kept_mutex_);
  kept_[module.getSourceFileName()] = object.str();
}

bool ObjectFileCache::prepare(llvm::Module& module) {
  if (directory_.empty()) return false;  // keeping objects only: no key needed
  // The module as bitcode: writing it is several times faster than printing its text, and it is
  // as complete (names, types, attributes, the module's own name).
  llvm::SmallVector<char, 0> bitcode;
  llvm::raw_svector_ostream out(bitcode);
  llvm::WriteBitcodeToFile(module, out);
  out << "|" << target_;
  module.setModuleIdentifier(kKeyPrefix + hex(sha256(std::string_view(bitcode.data(), bitcode.size()))));
  auto object = read_valid(path_for(module));
  if (!object) return false;
  std::lock_guard<std::mutex> lock(found_mutex_);
  found_[module.getModuleIdentifier()] = std::move(object).value();
  return true;
}

std::optional<std::string> ObjectFileCache::read_valid(const std::string& path) {
  if (path.empty()) return std::nullopt;
  auto read = stdlib::read_file_limited(path, limits::kMaxBundleBytes);
  if (!read) return std::nullopt;
  std::string contents = std::move(read).value();
  std::string_view bytes(contents);
  if (bytes.size() <= kDigestBytes || sha256(bytes.substr(kDigestBytes)) != bytes.substr(0, kDigestBytes)) {
    std::error_code error;
    fs::remove(path, error);  // damaged: compile again and replace it
    return std::nullopt;
  }
  return contents.substr(kDigestBytes);
}

std::string ObjectFileCache::path_for(const llvm::Module& module) const {
  const std::string& id = module.getModuleIdentifier();
  if (id.rfind(kKeyPrefix, 0) != 0) return {};
  return (fs::path(directory_) / (id.substr(std::char_traits<char>::length(kKeyPrefix)) + ".o")).string();
}

void ObjectFileCache::notifyObjectCompiled(const llvm::Module* module, llvm::MemoryBufferRef object) {
  keep(*module, object.getBuffer());
  std::string path = path_for(*module);
  if (path.empty()) return;
  std::error_code error;
  fs::create_directories(directory_, error);
  std::string_view bytes(object.getBufferStart(), object.getBufferSize());
  (void)stdlib::write_file_atomically(path, sha256(bytes) + std::string(bytes));  // a cache: best effort
}

std::unique_ptr<llvm::MemoryBuffer> ObjectFileCache::getObject(const llvm::Module* module) {
  if (directory_.empty()) return nullptr;
  std::optional<std::string> object;
  {
    std::lock_guard<std::mutex> lock(found_mutex_);
    if (auto it = found_.find(module->getModuleIdentifier()); it != found_.end()) {
      object = std::move(it->second);
      found_.erase(it);
    }
  }
  if (!object) object = read_valid(path_for(*module));
  if (!object) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  keep(*module, *object);
  return llvm::MemoryBuffer::getMemBufferCopy(*object, module->getModuleIdentifier());
}

}  // namespace writ::codegen
