// IR rule -> LLVM function. Each step evaluates its expression; an error stores what went wrong
// in the scratch area and returns `errored` for that step, a false condition returns
// `not matched`, and a rule whose steps all hold computes its grant and returns `matched`.
#include "compiler/codegen/rule_emitter.h"

#include <cstddef>
#include <map>

#include <fmt/format.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include "compiler/codegen/abi.h"
#include "compiler/codegen/rule_shape.h"
#include "stdlib/glob.h"

namespace writ::codegen {

std::string regex_symbol(std::size_t index) {
  return fmt::format("writ_regex_{}", index);
}
std::string window_symbol(std::size_t index) {
  return fmt::format("writ_window_{}", index);
}
std::string set_symbol(std::size_t index) {
  return fmt::format("writ_set_{}", index);
}

namespace {

using ir::Node;
using ir::NodeId;
using ir::Op;
using ir::Rep;

// A value in registers: `a` alone for bool (i1), int (i64), record and window (ptr); `a` and
// `b` for strings (ptr, i64 length) and lists (ptr to cells, i64 count).
struct Value {
  llvm::Value* a = nullptr;
  llvm::Value* b = nullptr;
};

class Emitter {
 public:
  Emitter(llvm::Module& module, const ir::Policy& policy, const ir::Rule& rule, const RuleShape* shape)
      : ctx_(module.getContext()), module_(module), b_(ctx_), policy_(policy), rule_(rule), shape_(shape) {
    i1_ = b_.getInt1Ty();
    i8_ = b_.getInt8Ty();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    ptr_ = b_.getPtrTy();
  }

  llvm::Function* run(const std::string& name) {
    auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_, ptr_}, false);
    fn_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    roots_ = fn_->getArg(0);
    scratch_ = fn_->getArg(1);
    constants_ = fn_->getArg(2);
    entry_ = block("entry");
    b_.SetInsertPoint(entry_);
    locals_.assign(rule_.locals, Value{});
    for (const ir::Step& step : rule_.steps) {
      error_ = return_block("error", native::kErrored | (step.condition << 8));
      Value v = emit(step.expr);
      if (step.is_let) {
        locals_[step.local] = v;
        continue;
      }
      llvm::BasicBlock* holds = block("holds");
      b_.CreateCondBr(v.a, holds, return_block("false", native::kNotMatched | (step.condition << 8)));
      b_.SetInsertPoint(holds);
    }
    if (!rule_.forbid) emit_grant();
    b_.CreateRet(b_.getInt32(native::kMatched));
    return fn_;
  }

 private:
  // ----- Blocks, scratch and errors -----------------------------------------------------

  llvm::BasicBlock* block(const char* name) { return llvm::BasicBlock::Create(ctx_, name, fn_); }

  llvm::BasicBlock* return_block(const char* name, std::uint32_t outcome) {
    llvm::BasicBlock* bb = block(name);
    llvm::IRBuilder<> rb(bb);
    rb.CreateRet(rb.getInt32(outcome));
    return bb;
  }

  llvm::Value* scratch_field(std::size_t offset) { return b_.CreateConstInBoundsGEP1_64(i8_, scratch_, offset); }

  llvm::Value* entry_alloca(llvm::Type* type) {
    llvm::IRBuilder<> eb(entry_, entry_->begin());
    return eb.CreateAlloca(type);
  }

  // Continues where `failed` is false; where it is true, records the error and gives up.
  void fail_if(llvm::Value* failed, std::uint32_t kind, const Node& at,
               std::pair<llvm::Value*, llvm::Value*> ints = {nullptr, nullptr}) {
    llvm::BasicBlock* bad = block("fail");
    llvm::BasicBlock* ok = block("ok");
    b_.CreateCondBr(failed, bad, ok);
    b_.SetInsertPoint(bad);
    b_.CreateStore(b_.getInt32(kind), scratch_field(offsetof(WritScratch, error_kind)));
    b_.CreateStore(site_of(at), scratch_field(offsetof(WritScratch, error_site)));
    if (ints.first != nullptr) {
      b_.CreateStore(ints.first, scratch_field(offsetof(WritScratch, error_ints)));
      b_.CreateStore(ints.second, scratch_field(offsetof(WritScratch, error_ints) + 8));
    }
    b_.CreateBr(error_);
    b_.SetInsertPoint(ok);
  }

  // Gives up when a helper reported failure (it has stored its message already).
  void fail_if_helper_failed(llvm::Value* ok_flag) {
    llvm::BasicBlock* ok = block("ok");
    b_.CreateCondBr(b_.CreateICmpEQ(ok_flag, llvm::ConstantInt::get(ok_flag->getType(), 0)), error_, ok);
    b_.SetInsertPoint(ok);
  }

  llvm::FunctionCallee helper(const char* name, llvm::Type* result, std::initializer_list<llvm::Type*> params) {
    return module_.getOrInsertFunction(name, llvm::FunctionType::get(result, params, false));
  }

  llvm::Value* host_object(const std::string& symbol) { return module_.getOrInsertGlobal(symbol, i8_); }

  // ----- Constants: in the code itself, or in the rule's constant table (shared shapes) -----

  static NodeId id_of(const Node& n) { return n.id; }

  llvm::Value* slot_address(const Node& n, std::uint32_t offset = 0) {
    std::uint32_t slot = shape_->slots.at(id_of(n)) + offset;
    return b_.CreateConstInBoundsGEP1_64(i8_, constants_, std::uint64_t{slot} * sizeof(WritCell));
  }

  Value text_constant(const Node& n, const std::string& text, std::uint32_t offset = 0) {
    if (shape_ == nullptr) return const_string(text);
    return load_cell(slot_address(n, offset), Rep::Str);
  }

  llvm::Value* site_of(const Node& n) {
    if (shape_ == nullptr) return b_.getInt32(n.site);
    return b_.CreateTrunc(b_.CreateLoad(i64_, slot_address(n)), i32_);
  }

  llvm::Value* host_constant(const Node& n, const std::string& symbol) {
    if (shape_ == nullptr) return host_object(symbol);
    return b_.CreateLoad(ptr_, slot_address(n));
  }

  llvm::Value* truthy(llvm::Value* i32_flag) { return b_.CreateICmpNE(i32_flag, b_.getInt32(0)); }

  // ----- Cells ----------------------------------------------------------------------------

  Value load_cell(llvm::Value* address, Rep rep) {
    switch (rep) {
      case Rep::Bool:
        return {b_.CreateICmpNE(b_.CreateLoad(i64_, address), b_.getInt64(0)), nullptr};
      case Rep::Int:
        return {b_.CreateLoad(i64_, address), nullptr};
      case Rep::Record:
      case Rep::Window:
        return {b_.CreateLoad(ptr_, address), nullptr};
      case Rep::Str:
      case Rep::List:
        return {b_.CreateLoad(ptr_, address), b_.CreateLoad(i64_, b_.CreateConstInBoundsGEP1_64(i8_, address, 8))};
    }
    return {};
  }

  void store_cell(llvm::Value* address, Value v, Rep rep) {
    switch (rep) {
      case Rep::Bool:
        b_.CreateStore(b_.CreateZExt(v.a, i64_), address);
        break;
      case Rep::Int:
      case Rep::Record:
      case Rep::Window:
        b_.CreateStore(v.a, address);
        break;
      case Rep::Str:
      case Rep::List:
        b_.CreateStore(v.a, address);
        b_.CreateStore(v.b, b_.CreateConstInBoundsGEP1_64(i8_, address, 8));
        break;
    }
  }

  // A scalar as the two words of a cell, for helpers that compare cells.
  std::pair<llvm::Value*, llvm::Value*> cell_words(Value v, Rep rep) {
    if (rep == Rep::Bool) return {b_.CreateZExt(v.a, i64_), b_.getInt64(0)};
    if (rep == Rep::Str) return {b_.CreatePtrToInt(v.a, i64_), v.b};
    return {v.a, b_.getInt64(0)};
  }

  // ----- Strings --------------------------------------------------------------------------

  Value const_string(const std::string& text) {
    auto it = strings_.find(text);
    if (it == strings_.end()) it = strings_.emplace(text, b_.CreateGlobalString(text, "str", 0, &module_)).first;
    return {it->second, b_.getInt64(text.size())};
  }

  // memcmp(a, b, n) == 0 for n > 0 (a constant n lets LLVM expand it to loads).
  llvm::Value* bytes_equal(llvm::Value* a, llvm::Value* b, llvm::Value* n) {
    auto memcmp = helper("memcmp", i32_, {ptr_, ptr_, i64_});
    return b_.CreateICmpEQ(b_.CreateCall(memcmp, {a, b, n}), b_.getInt32(0));
  }

  // Equal lengths, then equal bytes (only compared when the lengths agree).
  llvm::Value* string_equal(Value x, Value y) {
    if (llvm::isa<llvm::ConstantInt>(x.b)) std::swap(x, y);  // a constant length on the right
    llvm::Value* same_length = b_.CreateICmpEQ(x.b, y.b);
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* compare = block("streq.bytes");
    llvm::BasicBlock* done = block("streq.done");
    b_.CreateCondBr(same_length, compare, done);
    b_.SetInsertPoint(compare);
    auto* c = llvm::dyn_cast<llvm::ConstantInt>(y.b);
    llvm::Value* equal = c != nullptr && c->isZero() ? b_.getTrue() : bytes_equal(x.a, y.a, y.b);
    llvm::BasicBlock* compared = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(i1_, 2);
    phi->addIncoming(b_.getFalse(), from);
    phi->addIncoming(equal, compared);
    return phi;
  }

  // `s` starts with `p`.
  llvm::Value* has_prefix(Value s, Value p) {
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(p.b); c != nullptr && c->isZero()) return b_.getTrue();
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* compare = block("prefix.bytes");
    llvm::BasicBlock* done = block("prefix.done");
    b_.CreateCondBr(b_.CreateICmpUGE(s.b, p.b), compare, done);
    b_.SetInsertPoint(compare);
    llvm::Value* equal = bytes_equal(s.a, p.a, p.b);
    llvm::BasicBlock* compared = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(i1_, 2);
    phi->addIncoming(b_.getFalse(), from);
    phi->addIncoming(equal, compared);
    return phi;
  }

  llvm::Value* call_flag(const char* name, std::initializer_list<llvm::Type*> params,
                         llvm::ArrayRef<llvm::Value*> args) {
    return truthy(b_.CreateCall(helper(name, i32_, params), args));
  }

  // A helper writing a string or list into an out cell.
  Value call_out_cell(const char* name, std::initializer_list<llvm::Type*> params, std::vector<llvm::Value*> args,
                      bool may_fail, const Node* at = nullptr) {
    llvm::Value* out = entry_alloca(llvm::ArrayType::get(i64_, 2));
    args.push_back(out);
    llvm::Value* r = b_.CreateCall(helper(name, may_fail ? i32_ : b_.getVoidTy(), params), args);
    if (may_fail) fail_if(b_.CreateICmpEQ(r, b_.getInt32(0)), native::kErrorSite, *at);
    return load_cell(out, Rep::Str);
  }

  // ----- Expressions ----------------------------------------------------------------------

  const Node& node(NodeId id) const { return policy_.node(id); }

  Value emit(NodeId id) {
    const Node& n = node(id);
    switch (n.op) {
      case Op::ConstBool:
        return {b_.getInt1(n.imm != 0)};
      case Op::ConstInt:
        if (shape_ != nullptr) return {b_.CreateLoad(i64_, slot_address(n))};
        return {b_.getInt64(static_cast<std::uint64_t>(n.imm))};
      case Op::ConstStr:
        return text_constant(n, policy_.text(n));
      case Op::Root:
        return {b_.CreateLoad(ptr_, b_.CreateConstInBoundsGEP1_64(ptr_, roots_, static_cast<std::uint64_t>(n.imm)))};
      case Op::Local:
        return locals_[static_cast<std::size_t>(n.imm)];
      case Op::ConstWindow:
        return {host_constant(n, window_symbol(static_cast<std::size_t>(n.imm)))};
      case Op::Field:
        return emit_field(n);
      case Op::Has: {
        llvm::Value* record = emit(n.kids[0]).a;
        return {is_present(record, static_cast<std::size_t>(n.imm))};
      }
      case Op::Index:
        return emit_index(n);
      case Op::ListLit:
        return emit_list(n);
      case Op::RecordLit:
        return emit_record(n);
      case Op::Not:
        return {b_.CreateNot(emit(n.kids[0]).a)};
      case Op::And:
      case Op::Or:
        return emit_logic(n);
      case Op::Cond:
        return emit_conditional(n);
      case Op::Eq:
      case Op::Ne: {
        Value x = emit(n.kids[0]);
        Value y = emit(n.kids[1]);
        Rep rep = node(n.kids[0]).rep;
        llvm::Value* eq = rep == Rep::Str    ? string_equal(x, y)
                          : rep == Rep::List ? list_equal(n, x, y)
                                             : b_.CreateICmpEQ(x.a, y.a);
        return {n.op == Op::Eq ? eq : b_.CreateNot(eq)};
      }
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge: {
        // Operands in source order: which one errs first decides the error reported.
        llvm::Value* x = emit(n.kids[0]).a;
        llvm::Value* y = emit(n.kids[1]).a;
        auto predicate = n.op == Op::Lt   ? llvm::CmpInst::ICMP_SLT
                         : n.op == Op::Le ? llvm::CmpInst::ICMP_SLE
                         : n.op == Op::Gt ? llvm::CmpInst::ICMP_SGT
                                          : llvm::CmpInst::ICMP_SGE;
        return {b_.CreateICmp(predicate, x, y)};
      }
      case Op::InList: {
        Value item = emit(n.kids[0]);
        return {emit_list_contains(emit(n.kids[1]), item, node(n.kids[0]).rep)};
      }
      case Op::ContainsList: {
        Value list = emit(n.kids[0]);
        return {emit_list_contains(list, emit(n.kids[1]), node(n.kids[1]).rep)};
      }
      case Op::InSet:
        return {emit_in_set(n)};
      case Op::InWindow: {
        Value t = emit(n.kids[0]);
        Value w = emit(n.kids[1]);
        return {call_flag("writ_window_contains", {ptr_, i64_}, {w.a, t.a})};
      }
      case Op::Like:
        return {emit_like(n)};
      case Op::Matches: {
        Value s = emit(n.kids[0]);
        llvm::Value* re = host_constant(n, regex_symbol(static_cast<std::size_t>(n.imm)));
        return {call_flag("writ_regex_match", {ptr_, ptr_, i64_}, {re, s.a, s.b})};
      }
      case Op::Under: {  // -1: a dot segment, -2: a computed prefix's empty segment; errors, as in the interpreter
        Value x = emit(n.kids[0]);
        Value y = emit(n.kids[1]);
        llvm::Value* r = b_.CreateCall(helper("writ_path_under", i32_, {ptr_, i64_, ptr_, i64_, i32_}),
                                       {x.a, x.b, y.a, y.b, b_.getInt32(n.imm != 0 ? 1 : 0)});
        fail_if(b_.CreateICmpEQ(r, b_.getInt32(-1)), native::kErrorSite, n);
        fail_if(b_.CreateICmpEQ(r, b_.getInt32(-2)), native::kErrorSecondSite, n);
        return {b_.CreateICmpEQ(r, b_.getInt32(1))};
      }
      case Op::StartsWith: {
        if (node(n.kids[1]).op == Op::ConstStr) {
          Value s = emit(n.kids[0]);
          return {has_prefix(s, emit(n.kids[1]))};
        }
        return {string_predicate("writ_starts_with", n)};
      }
      case Op::EndsWith:
        return {string_predicate("writ_ends_with", n)};
      case Op::ContainsStr:
        return {string_predicate("writ_contains_str", n)};
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
        return emit_checked_arithmetic(n);
      case Op::Div:
      case Op::Mod:
        return emit_division(n);
      case Op::Neg: {
        llvm::Value* x = emit(n.kids[0]).a;
        fail_if(b_.CreateICmpEQ(x, b_.getInt64(static_cast<std::uint64_t>(INT64_MIN))), native::kErrorSite, n);
        return {b_.CreateNeg(x)};
      }
      case Op::Concat: {
        Value x = emit(n.kids[0]);
        Value y = emit(n.kids[1]);
        return call_out_cell("writ_concat", {ptr_, ptr_, i64_, ptr_, i64_, ptr_}, {scratch_, x.a, x.b, y.a, y.b}, true,
                             &n);
      }
      case Op::Lower:
      case Op::Upper: {
        Value s = emit(n.kids[0]);
        return call_out_cell(n.op == Op::Lower ? "writ_lower" : "writ_upper", {ptr_, ptr_, i64_, ptr_},
                             {scratch_, s.a, s.b}, false);
      }
      case Op::Split: {
        Value s = emit(n.kids[0]);
        Value sep = emit(n.kids[1]);
        return call_out_cell("writ_split", {ptr_, ptr_, i64_, ptr_, i64_, ptr_}, {scratch_, s.a, s.b, sep.a, sep.b},
                             true, &n);
      }
      case Op::SizeStr: {
        Value s = emit(n.kids[0]);
        return {b_.CreateCall(helper("writ_size_str", i64_, {ptr_, i64_}), {s.a, s.b})};
      }
      case Op::SizeList:
        return {emit(n.kids[0]).b};
      case Op::ParseInt:
      case Op::ParseTimestamp: {
        Value s = emit(n.kids[0]);
        llvm::Value* out = entry_alloca(i64_);
        const char* name = n.op == Op::ParseInt ? "writ_parse_int" : "writ_parse_timestamp";
        fail_if_helper_failed(b_.CreateCall(helper(name, i32_, {ptr_, ptr_, i64_, ptr_}), {scratch_, s.a, s.b, out}));
        return {b_.CreateLoad(i64_, out)};
      }
      case Op::ToString:
        return emit_to_string(n);
      case Op::Min:
      case Op::Max: {
        llvm::Value* best = emit(n.kids[0]).a;
        for (std::size_t i = 1; i < n.kids.size(); ++i) {
          llvm::Value* v = emit(n.kids[i]).a;
          llvm::Value* better = n.op == Op::Min ? b_.CreateICmpSLT(v, best) : b_.CreateICmpSGT(v, best);
          best = b_.CreateSelect(better, v, best);
        }
        return {best};
      }
      case Op::Spiffe:
      case Op::GithubSub: {
        Value s = emit(n.kids[0]);
        const char* name = n.op == Op::Spiffe ? "writ_spiffe" : "writ_github_sub";
        llvm::Value* record = b_.CreateCall(helper(name, ptr_, {ptr_, ptr_, i64_}), {scratch_, s.a, s.b});
        fail_if_helper_failed(b_.CreateIsNotNull(record));
        return {record};
      }
      case Op::IsSpiffeId: {
        Value s = emit(n.kids[0]);
        return {call_flag("writ_is_spiffe_id", {ptr_, i64_}, {s.a, s.b})};
      }
      case Op::All:
      case Op::Any:
        return emit_quantifier(n);
    }
    return {};
  }

  llvm::Value* byte_address(llvm::Value* base, std::ptrdiff_t offset) {
    return b_.CreateInBoundsGEP(i8_, base, b_.getInt64(static_cast<std::uint64_t>(offset)));
  }

  llvm::Value* is_present(llvm::Value* record, std::size_t index) {
    llvm::Value* flag = b_.CreateLoad(i8_, byte_address(record, native::presence_offset(index)));
    return b_.CreateICmpNE(flag, b_.getInt8(0));
  }

  Value emit_field(const Node& n) {
    const Node& base = node(n.kids[0]);
    llvm::Value* record = emit(n.kids[0]).a;
    const RecordType& type = policy_.type_of(base).record();
    auto index = static_cast<std::size_t>(n.imm);
    // Binders and helpers always fill required fields; only an optional one can be absent.
    if (type.fields[index].optional) fail_if(b_.CreateNot(is_present(record, index)), native::kErrorSite, n);
    return load_cell(byte_address(record, native::field_offset(index)), n.rep);
  }

  Value emit_index(const Node& n) {
    Value list = emit(n.kids[0]);
    llvm::Value* i = emit(n.kids[1]).a;
    // One unsigned comparison rejects negative indices too.
    fail_if(b_.CreateICmpUGE(i, list.b), native::kErrorIndex, n, {i, list.b});
    llvm::Value* address = b_.CreateInBoundsGEP(i8_, list.a, b_.CreateMul(i, b_.getInt64(sizeof(WritCell))));
    return load_cell(address, n.rep);
  }

  // `bytes` of arena memory, aligned to 16, whose every byte the caller writes. Bumps the arena's
  // cursor inline; only a full chunk costs a call (writ_alloc grows the arena).
  llvm::Value* allocate(std::size_t bytes) {
    std::uint64_t n = (std::max<std::size_t>(bytes, 16) + 15) & ~std::uint64_t{15};
    llvm::Value* cursor = b_.CreateLoad(ptr_, scratch_field(offsetof(WritScratch, arena_cursor)));
    llvm::Value* end_field = byte_address(cursor, offsetof(stdlib::Arena::Cursor, end));
    llvm::Value* next = b_.CreateLoad(ptr_, cursor);
    llvm::Value* room = b_.CreatePtrDiff(i8_, b_.CreateLoad(ptr_, end_field), next);
    llvm::BasicBlock* bump = block("alloc.bump");
    llvm::BasicBlock* grow = block("alloc.grow");
    llvm::BasicBlock* done = block("alloc.done");
    // A chunk fills up once in a long while (and the arena keeps its largest chunk on reset).
    b_.CreateCondBr(b_.CreateICmpUGE(room, b_.getInt64(n)), bump, grow,
                    llvm::MDBuilder(ctx_).createBranchWeights(1 << 20, 1));
    b_.SetInsertPoint(bump);
    b_.CreateStore(b_.CreateConstInBoundsGEP1_64(i8_, next, n), cursor);
    b_.CreateBr(done);
    b_.SetInsertPoint(grow);
    llvm::Value* grown = b_.CreateCall(helper("writ_alloc", ptr_, {ptr_, i64_}), {scratch_, b_.getInt64(n)});
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* block_start = b_.CreatePHI(ptr_, 2);
    block_start->addIncoming(next, bump);
    block_start->addIncoming(grown, grow);
    return block_start;
  }

  Value emit_list(const Node& n) {
    std::vector<Value> items;
    for (NodeId k : n.kids) items.push_back(emit(k));
    llvm::Value* cells = allocate(n.kids.size() * sizeof(WritCell));
    for (std::size_t i = 0; i < items.size(); ++i) {
      store_cell(b_.CreateConstInBoundsGEP1_64(i8_, cells, i * sizeof(WritCell)), items[i], node(n.kids[i]).rep);
    }
    return {cells, b_.getInt64(n.kids.size())};
  }

  Value emit_record(const Node& n) {
    std::vector<Value> values;
    for (NodeId k : n.kids) values.push_back(emit(k));
    std::size_t count = n.kids.size();
    llvm::Value* block = allocate(native::record_cells(count) * sizeof(WritCell));
    std::size_t presence_bytes = native::presence_cells(count) * sizeof(WritCell);
    llvm::Value* record = byte_address(block, static_cast<std::ptrdiff_t>(presence_bytes));
    // Every field of a record literal is present: the presence cells are a constant (the block
    // is not zeroed first), written 16 bytes at a time.
    std::vector<std::uint8_t> presence(presence_bytes, 0);
    for (std::size_t i = 0; i < count; ++i) presence[presence_bytes - 1 - i] = 1;
    for (std::size_t at = 0; at < presence_bytes; at += sizeof(WritCell)) {
      auto* cell = llvm::ConstantDataVector::get(ctx_, llvm::ArrayRef<std::uint8_t>(presence.data() + at, 16));
      b_.CreateAlignedStore(cell, byte_address(block, static_cast<std::ptrdiff_t>(at)), llvm::Align(16));
    }
    for (std::size_t i = 0; i < count; ++i) {
      store_cell(byte_address(record, native::field_offset(i)), values[i], node(n.kids[i]).rep);
    }
    return {record};
  }

  Value emit_logic(const Node& n) {
    bool is_and = n.op == Op::And;
    llvm::Value* first = emit(n.kids[0]).a;
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* second = block(is_and ? "and.rhs" : "or.rhs");
    llvm::BasicBlock* done = block(is_and ? "and.done" : "or.done");
    if (is_and)
      b_.CreateCondBr(first, second, done);
    else
      b_.CreateCondBr(first, done, second);
    b_.SetInsertPoint(second);
    llvm::Value* value = emit(n.kids[1]).a;
    llvm::BasicBlock* second_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(i1_, 2);
    phi->addIncoming(b_.getInt1(!is_and), from);
    phi->addIncoming(value, second_end);
    return {phi};
  }

  // Only the branch taken runs (an error in the other is never seen); its value, in both words.
  Value emit_conditional(const Node& n) {
    llvm::Value* condition = emit(n.kids[0]).a;
    llvm::BasicBlock* then_block = block("if.then");
    llvm::BasicBlock* else_block = block("if.else");
    llvm::BasicBlock* done = block("if.done");
    b_.CreateCondBr(condition, then_block, else_block);
    b_.SetInsertPoint(then_block);
    Value a = emit(n.kids[1]);
    llvm::BasicBlock* then_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(else_block);
    Value b = emit(n.kids[2]);
    llvm::BasicBlock* else_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    auto merge = [&](llvm::Value* x, llvm::Value* y) -> llvm::Value* {
      if (x == nullptr || y == nullptr) return nullptr;
      llvm::PHINode* phi = b_.CreatePHI(x->getType(), 2);
      phi->addIncoming(x, then_end);
      phi->addIncoming(y, else_end);
      return phi;
    };
    return {merge(a.a, b.a), merge(a.b, b.b)};
  }

  // Lists of scalars (lowering refuses others), item by item: strings by their bytes.
  llvm::Value* list_equal(const Node& n, Value x, Value y) {
    auto items_are_text = [&](NodeId id) {
      const Type& t = policy_.type_of(node(id));
      return t.is(TypeKind::List) && t.element().is_stringy();
    };
    bool text = items_are_text(n.kids[0]) || items_are_text(n.kids[1]);
    return call_flag("writ_list_equal", {ptr_, i64_, ptr_, i64_, i32_},
                     {x.a, x.b, y.a, y.b, b_.getInt32(text ? 1 : 0)});
  }

  llvm::Value* emit_list_contains(Value list, Value item, Rep rep) {
    auto [a, b] = cell_words(item, rep);
    return call_flag("writ_list_contains", {ptr_, i64_, i32_, i64_, i64_},
                     {list.a, list.b, b_.getInt32(rep == Rep::Str ? 1 : 0), a, b});
  }

  llvm::Value* emit_in_set(const Node& n) {
    const ir::ConstSet& set = policy_.sets[static_cast<std::size_t>(n.imm)];
    Value item = emit(n.kids[0]);
    std::size_t size = set.ints ? set.numbers.size() : set.strings.size();
    // With a shared shape the members differ between rules: the helper searches the rule's set.
    if (size > kInlineSetLimit || shape_ != nullptr) {
      llvm::Value* host = host_constant(n, set_symbol(static_cast<std::size_t>(n.imm)));
      if (set.ints) return call_flag("writ_int_set_contains", {ptr_, i64_}, {host, item.a});
      return call_flag("writ_string_set_contains", {ptr_, ptr_, i64_}, {host, item.a, item.b});
    }
    if (set.ints) {
      llvm::Value* found = b_.getFalse();
      for (std::int64_t v : set.numbers)
        found = b_.CreateOr(found, b_.CreateICmpEQ(item.a, b_.getInt64(static_cast<std::uint64_t>(v))));
      return found;
    }
    // A chain: each member is tried only when the lengths agree.
    llvm::BasicBlock* done = block("set.done");
    std::vector<std::pair<llvm::Value*, llvm::BasicBlock*>> incoming;
    for (const std::string& member : set.strings) {
      llvm::Value* eq = string_equal(item, const_string(member));
      llvm::BasicBlock* next = block("set.next");
      incoming.emplace_back(b_.getTrue(), b_.GetInsertBlock());
      b_.CreateCondBr(eq, done, next);
      b_.SetInsertPoint(next);
    }
    incoming.emplace_back(b_.getFalse(), b_.GetInsertBlock());
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(i1_, static_cast<unsigned>(incoming.size()));
    for (auto& [v, bb] : incoming) phi->addIncoming(v, bb);
    return phi;
  }

  // Globs of literals and `*` become straight-line code: a length test, the first piece as a
  // prefix, the last as a suffix, and a leftmost search for each piece between. Globs with `?`
  // call the matcher.
  llvm::Value* emit_like(const Node& n) {
    Value s = emit(n.kids[0]);
    std::vector<std::string> pieces = like_pieces(policy_.text(n));
    if (pieces.empty()) {
      Value p = text_constant(n, policy_.text(n));
      return call_flag("writ_glob_match", {ptr_, i64_, ptr_, i64_}, {p.a, p.b, s.a, s.b});
    }
    std::vector<Value> piece_values;
    for (std::size_t i = 0; i < pieces.size(); ++i)
      piece_values.push_back(text_constant(n, pieces[i], static_cast<std::uint32_t>(i)));
    if (pieces.size() == 1) return string_equal(s, piece_values[0]);
    Value first = piece_values.front(), last = piece_values.back();
    llvm::Value* total = b_.getInt64(0);
    for (const Value& p : piece_values) total = b_.CreateAdd(total, p.b);
    llvm::BasicBlock* no = block("like.no");
    llvm::BasicBlock* done = block("like.done");
    auto require = [&](llvm::Value* holds) {
      llvm::BasicBlock* next = block("like.next");
      b_.CreateCondBr(holds, next, no);
      b_.SetInsertPoint(next);
    };
    auto is_empty = [](const Value& v) {
      auto* c = llvm::dyn_cast<llvm::ConstantInt>(v.b);
      return c != nullptr && c->isZero();
    };
    require(b_.CreateICmpUGE(s.b, total));
    if (!is_empty(first)) require(bytes_equal(s.a, first.a, first.b));
    llvm::Value* end = b_.CreateSub(s.b, last.b);
    if (!is_empty(last)) require(bytes_equal(b_.CreateInBoundsGEP(i8_, s.a, end), last.a, last.b));
    llvm::Value* position = first.b;
    auto find = helper("writ_find", i64_, {ptr_, i64_, ptr_, i64_});
    for (std::size_t i = 1; i + 1 < piece_values.size(); ++i) {
      const Value& p = piece_values[i];
      if (is_empty(p)) continue;
      llvm::Value* at =
          b_.CreateCall(find, {b_.CreateInBoundsGEP(i8_, s.a, position), b_.CreateSub(end, position), p.a, p.b});
      require(b_.CreateICmpSGE(at, b_.getInt64(0)));
      position = b_.CreateAdd(position, b_.CreateAdd(at, p.b));
    }
    llvm::BasicBlock* yes = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(no);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(i1_, 2);
    phi->addIncoming(b_.getTrue(), yes);
    phi->addIncoming(b_.getFalse(), no);
    return phi;
  }

  llvm::Value* string_predicate(const char* helper_name, const Node& n) {
    Value x = emit(n.kids[0]);
    Value y = emit(n.kids[1]);
    return call_flag(helper_name, {ptr_, i64_, ptr_, i64_}, {x.a, x.b, y.a, y.b});
  }

  Value emit_checked_arithmetic(const Node& n) {
    llvm::Value* x = emit(n.kids[0]).a;
    llvm::Value* y = emit(n.kids[1]).a;
    llvm::Intrinsic::ID id = n.op == Op::Add   ? llvm::Intrinsic::sadd_with_overflow
                             : n.op == Op::Sub ? llvm::Intrinsic::ssub_with_overflow
                                               : llvm::Intrinsic::smul_with_overflow;
    llvm::Value* pair = b_.CreateBinaryIntrinsic(id, x, y);
    fail_if(b_.CreateExtractValue(pair, 1), native::kErrorSite, n);
    return {b_.CreateExtractValue(pair, 0)};
  }

  Value emit_division(const Node& n) {
    llvm::Value* x = emit(n.kids[0]).a;
    llvm::Value* y = emit(n.kids[1]).a;
    fail_if(b_.CreateICmpEQ(y, b_.getInt64(0)), native::kErrorDivideByZero, n);
    llvm::Value* overflow = b_.CreateAnd(b_.CreateICmpEQ(x, b_.getInt64(static_cast<std::uint64_t>(INT64_MIN))),
                                         b_.CreateICmpEQ(y, b_.getInt64(static_cast<std::uint64_t>(-1))));
    fail_if(overflow, native::kErrorSite, n);
    return {n.op == Op::Div ? b_.CreateSDiv(x, y) : b_.CreateSRem(x, y)};
  }

  Value emit_to_string(const Node& n) {
    Value v = emit(n.kids[0]);
    auto kind = static_cast<ir::ToStringKind>(n.imm);
    if (kind == ir::ToStringKind::Str) return v;
    llvm::Value* word = kind == ir::ToStringKind::Bool ? b_.CreateZExt(v.a, i64_) : v.a;
    return call_out_cell("writ_to_string", {ptr_, i32_, i64_, ptr_},
                         {scratch_, b_.getInt32(static_cast<std::uint32_t>(kind)), word}, false);
  }

  // all/any: items in order; the first deciding item (or error) ends the loop.
  Value emit_quantifier(const Node& n) {
    bool is_all = n.op == Op::All;
    Value list = emit(n.kids[0]);
    Rep item_rep = ir::Rep::Bool;
    const Type& list_type = policy_.type_of(node(n.kids[0]));
    switch (list_type.element().kind()) {
      case TypeKind::String:
      case TypeKind::Enum:
        item_rep = Rep::Str;
        break;
      case TypeKind::Int:
      case TypeKind::Duration:
      case TypeKind::Timestamp:
        item_rep = Rep::Int;
        break;
      case TypeKind::List:
        item_rep = Rep::List;
        break;
      case TypeKind::Record:
        item_rep = Rep::Record;
        break;
      default:
        item_rep = Rep::Bool;
        break;
    }
    llvm::BasicBlock* before = b_.GetInsertBlock();
    llvm::BasicBlock* header = block("q.header");
    llvm::BasicBlock* body = block("q.body");
    llvm::BasicBlock* latch = block("q.latch");
    llvm::BasicBlock* done = block("q.done");
    b_.CreateBr(header);
    b_.SetInsertPoint(header);
    llvm::PHINode* i = b_.CreatePHI(i64_, 2);
    i->addIncoming(b_.getInt64(0), before);
    b_.CreateCondBr(b_.CreateICmpULT(i, list.b), body, done);
    b_.SetInsertPoint(body);
    llvm::Value* address = b_.CreateInBoundsGEP(i8_, list.a, b_.CreateMul(i, b_.getInt64(sizeof(WritCell))));
    locals_[static_cast<std::size_t>(n.imm)] = load_cell(address, item_rep);
    llvm::Value* p = emit(n.kids[1]).a;
    llvm::BasicBlock* decided_from = b_.GetInsertBlock();
    // all: a false item decides; any: a true one.
    if (is_all)
      b_.CreateCondBr(p, latch, done);
    else
      b_.CreateCondBr(p, done, latch);
    b_.SetInsertPoint(latch);
    llvm::Value* next = b_.CreateAdd(i, b_.getInt64(1));
    i->addIncoming(next, latch);
    b_.CreateBr(header);
    b_.SetInsertPoint(done);
    llvm::PHINode* result = b_.CreatePHI(i1_, 2);
    result->addIncoming(b_.getInt1(is_all), header);
    result->addIncoming(b_.getInt1(!is_all), decided_from);
    return {result};
  }

  // ----- Grant ----------------------------------------------------------------------------

  // The host knows which outputs a rule's grant sets (from the IR): only the values are written.
  void emit_grant() {
    for (std::size_t j = 0; j < rule_.grant.size(); ++j) {
      const ir::GrantOutput& g = rule_.grant[j];
      error_ =
          return_block("grant.error", native::kErrored | ((native::kGrantStep + static_cast<std::uint32_t>(j)) << 8));
      Value v = emit(g.expr);
      switch (g.key) {
        case ir::GrantKey::Ttl:
          b_.CreateStore(v.a, scratch_field(offsetof(WritScratch, grant_ttl)));
          break;
        case ir::GrantKey::Audience:
          store_cell(scratch_field(offsetof(WritScratch, grant_audience)), v, Rep::Str);
          break;
        case ir::GrantKey::Scopes:
          store_cell(scratch_field(offsetof(WritScratch, grant_scopes)), v, Rep::List);
          break;
        case ir::GrantKey::Tags:
          store_cell(scratch_field(offsetof(WritScratch, grant_tags)), v, Rep::Record);
          break;
      }
    }
  }

  llvm::LLVMContext& ctx_;
  llvm::Module& module_;
  llvm::IRBuilder<> b_;
  const ir::Policy& policy_;
  const ir::Rule& rule_;
  const RuleShape* shape_;  // null: constants are compiled into the code
  llvm::Type *i1_, *i8_, *i32_, *i64_, *ptr_;
  llvm::Function* fn_ = nullptr;
  llvm::Value* roots_ = nullptr;
  llvm::Value* scratch_ = nullptr;
  llvm::Value* constants_ = nullptr;  // the rule's constant table, with a shared shape
  llvm::BasicBlock* entry_ = nullptr;
  llvm::BasicBlock* error_ = nullptr;  // where an error in the current step goes
  std::vector<Value> locals_;
  std::map<std::string, llvm::Value*> strings_;
};

}  // namespace

llvm::Function* emit_rule(llvm::Module& module, const ir::Policy& policy, const ir::Rule& rule, const std::string& name,
                          const RuleShape* shape) {
  return Emitter(module, policy, rule, shape).run(name);
}

}  // namespace writ::codegen
