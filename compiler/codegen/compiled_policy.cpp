// Compiles an IR policy: host objects first, then modules of rule functions, each with a table
// of its functions so one lookup per module finds them all.
#include "compiler/codegen/compiled_policy.h"

#include <fmt/format.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <re2/re2.h>

#include "compiler/codegen/helpers.h"
#include "compiler/codegen/jit_session.h"
#include "compiler/codegen/rule_emitter.h"

namespace writ::codegen {

struct CompiledPolicy::Host {
  std::unique_ptr<JitSession> session;
  std::vector<std::unique_ptr<RE2>> regexes;
  std::vector<std::unique_ptr<HostWindow>> windows;
  std::vector<std::unique_ptr<HostStringSet>> string_sets;
  std::vector<std::unique_ptr<HostIntSet>> int_sets;
};

namespace {

Result<bool> define_host_objects(const ir::Policy& policy, CompiledPolicy::Host& host);

}  // namespace

CompiledPolicy::CompiledPolicy() : host_(std::make_unique<Host>()) {}
CompiledPolicy::~CompiledPolicy() = default;

Result<std::unique_ptr<CompiledPolicy>> CompiledPolicy::compile(const ir::Policy& policy, CompileOptions options) {
  std::unique_ptr<CompiledPolicy> compiled(new CompiledPolicy());
  compiled->optimized_ = options.optimize;
  Host& host = *compiled->host_;
  auto session = JitSession::create({options.optimize});
  if (!session) return std::move(session).take_error();
  host.session = std::move(session).value();
  for (const HelperSymbol& h : helper_symbols()) {
    if (auto r = host.session->define_helper(h.name, h.address); !r) return std::move(r).take_error();
  }
  if (auto r = define_host_objects(policy, host); !r) return std::move(r).take_error();

  std::size_t per_module = std::max<std::size_t>(options.rules_per_module, 1);
  std::vector<std::string> tables;
  for (std::size_t first = 0; first < policy.rules.size(); first += per_module) {
    std::size_t last = std::min(policy.rules.size(), first + per_module);
    auto context = std::make_unique<llvm::LLVMContext>();
    auto module = std::make_unique<llvm::Module>(fmt::format("writ_rules_{}", first), *context);
    std::vector<llvm::Constant*> functions;
    for (std::size_t i = first; i < last; ++i) {
      functions.push_back(emit_rule(*module, policy, policy.rules[i], fmt::format("writ_rule_{}", i)));
    }
    auto* table_type = llvm::ArrayType::get(llvm::PointerType::getUnqual(*context), functions.size());
    std::string table = fmt::format("writ_rule_table_{}", tables.size());
    new llvm::GlobalVariable(*module, table_type, true, llvm::GlobalValue::ExternalLinkage,
                             llvm::ConstantArray::get(table_type, functions), table);
    std::string problems;
    llvm::raw_string_ostream out(problems);
    if (llvm::verifyModule(*module, &out)) return Error{"generated code is invalid: " + problems};
    if (auto r = host.session->add_module(std::move(module), std::move(context)); !r) return std::move(r).take_error();
    tables.push_back(std::move(table));
  }
  for (const std::string& table : tables) {
    auto address = host.session->lookup(table);
    if (!address) return std::move(address).take_error();
    std::size_t count = std::min(per_module, policy.rules.size() - compiled->rules_.size());
    const auto* entries = reinterpret_cast<const WritRuleFn*>(*address);
    compiled->rules_.insert(compiled->rules_.end(), entries, entries + count);
  }
  return compiled;
}

namespace {

Result<bool> define_host_objects(const ir::Policy& policy, CompiledPolicy::Host& host) {
  for (std::size_t i = 0; i < policy.patterns.size(); ++i) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(policy.patterns[i], options);
    if (!re->ok()) return Error{fmt::format("regular expression `{}`: {}", policy.patterns[i], re->error())};
    WRIT_TRY(defined, host.session->define_data(regex_symbol(i), re.get()));
    (void)defined;
    host.regexes.push_back(std::move(re));
  }
  for (std::size_t i = 0; i < policy.windows.size(); ++i) {
    const ir::WindowSpec& spec = policy.windows[i];
    auto w = std::make_unique<HostWindow>();
    w->days = spec.days;
    w->start_minute = spec.start_minute;
    w->end_minute = spec.end_minute;
    if (!spec.zone.empty()) {
      auto zone = stdlib::TimeZone::load(spec.zone);
      if (!zone) return std::move(zone).take_error();
      w->zone = std::move(zone).value();
    }
    WRIT_TRY(defined, host.session->define_data(window_symbol(i), w.get()));
    (void)defined;
    host.windows.push_back(std::move(w));
  }
  for (std::size_t i = 0; i < policy.sets.size(); ++i) {
    const ir::ConstSet& set = policy.sets[i];
    if ((set.ints ? set.numbers.size() : set.strings.size()) <= kInlineSetLimit) continue;
    const void* address = nullptr;
    if (set.ints) {
      host.int_sets.push_back(std::make_unique<HostIntSet>(HostIntSet{set.numbers}));
      address = host.int_sets.back().get();
    } else {
      host.string_sets.push_back(std::make_unique<HostStringSet>(HostStringSet{set.strings}));
      address = host.string_sets.back().get();
    }
    WRIT_TRY(defined, host.session->define_data(set_symbol(i), address));
    (void)defined;
  }
  return true;
}

}  // namespace

}  // namespace writ::codegen
