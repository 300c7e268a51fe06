// simdjson On-Demand -> cells, in one pass over the document (no DOM is built). Every check of
// runtime/bind (strict JSON limits, duplicate keys, types, required claims, enums, integer
// ranges) and of the interpreter's token checks is repeated here; whatever fails or looks unusual
// returns null, and the slow path then decides exactly. Every value is read (values no schema
// describes are walked in full), so the whole document is validated, as the strict reader does.
#include "runtime/engine/json_binder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include <simdjson.h>

#include "runtime/bind/json_reader.h"
#include "runtime/engine/bind_plan.h"
#include "runtime/engine/native_policy.h"
#include "stdlib/saturating.h"

namespace writ {
namespace {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

WritCell text_cell(std::string_view s) {
  return {reinterpret_cast<std::uint64_t>(s.data()), s.size()};
}

std::string_view cell_text(const WritCell& c) {
  return {reinterpret_cast<const char*>(c.a), static_cast<std::size_t>(c.b)};
}

// Field presence while binding: unseen, present, or given as null (absent, but seen).
constexpr std::uint8_t kUnseen = 0, kPresent = 1, kNull = 2;

// The request object's own members.
enum RootPart : unsigned { kKind, kIssuer, kHeader, kClaims, kRequest, kExchange, kUnknownPart };

RootPart root_part(std::string_view key) {
  static constexpr std::string_view kNames[] = {"kind", "issuer", "header", "claims", "request", "exchange"};
  for (unsigned i = 0; i < kUnknownPart; ++i) {
    if (key == kNames[i]) return static_cast<RootPart>(i);
  }
  return kUnknownPart;
}

// Duplicates among `keys` (small sets pairwise, larger ones sorted in a copy).
bool distinct(const std::string_view* begin, const std::string_view* end) {
  auto n = static_cast<std::size_t>(end - begin);
  if (n <= 8) {
    for (const auto* i = begin; i != end; ++i) {
      for (const auto* j = i + 1; j != end; ++j) {
        if (*i == *j) return false;
      }
    }
    return true;
  }
  std::vector<std::string_view> sorted(begin, end);
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

// The first '"' or '\' from `p`, eight bytes at a time. Reading past the string is safe: it lies
// in the request buffer, which ends with simdjson's padding.
const char* quote_or_backslash(const char* p) {
  static_assert(std::endian::native == std::endian::little, "the first match is the lowest byte");
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  for (;; p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    std::uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
    // A byte's high bit is set where it was zero; borrows only mark bytes after the first.
    std::uint64_t found = (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash)) & kHigh;
    if (found != 0) return p + (std::countr_zero(found) >> 3);
  }
}

const WritCell* field(const std::uint8_t* record, std::int32_t index) {
  if (index < 0 || record[native::presence_offset(static_cast<std::size_t>(index))] == kUnseen) return nullptr;
  return reinterpret_cast<const WritCell*>(record + native::field_offset(static_cast<std::size_t>(index)));
}

}  // namespace

struct JsonBinder::Impl {
  JsonLimits limits;
  od::parser parser{limits.max_bytes};
  std::vector<char> buffer;             // the request, padded as simdjson requires
  std::vector<std::uint8_t> unescaped;  // strings with escapes, unescaped (never longer than the request)
  std::uint8_t* unescaped_end = nullptr;
  stdlib::Arena arena{8192};
  NativeIssueRequest request;
  const NativePolicy* policy = nullptr;
  const BindPlan* plan = nullptr;
  std::vector<std::string_view> keys;  // a stack of the keys of the objects being read

  // The parts of the request, bound.
  struct Parts {
    std::size_t issuer = SIZE_MAX;
    const std::uint8_t* token = nullptr;
    const std::uint8_t* header = nullptr;
    const std::uint8_t* request = nullptr;
    const std::uint8_t* exchange = nullptr;
    bool claims_skipped = false;  // met before the issuer, with no token type yet to bind them to
  };

  const NativeIssueRequest* bind_issue(std::string_view text);
  bool bind_parts(od::document& doc, Parts& parts, std::size_t known_issuer);
  bool token_checks_pass(const Parts& parts) const;

  // Keeps the keys pushed within a scope on the stack only until it ends.
  struct KeyScope {
    std::vector<std::string_view>& keys;
    std::size_t mark;
    explicit KeyScope(std::vector<std::string_view>& k) : keys(k), mark(k.size()) {}
    ~KeyScope() { keys.resize(mark); }
    // The keys pushed in this scope are all different.
    bool distinct() const {
      return keys.size() <= mark + 1 || writ::distinct(keys.data() + mark, keys.data() + keys.size());
    }
  };

  // ----- Strings ----------------------------------------------------------------------------

  // A string's text: a view of the request itself unless it has escapes (stage 1 has checked
  // UTF-8, control characters and that the string ends).
  bool text_of(od::raw_json_string raw, std::string_view& out) {
    const char* begin = raw.raw();
    const char* end = quote_or_backslash(begin);
    if (*end == '"') {
      out = {begin, static_cast<std::size_t>(end - begin)};
    } else if (parser.unescape(raw, unescaped_end).get(out) != SUCCESS) {
      return false;
    }
    return out.size() <= limits.max_string_bytes;
  }

  // An object member's key and value, read in place (copies of simdjson's iterators, built
  // field by field, would stall on store forwarding).
  bool member_of(simdjson::simdjson_result<od::field>& member, std::string_view& key, od::value*& value) {
    if (member.error() != SUCCESS) return false;
    od::field& f = member.value_unsafe();
    value = &f.value();
    return text_of(f.key(), key);
  }

  bool string_of(od::value& v, std::string_view& out) {
    od::raw_json_string raw;
    return v.get_raw_json_string().get(raw) == SUCCESS && text_of(raw, out);
  }

  // ----- Strictness of parts no schema describes ------------------------------------------

  // A value no schema describes must still be valid JSON within the reader's limits, with no
  // duplicate keys.
  bool strict(od::value& v, std::size_t depth) {
    od::json_type type;
    if (v.type().get(type) != SUCCESS) return false;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (depth > limits.max_depth || v.get_object().get(object) != SUCCESS) return false;
        KeyScope scope(keys);
        for (auto member : object) {
          std::string_view key;
          od::value* item;
          if (!member_of(member, key, item) || !strict(*item, depth + 1)) return false;
          keys.push_back(key);
        }
        return scope.distinct();
      }
      case od::json_type::array: {
        od::array array;
        if (depth > limits.max_depth || v.get_array().get(array) != SUCCESS) return false;
        std::size_t n = 0;
        for (auto element : array) {
          if (element.error() != SUCCESS || ++n > limits.max_array_items || !strict(element.value_unsafe(), depth + 1))
            return false;
        }
        return true;
      }
      case od::json_type::string: {
        std::string_view s;
        return string_of(v, s);
      }
      case od::json_type::number: {
        od::number n;
        return v.get_number().get(n) == SUCCESS;  // simdjson refuses numbers out of double's range
      }
      case od::json_type::boolean: {
        bool b;
        return v.get_bool().get(b) == SUCCESS;
      }
      case od::json_type::null: {
        bool null = false;
        return v.is_null().get(null) == SUCCESS && null;
      }
    }
    return false;
  }

  // ----- Binding by type --------------------------------------------------------------------

  bool bind(od::value& v, const ValuePlan& plan, WritCell& out, std::size_t depth) {
    switch (plan.kind) {
      case TypeKind::String:
      case TypeKind::Enum: {
        std::string_view s;
        if (!string_of(v, s)) return false;
        if (plan.enum_values &&
            std::find(plan.enum_values->begin(), plan.enum_values->end(), s) == plan.enum_values->end())
          return false;
        out = text_cell(s);
        return true;
      }
      case TypeKind::Int:
      case TypeKind::Duration: {
        std::int64_t i;  // anything but an integer in int64's range is refused
        if (v.get_int64().get(i) != SUCCESS) return false;
        out = {static_cast<std::uint64_t>(i), 0};
        return true;
      }
      case TypeKind::Timestamp:
        return bind_timestamp(v, out);
      case TypeKind::Bool: {
        bool b;
        if (v.get_bool().get(b) != SUCCESS) return false;
        out = {b ? 1u : 0u, 0};
        return true;
      }
      case TypeKind::List:
        return bind_list(v, plan, out, depth);
      case TypeKind::Record: {
        std::uint8_t* record = bind_record(v, *plan.record, depth, nullptr);
        out = {reinterpret_cast<std::uint64_t>(record), 0};
        return record != nullptr;
      }
      default:
        return false;
    }
  }

  // A NumericDate: an integer, or a float rounded down (as the interpreter's binder).
  static bool bind_timestamp(od::value& v, WritCell& out) {
    od::number_type type;
    if (v.get_number_type().get(type) != SUCCESS) return false;
    if (type == od::number_type::signed_integer) {
      std::int64_t i;
      if (v.get_int64().get(i) != SUCCESS) return false;
      out = {static_cast<std::uint64_t>(i), 0};
      return true;
    }
    if (type != od::number_type::floating_point_number) return false;  // above int64
    double d;
    if (v.get_double().get(d) != SUCCESS || !std::isfinite(d) || d < -9.2e18 || d > 9.2e18) return false;
    out = {static_cast<std::uint64_t>(static_cast<std::int64_t>(std::floor(d))), 0};
    return true;
  }

  bool bind_list(od::value& v, const ValuePlan& plan, WritCell& out, std::size_t depth) {
    od::json_type type;
    if (v.type().get(type) != SUCCESS) return false;
    if (plan.one_or_many && type == od::json_type::string) {
      auto* cell = static_cast<WritCell*>(arena.allocate_uninitialized(sizeof(WritCell)));
      if (!bind(v, *plan.element, *cell, depth)) return false;
      out = {reinterpret_cast<std::uint64_t>(cell), 1};
      return true;
    }
    od::array array;
    std::size_t n = 0;
    if (depth > limits.max_depth || v.get_array().get(array) != SUCCESS || array.count_elements().get(n) != SUCCESS ||
        n > limits.max_array_items) {
      return false;
    }
    auto* cells = static_cast<WritCell*>(arena.allocate_uninitialized(std::max<std::size_t>(n, 1) * sizeof(WritCell)));
    std::size_t i = 0;
    for (auto element : array) {
      if (element.error() != SUCCESS || i == n || !bind(element.value_unsafe(), *plan.element, cells[i++], depth + 1))
        return false;
    }
    out = {reinterpret_cast<std::uint64_t>(cells), n};
    return i == n;
  }

  std::uint8_t* new_record(const RecordPlan& plan) {
    std::size_t n = plan.size();
    return native::record_in_block(arena.allocate(native::record_cells(n) * sizeof(WritCell)), n);
  }

  // A record block, or null.
  std::uint8_t* bind_record(od::value& v, const RecordPlan& plan, std::size_t depth,
                            const std::vector<FieldDefault>* defaults) {
    od::object object;
    if (depth > limits.max_depth || v.get_object().get(object) != SUCCESS) return nullptr;
    std::uint8_t* record = new_record(plan);
    KeyScope scope(keys);  // unknown keys: known ones are checked by their presence bytes
    for (auto member : object) {
      std::string_view key;
      od::value* at;
      if (!member_of(member, key, at)) return nullptr;
      od::value& value = *at;
      std::int32_t i = plan.table.find(key);
      if (i < 0) {
        keys.push_back(key);
        if (!strict(value, depth + 1)) return nullptr;
        continue;
      }
      auto index = static_cast<std::size_t>(i);
      std::uint8_t& presence = record[native::presence_offset(index)];
      if (presence != kUnseen) return nullptr;  // a duplicate key
      od::json_type type;
      if (value.type().get(type) != SUCCESS) return nullptr;
      if (type == od::json_type::null) {
        bool null = false;
        if (value.is_null().get(null) != SUCCESS || !null) return nullptr;
        presence = kNull;
        continue;
      }
      // Bound in place: a copy of a cell just written would stall on store forwarding.
      auto* cell = reinterpret_cast<WritCell*>(record + native::field_offset(index));
      if (!bind(value, *plan.fields[index], *cell, depth + 1)) return nullptr;
      presence = kPresent;
    }
    if (!scope.distinct()) return nullptr;
    return complete(record, plan, defaults) ? record : nullptr;
  }

  // Fills in defaults for fields left out, and checks that every required field is there.
  static bool complete(std::uint8_t* record, const RecordPlan& plan, const std::vector<FieldDefault>* defaults) {
    if (defaults != nullptr) {
      for (const FieldDefault& d : *defaults) {
        std::uint8_t& presence = record[native::presence_offset(d.field)];
        if (presence != kUnseen) continue;
        std::memcpy(record + native::field_offset(d.field), &d.cell, sizeof d.cell);
        presence = kPresent;
      }
    }
    for (std::size_t i = 0; i < plan.size(); ++i) {
      std::uint8_t& presence = record[native::presence_offset(i)];
      if (presence == kNull) presence = kUnseen;
      if (presence == kUnseen && !plan.optional(i)) return false;  // a required claim is missing
    }
    return true;
  }
};

// One pass over the request object. `known_issuer` (or SIZE_MAX) comes from an earlier pass that
// met the claims before the issuer and could not tell their type.
bool JsonBinder::Impl::bind_parts(od::document& doc, Parts& parts, std::size_t known_issuer) {
  arena.reset();
  unescaped_end = unescaped.data();
  parts = Parts{};
  parts.issuer = known_issuer;
  od::object root;
  if (doc.get_object().get(root) != SUCCESS) return false;
  unsigned seen = 0;
  KeyScope scope(keys);
  for (auto member : root) {
    std::string_view key;
    od::value* at;
    if (!member_of(member, key, at)) return false;
    od::value& value = *at;
    RootPart part = root_part(key);
    if (part == kUnknownPart) {
      keys.push_back(key);
      if (!strict(value, 2)) return false;
      continue;
    }
    if (seen & (1u << part)) return false;  // a duplicate part
    seen |= 1u << part;
    std::string_view s;
    switch (part) {
      case kKind:
        if (!string_of(value, s) || s != "issue") return false;
        break;
      case kIssuer: {
        if (!string_of(value, s)) return false;
        const auto& issuers = policy->issuers();
        auto at = std::find_if(issuers.begin(), issuers.end(), [&](const IssuerInfo* i) { return i->name == s; });
        if (at == issuers.end()) return false;
        parts.issuer = static_cast<std::size_t>(at - issuers.begin());
        break;
      }
      case kHeader:
        parts.header = bind_record(value, plan->header(), 2, nullptr);
        if (parts.header == nullptr) return false;
        break;
      case kClaims: {
        const RecordPlan* token = parts.issuer != SIZE_MAX ? &plan->token(parts.issuer) : plan->common_token();
        if (token == nullptr) {
          parts.claims_skipped = true;  // left unread: the next pass binds them
          break;
        }
        parts.token = bind_record(value, *token, 2, nullptr);
        if (parts.token == nullptr) return false;
        break;
      }
      case kRequest:
        parts.request = bind_record(value, plan->request(), 2, &plan->request_defaults());
        if (parts.request == nullptr) return false;
        break;
      case kExchange:
        parts.exchange = bind_record(value, plan->exchange(), 2, &plan->exchange_defaults());
        if (parts.exchange == nullptr) return false;
        break;
      case kUnknownPart:
        break;
    }
  }
  if (!scope.distinct()) return false;
  constexpr unsigned kRequired = 1u << kKind | 1u << kIssuer | 1u << kHeader | 1u << kClaims;
  if ((seen & kRequired) != kRequired) return false;
  // A request or exchange left out binds as an empty object would, defaults and all.
  if (parts.request == nullptr) {
    std::uint8_t* r = new_record(plan->request());
    if (!complete(r, plan->request(), &plan->request_defaults())) return false;
    parts.request = r;
  }
  if (parts.exchange == nullptr) {
    std::uint8_t* e = new_record(plan->exchange());
    if (!complete(e, plan->exchange(), &plan->exchange_defaults())) return false;
    parts.exchange = e;
  }
  return true;
}

// The token checks of docs/semantics.md §3.
bool JsonBinder::Impl::token_checks_pass(const Parts& parts) const {
  const IssuerInfo& issuer = *policy->issuers()[parts.issuer];
  const TokenFields& claim = plan->token_fields(parts.issuer);
  const HeaderFields& jose = plan->header_fields();
  const WritCell* iss = field(parts.token, claim.iss);
  if (iss == nullptr || cell_text(*iss) != issuer.iss) return false;
  const WritCell* alg = field(parts.header, jose.alg);
  if (alg == nullptr ||
      std::find(issuer.algorithms.begin(), issuer.algorithms.end(), cell_text(*alg)) == issuer.algorithms.end()) {
    return false;
  }
  if (!issuer.types.empty()) {
    const WritCell* typ = field(parts.header, jose.typ);
    if (typ == nullptr || std::find(issuer.types.begin(), issuer.types.end(), cell_text(*typ)) == issuer.types.end())
      return false;
  }
  const WritCell* aud = field(parts.token, claim.aud);
  if (aud == nullptr) return false;
  const auto* audiences = reinterpret_cast<const WritCell*>(aud->a);
  bool audience_ok = false;
  for (std::uint64_t i = 0; i < aud->b && !audience_ok; ++i) {
    audience_ok =
        std::find(issuer.audiences.begin(), issuer.audiences.end(), cell_text(audiences[i])) != issuer.audiences.end();
  }
  if (!audience_ok) return false;
  const WritCell* time = field(parts.request, plan->request_fields().time);
  if (time == nullptr) return false;
  auto now = static_cast<std::int64_t>(time->a);
  // Saturating, as the interpreter's binder: exact near the ends of int64.
  std::int64_t leeway = issuer.leeway_seconds;
  const WritCell* exp = field(parts.token, claim.exp);
  if (exp == nullptr || !(now < stdlib::saturating_add(static_cast<std::int64_t>(exp->a), leeway))) return false;
  for (std::int32_t index : {claim.nbf, claim.iat}) {
    if (const WritCell* t = field(parts.token, index)) {
      if (stdlib::saturating_add(static_cast<std::int64_t>(t->a), -leeway) > now) return false;
    }
  }
  return true;
}

const NativeIssueRequest* JsonBinder::Impl::bind_issue(std::string_view text) {
  if (text.size() > limits.max_bytes) return nullptr;
  buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer.data(), text.data(), text.size());
  unescaped.resize(text.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (parser.iterate(buffer.data(), text.size(), buffer.size()).get(doc) != SUCCESS) return nullptr;
  Parts parts;
  if (!bind_parts(doc, parts, SIZE_MAX)) return nullptr;
  if (parts.claims_skipped) {  // the claims came before the issuer: read again, knowing it
    doc.rewind();
    std::size_t issuer = parts.issuer;
    if (!bind_parts(doc, parts, issuer) || parts.claims_skipped) return nullptr;
  }
  // Nothing may follow the request object.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return nullptr;
  if (!token_checks_pass(parts)) return nullptr;

  // The native view.
  const RequestFields& asked = plan->request_fields();
  const WritCell* role = field(parts.request, asked.role);
  const WritCell* scopes = field(parts.request, asked.scopes);
  if (role == nullptr || scopes == nullptr) return nullptr;
  NativeIssueRequest& r = request;
  r.roots[ir::kRootToken] = parts.token;
  r.roots[ir::kRootRequest] = parts.request;
  r.roots[ir::kRootHeader] = parts.header;
  r.roots[ir::kRootExchange] = parts.exchange;
  r.issuer = parts.issuer;
  r.role = cell_text(*role);
  policy->resolve_candidates(r, parts.token);
  GrantRequest& g = r.requested;
  g.max_ttl = policy->max_ttl();
  const WritCell* ttl = field(parts.request, asked.ttl);
  g.ttl = ttl ? std::optional<std::int64_t>(static_cast<std::int64_t>(ttl->a)) : std::nullopt;
  const WritCell* audience = field(parts.request, asked.audience);
  g.audience = audience ? std::optional<std::string_view>(cell_text(*audience)) : std::nullopt;
  g.scopes.clear();
  const auto* items = reinterpret_cast<const WritCell*>(scopes->a);
  for (std::uint64_t i = 0; i < scopes->b; ++i) g.scopes.push_back(cell_text(items[i]));
  return &r;
}

JsonBinder::JsonBinder() : impl_(std::make_unique<Impl>()) {}
JsonBinder::~JsonBinder() = default;

const NativeIssueRequest* JsonBinder::bind_issue(const NativePolicy& policy, std::string_view text) {
  impl_->policy = &policy;
  impl_->plan = &policy.bind_plan();
  return impl_->bind_issue(text);
}

}  // namespace writ
