// Compiles an IR policy: host objects first, then modules of rule functions, each with a table
// of its functions so one lookup per module finds them all.
#include "compiler/codegen/compiled_policy.h"

#include <deque>
#include <map>
#include <unordered_map>

#include <fmt/format.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <re2/re2.h>

#include "compiler/codegen/host_functions.h"
#include "compiler/codegen/jit_session.h"
#include "compiler/codegen/rule_emitter.h"
#include "compiler/codegen/rule_shape.h"

namespace writ::codegen {

struct CompiledPolicy::Host {
  std::unique_ptr<JitSession> session;
  std::vector<std::unique_ptr<RE2>> regexes;
  std::vector<std::unique_ptr<HostWindow>> windows;
  std::vector<std::unique_ptr<HostStringSet>> string_sets;
  std::vector<std::unique_ptr<HostIntSet>> int_sets;
  std::vector<const void*> set_addresses;  // per ir::Policy::sets index; null if not needed
  // Constant tables of shared shapes, and the texts they point into.
  std::deque<std::string> texts;
  std::vector<std::vector<WritCell>> tables;
};

namespace {

// Builds the host objects generated code refers to, and names each in `symbols`.
Result<bool> make_host_objects(const ir::Policy& policy, bool all_sets, CompiledPolicy::Host& host,
                               std::vector<HostSymbol>& symbols);

// The cells of a rule's constant table.
std::vector<WritCell> constant_table(const std::vector<ShapeConstant>& constants, CompiledPolicy::Host& host) {
  std::vector<WritCell> table;
  table.reserve(constants.size());
  for (const ShapeConstant& c : constants) {
    auto index = static_cast<std::size_t>(c.value);
    switch (c.kind) {
      case ShapeConstant::Kind::Text: {
        const std::string& text = host.texts.emplace_back(c.text);
        table.push_back({reinterpret_cast<std::uint64_t>(text.data()), text.size()});
        break;
      }
      case ShapeConstant::Kind::Int:
        table.push_back({static_cast<std::uint64_t>(c.value), 0});
        break;
      case ShapeConstant::Kind::Regex:
        table.push_back({reinterpret_cast<std::uint64_t>(host.regexes[index].get()), 0});
        break;
      case ShapeConstant::Kind::Window:
        table.push_back({reinterpret_cast<std::uint64_t>(host.windows[index].get()), 0});
        break;
      case ShapeConstant::Kind::Set:
        table.push_back({reinterpret_cast<std::uint64_t>(host.set_addresses[index]), 0});
        break;
    }
  }
  return table;
}

}  // namespace

CompiledPolicy::CompiledPolicy() : host_(std::make_unique<Host>()) {}
CompiledPolicy::~CompiledPolicy() = default;

int CompiledPolicy::cache_hits() const {
  return host_->session->cache_hits();
}
int CompiledPolicy::cache_misses() const {
  return host_->session->cache_misses();
}

namespace {

// Which function serves each rule: one per rule, or one per shape with a constant table per rule.
struct FunctionPlan {
  std::vector<std::size_t> function_of;     // rule -> function
  std::vector<std::size_t> representative;  // function -> the rule it is emitted from
  std::vector<RuleShape> shapes;            // function -> its shape (shared mode)
};

FunctionPlan plan_functions(const ir::Policy& policy, bool share, CompiledPolicy::Host& host, FunctionLayout* layout) {
  FunctionPlan plan;
  plan.function_of.resize(policy.rules.size());
  host.tables.resize(policy.rules.size());
  std::unordered_map<std::string, std::size_t> by_key;
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    if (!share) {
      plan.function_of[i] = plan.representative.size();
      plan.representative.push_back(i);
      continue;
    }
    RuleShape shape = shape_of(policy, policy.rules[i]);
    host.tables[i] = constant_table(shape.constants, host);
    if (layout != nullptr) layout->constants[i] = shape.constants;
    auto [it, inserted] = by_key.emplace(shape.key, plan.representative.size());
    if (inserted) {
      plan.representative.push_back(i);
      plan.shapes.push_back(std::move(shape));
    }
    plan.function_of[i] = it->second;
  }
  if (layout != nullptr) {
    layout->function_count = plan.representative.size();
    layout->function_of.assign(plan.function_of.begin(), plan.function_of.end());
  }
  return plan;
}

// A layout read from a bundle must fit the host objects and the functions before it is used.
Result<bool> check_layout(const FunctionLayout& layout, const ir::Policy& policy, const CompiledPolicy::Host& host) {
  if (layout.function_of.size() != policy.rules.size() || layout.constants.size() != policy.rules.size()) {
    return Error{"the code layout does not have one entry per rule"};
  }
  for (std::size_t i = 0; i < layout.function_of.size(); ++i) {
    if (layout.function_of[i] >= layout.function_count) return Error{"the code layout names a missing function"};
    for (const ShapeConstant& c : layout.constants[i]) {
      auto index = static_cast<std::size_t>(c.value);
      bool ok = c.kind == ShapeConstant::Kind::Text || c.kind == ShapeConstant::Kind::Int ||
                (c.kind == ShapeConstant::Kind::Regex && index < host.regexes.size()) ||
                (c.kind == ShapeConstant::Kind::Window && index < host.windows.size()) ||
                (c.kind == ShapeConstant::Kind::Set && index < host.set_addresses.size() &&
                 host.set_addresses[index] != nullptr);
      if (c.value < 0 && c.kind != ShapeConstant::Kind::Int) ok = false;
      if (!ok) return Error{"the code layout refers to a constant the policy does not have"};
    }
  }
  return true;
}

std::string table_symbol(std::size_t module) {
  return fmt::format("writ_fn_table_{}", module);
}

}  // namespace

Result<bool> CompiledPolicy::start_session(const ir::Policy& policy, const JitOptions& jit, bool share) {
  auto session = JitSession::create(jit);
  if (!session) return std::move(session).take_error();
  host_->session = std::move(session).value();
  std::vector<HostSymbol> symbols;
  for (const HelperSymbol& h : helper_symbols()) symbols.push_back({h.name, h.address, true});
  if (auto r = make_host_objects(policy, share, *host_, symbols); !r) return r;
  return host_->session->define_host_symbols(symbols);
}

Result<std::unique_ptr<CompiledPolicy>> CompiledPolicy::compile(const ir::Policy& policy, CompileOptions options) {
  std::unique_ptr<CompiledPolicy> compiled(new CompiledPolicy());
  compiled->optimized_ = options.optimize;
  compiled->shared_ = options.share_shapes.value_or(!options.optimize);
  compiled->functions_per_module_ = std::max<std::size_t>(options.functions_per_module, 1);
  bool share = compiled->shared_;
  JitOptions jit;
  jit.optimize = options.optimize;
  jit.compile_threads = options.compile_threads;
  jit.cache_directory = options.cache_directory;
  jit.keep_objects = options.keep_objects;
  if (auto r = compiled->start_session(policy, jit, share); !r) return std::move(r).take_error();
  Host& host = *compiled->host_;
  if (options.keep_objects) compiled->layout_.constants.resize(policy.rules.size());
  FunctionPlan plan = plan_functions(policy, share, host, options.keep_objects ? &compiled->layout_ : nullptr);

  auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed); };
  std::size_t per_module = compiled->functions_per_module_;
  for (std::size_t first = 0; first < plan.representative.size(); first += per_module) {
    if (cancelled()) return Error{"compilation cancelled"};
    std::size_t last = std::min(plan.representative.size(), first + per_module);
    auto context = std::make_unique<llvm::LLVMContext>();
    std::string name = fmt::format("writ_rules_{}", first);
    auto module = std::make_unique<llvm::Module>(name, *context);
    std::vector<llvm::Constant*> functions;
    for (std::size_t f = first; f < last; ++f) {
      const ir::Rule& rule = policy.rules[plan.representative[f]];
      functions.push_back(
          emit_rule(*module, policy, rule, fmt::format("writ_fn_{}", f), share ? &plan.shapes[f] : nullptr));
    }
    auto* table_type = llvm::ArrayType::get(llvm::PointerType::getUnqual(*context), functions.size());
    new llvm::GlobalVariable(*module, table_type, true, llvm::GlobalValue::ExternalLinkage,
                             llvm::ConstantArray::get(table_type, functions), table_symbol(compiled->modules_.size()));
    std::string problems;
    llvm::raw_string_ostream out(problems);
    if (llvm::verifyModule(*module, &out)) return Error{"generated code is invalid: " + problems};
    if (auto r = host.session->add_module(std::move(module), std::move(context)); !r) return std::move(r).take_error();
    compiled->modules_.push_back(std::move(name));
  }
  if (auto r = compiled->link(plan.function_of, plan.representative.size(), options.compile_threads, options.cancel);
      !r) {
    return std::move(r).take_error();
  }
  return compiled;
}

Result<std::unique_ptr<CompiledPolicy>> CompiledPolicy::load(const ir::Policy& policy, const LoadOptions& options,
                                                             const FunctionLayout& layout,
                                                             const std::vector<std::string>& objects) {
  std::unique_ptr<CompiledPolicy> compiled(new CompiledPolicy());
  compiled->optimized_ = options.optimized;
  compiled->shared_ = options.share_shapes;
  compiled->functions_per_module_ = std::max<std::size_t>(options.functions_per_module, 1);
  if (auto r = compiled->start_session(policy, JitOptions{}, options.share_shapes); !r)
    return std::move(r).take_error();
  Host& host = *compiled->host_;
  if (auto r = check_layout(layout, policy, host); !r) return std::move(r).take_error();
  host.tables.resize(policy.rules.size());
  for (std::size_t i = 0; i < policy.rules.size(); ++i) host.tables[i] = constant_table(layout.constants[i], host);
  std::vector<std::size_t> function_of(layout.function_of.begin(), layout.function_of.end());
  std::size_t per_module = compiled->functions_per_module_;
  std::size_t expected = (layout.function_count + per_module - 1) / per_module;
  if (objects.size() != expected) {
    return Error{fmt::format("the compiled code has {} modules where this policy needs {}", objects.size(), expected)};
  }
  for (std::size_t k = 0; k < objects.size(); ++k) {
    std::string name = fmt::format("writ_rules_{}", k * per_module);
    if (auto r = compiled->host_->session->add_object(name, objects[k]); !r) return std::move(r).take_error();
    compiled->modules_.push_back(std::move(name));
  }
  if (auto r = compiled->link(function_of, layout.function_count, 0, nullptr); !r) return std::move(r).take_error();
  compiled->layout_ = layout;
  return compiled;
}

// Modules compile (or link) when looked up: in batches, concurrently on the compile threads.
Result<bool> CompiledPolicy::link(const std::vector<std::size_t>& function_of, std::size_t function_count,
                                  unsigned compile_threads, const std::atomic<bool>* cancel) {
  std::vector<WritRuleFn> functions;
  std::size_t batch = std::max<std::size_t>(2 * compile_threads, 1);
  for (std::size_t at = 0; at < modules_.size(); at += batch) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return Error{"compilation cancelled"};
    std::vector<std::string> names;
    for (std::size_t k = at; k < std::min(modules_.size(), at + batch); ++k) names.push_back(table_symbol(k));
    auto addresses = host_->session->lookup_all(names);
    if (!addresses) return std::move(addresses).take_error();
    for (std::uintptr_t address : *addresses) {
      std::size_t count = std::min(functions_per_module_, function_count - functions.size());
      const auto* entries = reinterpret_cast<const WritRuleFn*>(address);
      functions.insert(functions.end(), entries, entries + count);
    }
  }
  if (functions.size() != function_count) return Error{"the compiled code lacks some of the policy's functions"};
  function_count_ = functions.size();
  for (std::size_t i = 0; i < function_of.size(); ++i) {
    rules_.push_back(functions[function_of[i]]);
    constants_.push_back(host_->tables[i].empty() ? nullptr : host_->tables[i].data());
  }
  return true;
}

Result<std::vector<std::string>> CompiledPolicy::take_objects() const {
  std::map<std::string, std::string> kept = host_->session->take_objects();
  std::vector<std::string> out;
  for (const std::string& name : modules_) {
    auto it = kept.find(name);
    if (it == kept.end()) return Error{"the object code of `" + name + "` was not kept (compile with keep_objects)"};
    out.push_back(std::move(it->second));
  }
  return out;
}

namespace {

Result<bool> make_host_objects(const ir::Policy& policy, bool all_sets, CompiledPolicy::Host& host,
                               std::vector<HostSymbol>& symbols) {
  for (std::size_t i = 0; i < policy.patterns.size(); ++i) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(policy.patterns[i], options);
    if (!re->ok()) return Error{fmt::format("regular expression `{}`: {}", policy.patterns[i], re->error())};
    symbols.push_back({regex_symbol(i), re.get()});
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
    symbols.push_back({window_symbol(i), w.get()});
    host.windows.push_back(std::move(w));
  }
  host.set_addresses.assign(policy.sets.size(), nullptr);
  for (std::size_t i = 0; i < policy.sets.size(); ++i) {
    const ir::ConstSet& set = policy.sets[i];
    if (!all_sets && (set.ints ? set.numbers.size() : set.strings.size()) <= kInlineSetLimit) continue;
    const void* address = nullptr;
    if (set.ints) {
      host.int_sets.push_back(std::make_unique<HostIntSet>(HostIntSet{set.numbers}));
      address = host.int_sets.back().get();
    } else {
      host.string_sets.push_back(std::make_unique<HostStringSet>(HostStringSet{set.strings}));
      address = host.string_sets.back().get();
    }
    host.set_addresses[i] = address;
    symbols.push_back({set_symbol(i), address});
  }
  return true;
}

}  // namespace

}  // namespace writ::codegen
