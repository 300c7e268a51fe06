// What the fast JSON binder needs to know of a policy's request schemas, resolved once per
// policy: for every record type a request binds, a field table and how each field's value is
// read; and where the token checks and the grant request find the fields they read.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/check/program.h"
#include "compiler/codegen/abi.h"
#include "runtime/fast_json/field_table.h"

namespace writ::engine {

struct RecordPlan;

// How one value is read: its type's kind and what the kind refers to.
struct ValuePlan {
  TypeKind kind = TypeKind::Error;
  bool one_or_many = false;                 // a list that may be given as one item
  bool rfc3339 = false;                     // a timestamp that may be given as an RFC 3339 string
  const FieldTable* enum_values = nullptr;  // Enum: the values allowed
  const ValuePlan* element = nullptr;       // List
  const RecordPlan* record = nullptr;       // Record
};

struct RecordPlan {
  explicit RecordPlan(const RecordType& t) : table(t) {}
  FieldTable table;
  std::vector<const ValuePlan*> fields;  // in the type's field order
  // The record's presence bytes as words (native::presence_cells), with a 1 byte at each
  // required field: a bound record is complete when every one of these bytes is 1.
  std::vector<std::uint64_t> required;
  std::size_t size() const { return fields.size(); }
};

// What a request part gets for a field it leaves out (not one given as null).
struct FieldDefault {
  std::size_t field;
  WritCell cell;
};

// Field indices in a record, or -1 where its schema has no such field.
struct TokenFields {
  std::int32_t iss = -1, aud = -1, exp = -1, nbf = -1, iat = -1, sub = -1;
  bool valid = true;  // every one bound with its JWT type (see BindPlan::registered_fields)
};
struct HeaderFields {
  std::int32_t alg = -1, typ = -1, crit = -1;
};
struct RequestFields {
  std::int32_t role = -1, time = -1, ttl = -1, audience = -1, scopes = -1;
};
struct AccessFields {
  std::int32_t principal = -1, action = -1, resource = -1, time = -1;
};

class BindPlan {
 public:
  BindPlan(const std::vector<const IssuerInfo*>& issuers, const RecordType& header, const RecordType& request,
           const RecordType& exchange, const RecordType& access);
  BindPlan(const BindPlan&) = delete;
  BindPlan& operator=(const BindPlan&) = delete;

  const RecordPlan& token(std::size_t issuer) const { return *tokens_[issuer]; }
  const TokenFields& token_fields(std::size_t issuer) const { return token_fields_[issuer]; }
  // The token type of every issuer when they all share one: claims can then be bound before
  // the request names its issuer.
  const RecordPlan* common_token() const { return common_token_; }
  const RecordPlan& header() const { return *header_; }
  const HeaderFields& header_fields() const { return header_fields_; }
  const RecordPlan& request() const { return *request_; }
  const RequestFields& request_fields() const { return request_fields_; }
  const std::vector<FieldDefault>& request_defaults() const { return request_defaults_; }
  const RecordPlan& exchange() const { return *exchange_; }
  const std::vector<FieldDefault>& exchange_defaults() const { return exchange_defaults_; }
  std::int32_t exchange_scope() const { return exchange_scope_; }  // `exchange.scope`, or -1
  // An access request's `request` record (docs/semantics.md §5.2); its `principal` comes from
  // the request's principal.
  const RecordPlan& access() const { return *access_; }
  const AccessFields& access_fields() const { return access_fields_; }

 private:
  RecordPlan* plan_record(const RecordType& type);
  static TokenFields registered_fields(const RecordPlan& token);
  const ValuePlan* plan_value(const Type& type);
  void accept_rfc3339_time(RecordPlan& request);

  std::deque<RecordPlan> records_;  // deques: plans point at each other
  std::deque<ValuePlan> values_;
  std::deque<FieldTable> enums_;
  std::unordered_map<const RecordType*, RecordPlan*> by_type_;
  std::vector<const RecordPlan*> tokens_;
  std::vector<TokenFields> token_fields_;
  const RecordPlan* common_token_ = nullptr;
  const RecordPlan* header_ = nullptr;
  const RecordPlan* request_ = nullptr;
  const RecordPlan* exchange_ = nullptr;
  const RecordPlan* access_ = nullptr;
  AccessFields access_fields_;
  HeaderFields header_fields_;
  RequestFields request_fields_;
  std::vector<FieldDefault> request_defaults_, exchange_defaults_;
  std::int32_t exchange_scope_ = -1;
};

}  // namespace writ::engine
