// ORC LLJIT wrapper: every LLVM Error is converted to a writ Error here, at the boundary.
#include "compiler/codegen/jit_session.h"

#include "compiler/codegen/object_cache.h"

#include <algorithm>
#include <mutex>

#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IRReader/IRReader.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

namespace writ::codegen {
namespace {

std::string message_of(llvm::Error error) {
  std::string out;
  llvm::raw_string_ostream stream(out);
  stream << error;
  return out;
}

// Runs the new pass manager's O2 pipeline on a module.
void optimize_module(llvm::Module& module) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder builder;
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(module, mam);
}

// LLJIT as LLVM builds it, except that modules are not cloned into a new LLVMContext before they
// compile. LLJIT clones whenever it has compile threads, for clients whose modules share one
// context; each of ours has a context of its own, and the clone was half of a restart from the
// object cache.
class WritJit : public llvm::orc::LLJIT {
 public:
  WritJit(llvm::orc::LLJITBuilderState& state, llvm::Error& error) : LLJIT(state, error) {
    if (InitHelperTransformLayer) InitHelperTransformLayer->setCloneToNewContextOnEmit(false);
  }
};

class WritJitBuilder : public llvm::orc::LLJITBuilderState,
                       public llvm::orc::LLJITBuilderSetters<WritJit, WritJitBuilder, llvm::orc::LLJITBuilderState> {};

}  // namespace

void initialize_native_target() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

struct JitSession::Impl {
  std::unique_ptr<ObjectFileCache> cache;  // outlives the JIT, which refers to it
  std::unique_ptr<llvm::orc::LLJIT> jit;
  JitOptions options;
};

JitSession::JitSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JitSession::~JitSession() = default;

Result<std::unique_ptr<JitSession>> JitSession::create(JitOptions options) {
  initialize_native_target();
  auto target = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!target) return Error{"cannot detect the host machine: " + message_of(target.takeError())};
  target->setCodeGenOptLevel(options.optimize ? llvm::CodeGenOptLevel::Default : llvm::CodeGenOptLevel::None);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  WritJitBuilder builder;
  if (!options.cache_directory.empty() || options.keep_objects) {
    std::string features;
    for (const auto& f : target->getFeatures().getFeatures()) features += f;
    impl->cache = std::make_unique<ObjectFileCache>(options.cache_directory,
                                                    target->getTargetTriple().str() + "|" + target->getCPU() + "|" +
                                                        features + "|" + (options.optimize ? "O2" : "O0"),
                                                    options.keep_objects);
    ObjectFileCache* cache = impl->cache.get();
    builder.setCompileFunctionCreator([cache](llvm::orc::JITTargetMachineBuilder machine)
                                          -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
      return std::make_unique<llvm::orc::ConcurrentIRCompiler>(std::move(machine), cache);
    });
  }
  builder.setJITTargetMachineBuilder(std::move(*target));
  if (options.compile_threads > 0) builder.setNumCompileThreads(options.compile_threads);
  auto jit = builder.create();
  if (!jit) return Error{"cannot start the JIT: " + message_of(jit.takeError())};
  impl->jit = std::move(*jit);
  if (options.optimize || impl->cache) {
    ObjectFileCache* cache = impl->cache.get();
    bool optimize = options.optimize;
    impl->jit->getIRTransformLayer().setTransform(
        [cache, optimize](llvm::orc::ThreadSafeModule module, const llvm::orc::MaterializationResponsibility&) {
          module.withModuleDo([&](llvm::Module& m) {
            // A cached module needs no optimising: its object is loaded as it is.
            bool cached = cache != nullptr && cache->prepare(m);
            if (optimize && !cached) optimize_module(m);
          });
          return llvm::Expected<llvm::orc::ThreadSafeModule>(std::move(module));
        });
  }
  return std::unique_ptr<JitSession>(new JitSession(std::move(impl)));
}

Result<bool> JitSession::define_host_symbols(const std::vector<HostSymbol>& symbols) {
  if (symbols.empty()) return true;
  auto& jit = *impl_->jit;
  llvm::orc::SymbolMap map;
  map.reserve(symbols.size());
  for (const HostSymbol& s : symbols) {
    auto flags = llvm::JITSymbolFlags::Exported;
    if (s.callable) flags |= llvm::JITSymbolFlags::Callable;
    auto [it, inserted] = map.try_emplace(
        jit.mangleAndIntern(s.name), llvm::orc::ExecutorSymbolDef(llvm::orc::ExecutorAddr::fromPtr(s.address), flags));
    if (!inserted) return Error{"cannot define `" + s.name + "` twice"};
  }
  if (auto error = jit.getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(map)))) {
    return Error{"cannot define the host's symbols: " + message_of(std::move(error))};
  }
  return true;
}

Result<bool> JitSession::define_helper(std::string_view name, const void* address) {
  return define_host_symbols({HostSymbol{std::string(name), address, true}});
}

Result<bool> JitSession::add_module(std::unique_ptr<llvm::Module> module, std::unique_ptr<llvm::LLVMContext> context) {
  if (auto error = impl_->jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context)))) {
    return Error{"cannot add module: " + message_of(std::move(error))};
  }
  return true;
}

Result<bool> JitSession::add_object(std::string_view name, std::string_view object) {
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(object.data(), object.size()),
                                                     llvm::StringRef(name.data(), name.size()));
  if (auto error = impl_->jit->addObjectFile(std::move(buffer))) {
    return Error{"cannot add object `" + std::string(name) + "`: " + message_of(std::move(error))};
  }
  return true;
}

std::map<std::string, std::string> JitSession::take_objects() {
  return impl_->cache ? impl_->cache->take_kept() : std::map<std::string, std::string>{};
}

std::string llvm_version() {
  return LLVM_VERSION_STRING;
}

Result<TargetInfo> host_target() {
  initialize_native_target();
  auto target = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!target) return Error{"cannot detect the host machine: " + message_of(target.takeError())};
  TargetInfo info;
  info.triple = target->getTargetTriple().str();
  info.cpu = target->getCPU();
  for (const auto& f : target->getFeatures().getFeatures()) info.features.push_back(f);
  return info;
}

std::optional<std::string> incompatibility(const TargetInfo& built_for, const TargetInfo& host) {
  if (built_for.triple != host.triple) {
    return "it was compiled for " + built_for.triple + ", and this machine is " + host.triple;
  }
  // Code may use any feature enabled where it was compiled; this machine must have them all.
  for (const std::string& feature : built_for.features) {
    if (feature.empty() || feature[0] != '+') continue;
    if (std::find(host.features.begin(), host.features.end(), feature) == host.features.end()) {
      return "it was compiled for a CPU with " + feature.substr(1) + " (" + built_for.cpu +
             "), which this machine lacks (" + host.cpu + ")";
    }
  }
  return std::nullopt;
}

Result<bool> JitSession::add_ir(std::string_view ir_text, std::string_view module_name) {
  auto context = std::make_unique<llvm::LLVMContext>();
  llvm::SMDiagnostic diagnostic;
  auto buffer = llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(ir_text.data(), ir_text.size()),
                                                 llvm::StringRef(module_name.data(), module_name.size()), false);
  std::unique_ptr<llvm::Module> module = llvm::parseIR(buffer->getMemBufferRef(), diagnostic, *context);
  if (!module) {
    std::string out;
    llvm::raw_string_ostream stream(out);
    diagnostic.print(std::string(module_name).c_str(), stream);
    return Error{"invalid LLVM IR: " + out};
  }
  if (auto error = impl_->jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context)))) {
    return Error{"cannot add module: " + message_of(std::move(error))};
  }
  return true;
}

Result<std::uintptr_t> JitSession::lookup(std::string_view symbol) {
  auto address = impl_->jit->lookup(llvm::StringRef(symbol.data(), symbol.size()));
  if (!address) return Error{"cannot compile `" + std::string(symbol) + "`: " + message_of(address.takeError())};
  return static_cast<std::uintptr_t>(address->getValue());
}

int JitSession::cache_hits() const {
  return impl_->cache ? impl_->cache->hits() : 0;
}
int JitSession::cache_misses() const {
  return impl_->cache ? impl_->cache->misses() : 0;
}

Result<std::vector<std::uintptr_t>> JitSession::lookup_all(const std::vector<std::string>& symbols) {
  auto& jit = *impl_->jit;
  llvm::orc::SymbolLookupSet set;
  std::vector<llvm::orc::SymbolStringPtr> names;
  for (const std::string& s : symbols) {
    names.push_back(jit.mangleAndIntern(s));
    set.add(names.back());
  }
  auto found =
      jit.getExecutionSession().lookup(llvm::orc::makeJITDylibSearchOrder(&jit.getMainJITDylib()), std::move(set));
  if (!found) return Error{"cannot compile the policy's code: " + message_of(found.takeError())};
  std::vector<std::uintptr_t> out;
  for (const auto& name : names) out.push_back(static_cast<std::uintptr_t>((*found)[name].getAddress().getValue()));
  return out;
}

}  // namespace writ::codegen
