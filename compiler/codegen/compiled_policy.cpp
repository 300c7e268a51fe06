// Compiles an IR policy: host objects first, then modules of rule functions, each with a table
// of its functions so one lookup per module finds them all.
#include "compiler/codegen/compiled_policy.h"

#include <deque>
#include <unordered_map>

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

Result<bool> define_host_objects(const ir::Policy& policy, bool all_sets, CompiledPolicy::Host& host);

// The cells of a rule's constant table.
std::vector<WritCell> constant_table(const RuleShape& shape, CompiledPolicy::Host& host) {
  std::vector<WritCell> table;
  table.reserve(shape.constants.size());
  for (const ShapeConstant& c : shape.constants) {
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

Result<std::unique_ptr<CompiledPolicy>> CompiledPolicy::compile(const ir::Policy& policy, CompileOptions options) {
  std::unique_ptr<CompiledPolicy> compiled(new CompiledPolicy());
  compiled->optimized_ = options.optimize;
  bool share = options.share_shapes.value_or(!options.optimize);
  Host& host = *compiled->host_;
  JitOptions jit;
  jit.optimize = options.optimize;
  jit.compile_threads = options.compile_threads;
  jit.cache_directory = options.cache_directory;
  auto session = JitSession::create(jit);
  if (!session) return std::move(session).take_error();
  host.session = std::move(session).value();
  for (const HelperSymbol& h : helper_symbols()) {
    if (auto r = host.session->define_helper(h.name, h.address); !r) return std::move(r).take_error();
  }
  if (auto r = define_host_objects(policy, share, host); !r) return std::move(r).take_error();

  // One function per rule, or per shape; `function_of[i]` serves rule i.
  std::vector<std::size_t> function_of(policy.rules.size());
  std::vector<std::size_t> representative;  // function -> the rule it is emitted from
  std::vector<RuleShape> shapes;            // function -> its shape (shared mode)
  host.tables.resize(policy.rules.size());
  std::unordered_map<std::string, std::size_t> by_key;
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    if (!share) {
      function_of[i] = representative.size();
      representative.push_back(i);
      continue;
    }
    RuleShape shape = shape_of(policy, policy.rules[i]);
    host.tables[i] = constant_table(shape, host);
    auto [it, inserted] = by_key.emplace(shape.key, representative.size());
    if (inserted) {
      representative.push_back(i);
      shapes.push_back(std::move(shape));
    }
    function_of[i] = it->second;
  }

  auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed); };
  std::size_t per_module = std::max<std::size_t>(options.functions_per_module, 1);
  std::vector<std::string> tables;
  for (std::size_t first = 0; first < representative.size(); first += per_module) {
    if (cancelled()) return Error{"compilation cancelled"};
    std::size_t last = std::min(representative.size(), first + per_module);
    auto context = std::make_unique<llvm::LLVMContext>();
    auto module = std::make_unique<llvm::Module>(fmt::format("writ_rules_{}", first), *context);
    std::vector<llvm::Constant*> functions;
    for (std::size_t f = first; f < last; ++f) {
      const ir::Rule& rule = policy.rules[representative[f]];
      functions.push_back(emit_rule(*module, policy, rule, fmt::format("writ_fn_{}", f), share ? &shapes[f] : nullptr));
    }
    auto* table_type = llvm::ArrayType::get(llvm::PointerType::getUnqual(*context), functions.size());
    std::string table = fmt::format("writ_fn_table_{}", tables.size());
    new llvm::GlobalVariable(*module, table_type, true, llvm::GlobalValue::ExternalLinkage,
                             llvm::ConstantArray::get(table_type, functions), table);
    std::string problems;
    llvm::raw_string_ostream out(problems);
    if (llvm::verifyModule(*module, &out)) return Error{"generated code is invalid: " + problems};
    if (auto r = host.session->add_module(std::move(module), std::move(context)); !r) return std::move(r).take_error();
    tables.push_back(std::move(table));
  }
  // Modules compile when looked up: in batches, concurrently on the compile threads.
  std::vector<WritRuleFn> functions;
  std::size_t batch = std::max<std::size_t>(2 * options.compile_threads, 1);
  for (std::size_t at = 0; at < tables.size(); at += batch) {
    if (cancelled()) return Error{"compilation cancelled"};
    std::vector<std::string> names(tables.begin() + static_cast<std::ptrdiff_t>(at),
                                   tables.begin() + static_cast<std::ptrdiff_t>(std::min(tables.size(), at + batch)));
    auto addresses = host.session->lookup_all(names);
    if (!addresses) return std::move(addresses).take_error();
    for (std::uintptr_t address : *addresses) {
      std::size_t count = std::min(per_module, representative.size() - functions.size());
      const auto* entries = reinterpret_cast<const WritRuleFn*>(address);
      functions.insert(functions.end(), entries, entries + count);
    }
  }
  compiled->function_count_ = functions.size();
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    compiled->rules_.push_back(functions[function_of[i]]);
    compiled->constants_.push_back(host.tables[i].empty() ? nullptr : host.tables[i].data());
  }
  return compiled;
}

namespace {

Result<bool> define_host_objects(const ir::Policy& policy, bool all_sets, CompiledPolicy::Host& host) {
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
    WRIT_TRY(defined, host.session->define_data(set_symbol(i), address));
    (void)defined;
  }
  return true;
}

}  // namespace

}  // namespace writ::codegen
