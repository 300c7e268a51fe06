// simdjson DOM -> cells. Every check of runtime/bind (strict JSON limits, duplicate keys, types,
// required claims, enums, integer ranges) and of the interpreter's token checks is repeated
// here; whatever fails or looks unusual returns null, and the slow path then decides exactly.
#include "runtime/engine/json_binder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

#include <simdjson.h>

#include "runtime/bind/json_reader.h"
#include "runtime/engine/native_policy.h"
#include "stdlib/saturating.h"

namespace writ {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

WritCell text_cell(std::string_view s) {
  return {reinterpret_cast<std::uint64_t>(s.data()), s.size()};
}
// Copies out of simdjson's results (a reference into a temporary result would dangle). Callers
// have checked the element's type.
simdjson::dom::object object_of(element e) {
  simdjson::dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return {};
  return o;
}
simdjson::dom::array array_of(element e) {
  simdjson::dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return {};
  return a;
}

std::string_view cell_text(const WritCell& c) {
  return {reinterpret_cast<const char*>(c.a), static_cast<std::size_t>(c.b)};
}

// Field presence while binding: unseen, present, or given as null (absent, but seen).
constexpr std::uint8_t kUnseen = 0, kPresent = 1, kNull = 2;

}  // namespace

struct JsonBinder::Impl {
  JsonLimits limits;
  simdjson::dom::parser parser{limits.max_bytes};
  std::vector<char> buffer;
  stdlib::Arena arena{8192};
  NativeIssueRequest request;
  const NativePolicy* policy = nullptr;
  std::vector<std::string_view> unknown_keys;  // a stack, shared by nested records

  const NativeIssueRequest* bind_issue(std::string_view text);

  // ----- Strictness of parts no schema describes ------------------------------------------

  // Duplicate keys among `keys` (small objects pairwise, larger ones sorted).
  static bool distinct(std::vector<std::string_view>& keys) {
    if (keys.size() <= 8) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        for (std::size_t j = i + 1; j < keys.size(); ++j) {
          if (keys[i] == keys[j]) return false;
        }
      }
      return true;
    }
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) == keys.end();
  }

  // A value no schema describes must still obey the reader's limits and have no duplicate keys.
  bool strict(element e, std::size_t depth) {
    switch (e.type()) {
      case element_type::OBJECT: {
        if (depth > limits.max_depth) return false;
        std::vector<std::string_view> keys;
        for (auto field : object_of(e)) {
          keys.push_back(field.key);
          if (!strict(field.value, depth + 1)) return false;
        }
        return distinct(keys);
      }
      case element_type::ARRAY: {
        if (depth > limits.max_depth) return false;
        simdjson::dom::array array = array_of(e);
        if (array.size() > limits.max_array_items) return false;
        for (element item : array) {
          if (!strict(item, depth + 1)) return false;
        }
        return true;
      }
      case element_type::STRING:
        return e.get_string().value_unsafe().size() <= limits.max_string_bytes;
      case element_type::DOUBLE:
        return std::isfinite(e.get_double().value_unsafe());
      default:
        return true;
    }
  }

  // ----- Binding by type --------------------------------------------------------------------

  bool bind(element e, const Type& type, WritCell& out, std::size_t depth) {
    switch (type.kind()) {
      case TypeKind::String:
      case TypeKind::Enum: {
        if (e.type() != element_type::STRING) return false;
        std::string_view s = e.get_string().value_unsafe();
        if (s.size() > limits.max_string_bytes) return false;
        if (type.is(TypeKind::Enum) &&
            std::find(type.enum_values().begin(), type.enum_values().end(), s) == type.enum_values().end()) {
          return false;
        }
        out = text_cell(s);
        return true;
      }
      case TypeKind::Int:
      case TypeKind::Duration:
        if (e.type() != element_type::INT64) return false;  // UINT64 is above the int64 range
        out = {static_cast<std::uint64_t>(e.get_int64().value_unsafe()), 0};
        return true;
      case TypeKind::Timestamp:
        if (e.type() == element_type::INT64) {
          out = {static_cast<std::uint64_t>(e.get_int64().value_unsafe()), 0};
          return true;
        }
        if (e.type() == element_type::DOUBLE) {
          double d = e.get_double().value_unsafe();
          if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18) return false;
          out = {static_cast<std::uint64_t>(static_cast<std::int64_t>(std::floor(d))), 0};
          return true;
        }
        return false;
      case TypeKind::Bool:
        if (e.type() != element_type::BOOL) return false;
        out = {e.get_bool().value_unsafe() ? 1u : 0u, 0};
        return true;
      case TypeKind::List:
        return bind_list(e, type, out, depth);
      case TypeKind::Record: {
        if (e.type() != element_type::OBJECT) return false;
        std::uint8_t* record = bind_record(e, type.record(), depth, nullptr);
        out = {reinterpret_cast<std::uint64_t>(record), 0};
        return record != nullptr;
      }
      default:
        return false;
    }
  }

  bool bind_list(element e, const Type& type, WritCell& out, std::size_t depth) {
    if (type.one_or_many() && e.type() == element_type::STRING) {
      auto* cell = static_cast<WritCell*>(arena.allocate_uninitialized(sizeof(WritCell)));
      if (!bind(e, type.element(), *cell, depth)) return false;
      out = {reinterpret_cast<std::uint64_t>(cell), 1};
      return true;
    }
    if (e.type() != element_type::ARRAY || depth > limits.max_depth) return false;
    simdjson::dom::array array = array_of(e);
    std::size_t n = array.size();
    if (n > limits.max_array_items) return false;
    auto* cells = static_cast<WritCell*>(arena.allocate_uninitialized(std::max<std::size_t>(n, 1) * sizeof(WritCell)));
    std::size_t i = 0;
    for (element item : array) {
      if (!bind(item, type.element(), cells[i++], depth + 1)) return false;
    }
    out = {reinterpret_cast<std::uint64_t>(cells), n};
    return true;
  }

  // Fills a field the request left out (not one given as null); false if it has no default.
  using Defaults = bool (*)(std::string_view field, WritCell& out);

  // A record block, or null. `e` may be null (an object with no keys) when `defaults` are given.
  std::uint8_t* bind_record(element e, const RecordType& type, std::size_t depth, Defaults defaults,
                            bool absent_object = false) {
    if (depth > limits.max_depth) return nullptr;
    std::size_t n = type.fields.size();
    std::uint8_t* record = native::record_in_block(arena.allocate(native::record_cells(n) * sizeof(WritCell)), n);
    const FieldTable* table = policy->field_table(type);
    if (table == nullptr) return nullptr;
    // Unknown keys of this record go on the shared stack above `mark`, removed on the way out.
    std::size_t mark = unknown_keys.size();
    struct Truncate {
      std::vector<std::string_view>& keys;
      std::size_t mark;
      ~Truncate() { keys.resize(mark); }
    } truncate{unknown_keys, mark};
    if (!absent_object) {
      for (auto field : object_of(e)) {
        std::int32_t i = table->find(field.key);
        if (i < 0) {
          unknown_keys.push_back(field.key);
          if (!strict(field.value, depth + 1)) return nullptr;
          continue;
        }
        auto index = static_cast<std::size_t>(i);
        std::uint8_t& presence = record[native::presence_offset(index)];
        if (presence != kUnseen) return nullptr;  // a duplicate key
        if (field.value.type() == element_type::NULL_VALUE) {
          presence = kNull;
          continue;
        }
        WritCell cell;
        if (!bind(field.value, type.fields[index].type, cell, depth + 1)) return nullptr;
        std::memcpy(record + native::field_offset(index), &cell, sizeof cell);
        presence = kPresent;
      }
      // Known keys were checked above; an unknown key can only repeat another unknown one.
      if (unknown_keys.size() > mark + 1) {
        std::vector<std::string_view> keys(unknown_keys.begin() + static_cast<std::ptrdiff_t>(mark),
                                           unknown_keys.end());
        if (!distinct(keys)) return nullptr;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::uint8_t& presence = record[native::presence_offset(i)];
      if (presence == kUnseen && defaults != nullptr) {
        WritCell cell;
        if (defaults(type.fields[i].name, cell)) {
          std::memcpy(record + native::field_offset(i), &cell, sizeof cell);
          presence = kPresent;
          continue;
        }
      }
      if (presence == kNull) presence = kUnseen;
      if (presence == kUnseen && !type.fields[i].optional) return nullptr;  // a required claim is missing
    }
    return record;
  }

  // ----- Reading bound records --------------------------------------------------------------

  const WritCell* field(const std::uint8_t* record, const RecordType& type, std::string_view name) const {
    std::int32_t i = policy->field_table(type)->find(name);
    if (i < 0 || record[native::presence_offset(static_cast<std::size_t>(i))] == kUnseen) return nullptr;
    return reinterpret_cast<const WritCell*>(record + native::field_offset(static_cast<std::size_t>(i)));
  }
};

namespace {

bool issue_request_defaults(std::string_view field, WritCell& out) {
  static const WritCell kEmptyList = {0, 0};
  if (field != "scopes") return false;
  out = kEmptyList;
  return true;
}

bool exchange_defaults(std::string_view field, WritCell& out) {
  static constexpr std::string_view kGrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
  static constexpr std::string_view kSubjectTokenType = "urn:ietf:params:oauth:token-type:jwt";
  if (field == "audience" || field == "resource" || field == "scope")
    out = {0, 0};
  else if (field == "grant_type")
    out = text_cell(kGrantType);
  else if (field == "subject_token_type")
    out = text_cell(kSubjectTokenType);
  else if (field == "actor_token")
    out = {0, 0};
  else
    return false;
  return true;
}

}  // namespace

const NativeIssueRequest* JsonBinder::Impl::bind_issue(std::string_view text) {
  if (text.size() > limits.max_bytes) return nullptr;
  buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer.data(), text.data(), text.size());
  element doc;
  if (parser.parse(buffer.data(), text.size(), false).get(doc) != simdjson::SUCCESS) return nullptr;
  if (doc.type() != element_type::OBJECT) return nullptr;
  arena.reset();

  // The request's own keys, each at most once.
  std::optional<element> kind, issuer_name, header, claims, request_part, exchange;
  std::vector<std::string_view> keys;
  for (auto field : object_of(doc)) {
    keys.push_back(field.key);
    std::string_view k = field.key;
    if (k == "kind")
      kind = field.value;
    else if (k == "issuer")
      issuer_name = field.value;
    else if (k == "header")
      header = field.value;
    else if (k == "claims")
      claims = field.value;
    else if (k == "request")
      request_part = field.value;
    else if (k == "exchange")
      exchange = field.value;
    else if (!strict(field.value, 2))
      return nullptr;
  }
  if (!distinct(keys) || !kind || !issuer_name || !header || !claims) return nullptr;
  std::string_view s;
  if (kind->get_string().get(s) != simdjson::SUCCESS || s != "issue") return nullptr;
  if (issuer_name->get_string().get(s) != simdjson::SUCCESS) return nullptr;
  const auto& issuers = policy->issuers();
  auto issuer_at = std::find_if(issuers.begin(), issuers.end(), [&](const IssuerInfo* i) { return i->name == s; });
  if (issuer_at == issuers.end()) return nullptr;
  const IssuerInfo& issuer = **issuer_at;

  // The parts, bound to their schemas.
  if (claims->type() != element_type::OBJECT || header->type() != element_type::OBJECT) return nullptr;
  const RecordType& token_type = issuer.token_type.record();
  const std::uint8_t* token = bind_record(*claims, token_type, 2, nullptr);
  if (token == nullptr) return nullptr;
  const RecordType& header_type = policy->header_schema();
  const std::uint8_t* jose = bind_record(*header, header_type, 2, nullptr);
  if (jose == nullptr) return nullptr;
  const RecordType& request_type = policy->request_schema();
  if (request_part && request_part->type() != element_type::OBJECT) return nullptr;
  const std::uint8_t* req =
      bind_record(request_part.value_or(element()), request_type, 2, issue_request_defaults, !request_part);
  if (req == nullptr) return nullptr;
  const RecordType& exchange_type = policy->exchange_schema();
  if (exchange && exchange->type() != element_type::OBJECT) return nullptr;
  const std::uint8_t* exch = bind_record(exchange.value_or(element()), exchange_type, 2, exchange_defaults, !exchange);
  if (exch == nullptr) return nullptr;

  // The token checks of docs/semantics.md §3.
  const WritCell* iss = field(token, token_type, "iss");
  if (iss == nullptr || cell_text(*iss) != issuer.iss) return nullptr;
  const WritCell* alg = field(jose, header_type, "alg");
  if (alg == nullptr ||
      std::find(issuer.algorithms.begin(), issuer.algorithms.end(), cell_text(*alg)) == issuer.algorithms.end()) {
    return nullptr;
  }
  if (!issuer.types.empty()) {
    const WritCell* typ = field(jose, header_type, "typ");
    if (typ == nullptr || std::find(issuer.types.begin(), issuer.types.end(), cell_text(*typ)) == issuer.types.end())
      return nullptr;
  }
  const WritCell* aud = field(token, token_type, "aud");
  if (aud == nullptr) return nullptr;
  const auto* audiences = reinterpret_cast<const WritCell*>(aud->a);
  bool audience_ok = false;
  for (std::uint64_t i = 0; i < aud->b && !audience_ok; ++i) {
    audience_ok =
        std::find(issuer.audiences.begin(), issuer.audiences.end(), cell_text(audiences[i])) != issuer.audiences.end();
  }
  if (!audience_ok) return nullptr;
  auto now = static_cast<std::int64_t>(field(req, request_type, "time")->a);
  // Saturating, as the interpreter's binder: exact near the ends of int64.
  std::int64_t leeway = issuer.leeway_seconds;
  const WritCell* exp = field(token, token_type, "exp");
  if (exp == nullptr || !(now < stdlib::saturating_add(static_cast<std::int64_t>(exp->a), leeway))) return nullptr;
  for (const char* name : {"nbf", "iat"}) {
    if (const WritCell* t = field(token, token_type, name)) {
      if (stdlib::saturating_add(static_cast<std::int64_t>(t->a), -leeway) > now) return nullptr;
    }
  }

  // The native view.
  NativeIssueRequest& r = request;
  r.roots[ir::kRootToken] = token;
  r.roots[ir::kRootRequest] = req;
  r.roots[ir::kRootHeader] = jose;
  r.roots[ir::kRootExchange] = exch;
  r.issuer = static_cast<std::size_t>(issuer_at - issuers.begin());
  r.role = cell_text(*field(req, request_type, "role"));
  policy->resolve_candidates(r, token);
  GrantRequest& g = r.requested;
  g.max_ttl = policy->max_ttl();
  const WritCell* ttl = field(req, request_type, "ttl");
  g.ttl = ttl ? std::optional<std::int64_t>(static_cast<std::int64_t>(ttl->a)) : std::nullopt;
  const WritCell* audience = field(req, request_type, "audience");
  g.audience = audience ? std::optional<std::string_view>(cell_text(*audience)) : std::nullopt;
  g.scopes.clear();
  const WritCell* scopes = field(req, request_type, "scopes");
  const auto* items = reinterpret_cast<const WritCell*>(scopes->a);
  for (std::uint64_t i = 0; i < scopes->b; ++i) g.scopes.push_back(cell_text(items[i]));
  return &r;
}

JsonBinder::JsonBinder() : impl_(std::make_unique<Impl>()) {}
JsonBinder::~JsonBinder() = default;

const NativeIssueRequest* JsonBinder::bind_issue(const NativePolicy& policy, std::string_view text) {
  impl_->policy = &policy;
  return impl_->bind_issue(text);
}

}  // namespace writ
