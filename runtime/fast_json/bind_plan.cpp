// Builds the fast binder's plan from a policy's schemas.
#include "runtime/fast_json/bind_plan.h"

#include "runtime/interp/request_binder.h"

#include <algorithm>
#include <string_view>

namespace writ::engine {
namespace {

using native::text_cell;

// The interpreter's binder fills these when a request leaves them out (runtime/bind).
std::vector<FieldDefault> defaults_of(const RecordPlan& plan,
                                      std::initializer_list<std::pair<std::string_view, WritCell>> values) {
  std::vector<FieldDefault> out;
  for (const auto& [name, cell] : values) {
    std::int32_t i = plan.table.find(name);
    if (i >= 0) out.push_back({static_cast<std::size_t>(i), cell});
  }
  return out;
}

}  // namespace

BindPlan::BindPlan(const std::vector<const IssuerInfo*>& issuers, const RecordType& header, const RecordType& request,
                   const RecordType& exchange, const RecordType& access) {
  for (const IssuerInfo* issuer : issuers) {
    const RecordPlan* token = plan_record(issuer->token_type.record());
    tokens_.push_back(token);
    token_fields_.push_back(registered_fields(*token));
  }
  if (!tokens_.empty() && std::all_of(tokens_.begin(), tokens_.end(), [&](auto* t) { return t == tokens_[0]; }))
    common_token_ = tokens_[0];
  header_ = plan_record(header);
  header_fields_ = {header_->table.find("alg"), header_->table.find("typ"), header_->table.find("crit")};
  RecordPlan* issue_request = plan_record(request);
  accept_rfc3339_time(*issue_request);
  request_ = issue_request;
  const FieldTable& asked = request_->table;
  request_fields_ = {asked.find("role"), asked.find("time"), asked.find("ttl"), asked.find("audience"),
                     asked.find("scopes")};
  request_defaults_ = defaults_of(*request_, {{"scopes", WritCell{0, 0}}});
  exchange_ = plan_record(exchange);
  exchange_scope_ = exchange_->table.find("scope");
  exchange_defaults_ = defaults_of(*exchange_, {{"audience", WritCell{0, 0}},
                                                {"resource", WritCell{0, 0}},
                                                {"scope", WritCell{0, 0}},
                                                {"grant_type", text_cell(interp::kDefaultGrantType)},
                                                {"subject_token_type", text_cell(interp::kDefaultSubjectTokenType)},
                                                {"actor_token", WritCell{0, 0}}});
  RecordPlan* access_request = plan_record(access);
  accept_rfc3339_time(*access_request);
  access_ = access_request;
  access_fields_ = {access_->table.find("principal"), access_->table.find("action"), access_->table.find("resource"),
                    access_->table.find("time")};
}

// The token checks read these cells with their JWT types. A claim bound with another type (which
// the checker refuses, E2009, but a damaged bundle could carry) makes every token of the issuer
// fail the checks (`valid = false`) rather than be read as the wrong type.
TokenFields BindPlan::registered_fields(const RecordPlan& token) {
  const FieldTable& claim = token.table;
  TokenFields f{claim.find("iss"),
                claim.find("aud"),
                claim.find("exp"),
                claim.find("nbf"),
                claim.find("iat"),
                claim.find("sub"),
                true};
  auto kind_is = [&](std::int32_t i, TypeKind kind) {
    return i < 0 || token.fields[static_cast<std::size_t>(i)]->kind == kind;
  };
  f.valid = kind_is(f.iss, TypeKind::String) && kind_is(f.sub, TypeKind::String) &&
            kind_is(f.exp, TypeKind::Timestamp) && kind_is(f.nbf, TypeKind::Timestamp) &&
            kind_is(f.iat, TypeKind::Timestamp) && kind_is(f.aud, TypeKind::List) &&
            (f.aud < 0 || token.fields[static_cast<std::size_t>(f.aud)]->element->kind == TypeKind::String);
  return f;
}

// `request.time` may be an RFC 3339 string, as the interpreter's binder accepts it.
void BindPlan::accept_rfc3339_time(RecordPlan& request) {
  std::int32_t time = request.table.find("time");
  if (time < 0) return;
  ValuePlan plan = *request.fields[static_cast<std::size_t>(time)];
  if (plan.kind != TypeKind::Timestamp) return;
  plan.rfc3339 = true;
  request.fields[static_cast<std::size_t>(time)] = &values_.emplace_back(plan);
}

RecordPlan* BindPlan::plan_record(const RecordType& type) {
  if (auto it = by_type_.find(&type); it != by_type_.end()) return it->second;
  RecordPlan& plan = records_.emplace_back(type);
  by_type_.emplace(&type, &plan);  // before the fields: a field may refer back to this type
  for (const FieldInfo& f : type.fields) plan.fields.push_back(plan_value(f.type));
  // Field i's presence byte is at -1 - i from the record, so at this offset in the block.
  std::size_t presence_bytes = native::presence_cells(type.fields.size()) * sizeof(WritCell);
  plan.required.assign(presence_bytes / 8, 0);
  for (std::size_t i = 0; i < type.fields.size(); ++i) {
    if (type.fields[i].optional) continue;
    std::size_t at = presence_bytes - 1 - i;
    plan.required[at / 8] |= std::uint64_t{1} << (8 * (at % 8));
  }
  return &plan;
}

const ValuePlan* BindPlan::plan_value(const Type& type) {
  ValuePlan plan;
  plan.kind = type.kind();
  if (type.is(TypeKind::Enum)) plan.enum_values = &enums_.emplace_back(type.enum_values());
  if (type.is(TypeKind::List)) {
    plan.one_or_many = type.one_or_many();
    plan.element = plan_value(type.element());
  }
  if (type.is(TypeKind::Record)) plan.record = plan_record(type.record());
  return &values_.emplace_back(plan);
}

}  // namespace writ::engine
