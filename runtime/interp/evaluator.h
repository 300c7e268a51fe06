// Evaluates checked expressions directly on the AST, as docs/semantics.md §4 says: every
// expression gives a value or an error, and errors propagate except where `&&`/`||` stop early.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "compiler/ast/ast.h"
#include "compiler/check/program.h"
#include "runtime/value/value.h"
#include "stdlib/result.h"
#include "stdlib/time_zone.h"

namespace writ::interp {

// Names in scope during one evaluation: roots (token, request, ...), `let`s and quantifier
// variables, innermost last.
class Env {
 public:
  void push(std::string_view name, Value value) { names_.emplace_back(name, std::move(value)); }
  void pop() { names_.pop_back(); }
  std::size_t size() const { return names_.size(); }
  void truncate(std::size_t n) { names_.erase(names_.begin() + static_cast<std::ptrdiff_t>(n), names_.end()); }
  const Value* find(std::string_view name) const {
    for (auto it = names_.rbegin(); it != names_.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }

 private:
  std::vector<std::pair<std::string_view, Value>> names_;
};

// Everything evaluation needs that is fixed for a policy set: constant values, compiled
// regular expressions and loaded time zones. Built once; then read-only and thread-safe.
class Evaluator {
 public:
  // Fails if a constant cannot be evaluated or a zone cannot be loaded.
  static Result<std::shared_ptr<const Evaluator>> create(const Program& program);

  Result<Value> eval(const ast::Expr& e, Env& env) const;
  // Every constant's value, evaluated once.
  const std::map<std::string, Value, std::less<>>& constants() const { return constants_; }

 private:
  explicit Evaluator(const Program& program) : program_(program) {}
  Result<Value> eval_name(const ast::Expr& e, Env& env) const;
  Result<Value> eval_field(const ast::Expr& e, Env& env) const;
  Result<Value> eval_binary(const ast::Expr& e, Env& env) const;
  Result<Value> eval_arithmetic(const ast::Expr& e, const Value& a, const Value& b) const;
  Result<Value> eval_call(const ast::Expr& e, Env& env) const;
  Result<Value> eval_builtin(const ast::Expr& e, const std::vector<Value>& args) const;
  Result<Value> eval_window(const ast::Expr& e, Env& env) const;
  Result<Value> eval_quantifier(const ast::Expr& e, Env& env) const;
  Result<Value> eval_has(const ast::Expr& e, Env& env) const;
  // Walks the program once to evaluate constants and compile patterns and zones.
  std::optional<std::string> prepare();
  std::optional<std::string> prepare_constant(const std::string& name, std::set<std::string>& in_progress);
  std::optional<std::string> prepare_expr(const ast::Expr& e);

  const Program& program_;
  std::map<std::string, Value, std::less<>> constants_;
  std::map<std::string, std::shared_ptr<const RE2>, std::less<>> regexes_;
  std::map<std::string, stdlib::TimeZone, std::less<>> zones_;
};

}  // namespace writ::interp
