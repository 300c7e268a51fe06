// The checked program: resolved schemas, issuers, constants and rules, with expression types.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/types/types.h"

namespace writ {

struct IssuerInfo {
  std::string name;
  std::string iss;           // the exact `iss` value; empty for a trust-domain issuer
  std::string trust_domain;  // `issuer NAME = spiffe "TD"`: tokens whose `sub` is a SPIFFE ID in TD
  std::string schema;
  Type token_type;
  std::vector<std::string> audiences;
  std::int64_t leeway_seconds = 0;
  std::vector<std::string> algorithms;
  std::vector<std::string> types;  // accepted `typ` header values; empty = any
  bool require_type = true;        // with `types`: a token without `typ` is refused
  const ast::IssuerDecl* decl = nullptr;
};

struct ConstInfo {
  std::string name;
  Type type;
  const ast::ConstDecl* decl = nullptr;
};

struct RuleInfo {
  std::string id;  // from @id, or "<file>:<line>" when it has none
  bool explicit_id = false;
  const ast::RuleDecl* decl = nullptr;
  std::vector<std::string> issuers;  // resolved issuer names; empty = any issuer
  Type token_type;                   // the type of `token` in this rule (Error for access rules)
};

// A `test` block: a request (as expressions) and what the decision must be.
struct TestInfo {
  std::string name;
  const ast::TestDecl* decl = nullptr;
  bool access = false;  // an access request (with `principal`) rather than an issuance one
};

// A policy set after checking. It owns the ASTs it points into.
struct Program {
  std::vector<ast::File> files;
  std::map<std::string, std::shared_ptr<const RecordType>> schemas;
  std::map<std::string, IssuerInfo> issuers;
  std::map<std::string, ConstInfo> constants;
  std::vector<RuleInfo> rules;
  std::vector<TestInfo> tests;
  // The type of every checked expression, indexed by the expression's `type_slot`: an index
  // into `distinct_types`, since a large policy has hundreds of thousands of expressions but few
  // types (4 bytes an expression rather than 24).
  std::vector<std::uint32_t> expr_types;
  std::vector<Type> distinct_types;

  Type type_of(const ast::Expr& e) const {
    return e.type_slot < expr_types.size() ? distinct_types[expr_types[e.type_slot]] : Type::error();
  }
  void set_type(const ast::Expr& e, Type t) {
    std::uint32_t type = intern_type(std::move(t));
    if (e.type_slot >= expr_types.size()) {
      e.type_slot = static_cast<std::uint32_t>(expr_types.size());
      expr_types.push_back(type);
    } else {
      expr_types[e.type_slot] = type;
    }
  }

 private:
  std::uint32_t intern_type(Type t) {
    auto [it, inserted] = type_index_.emplace(t.identity(), static_cast<std::uint32_t>(distinct_types.size()));
    if (inserted) distinct_types.push_back(std::move(t));
    return it->second;
  }
  std::map<Type::Identity, std::uint32_t> type_index_;
};

}  // namespace writ
