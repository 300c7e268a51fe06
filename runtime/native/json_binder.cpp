// simdjson's stage 1 -> cells, in one pass over the tokens of an issuance or access request (no DOM). Every
// check of runtime/bind (strict JSON grammar and limits, duplicate keys, types, required claims,
// enums, integer ranges) and of the interpreter's token checks is repeated here; whatever fails
// or looks unusual returns null, and the slow path then decides exactly. Values no schema
// describes are walked in full, so the whole document is validated, as the strict reader does.
#include "runtime/native/json_binder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "runtime/bind/json_reader.h"
#include "runtime/fast_json/bind_plan.h"
#include "runtime/fast_json/json_tokens.h"
#include "runtime/interp/token_checks.h"
#include "runtime/native/native_policy.h"
#include "stdlib/path.h"
#include "stdlib/spiffe_id.h"
#include "stdlib/strings.h"

namespace writ::engine {
namespace {

using native::cell_text;
using native::text_cell;

// Field presence while binding: unseen, present, or given as null (absent, but seen). Not a
// character type, so that writing it does not make the compiler reload everything it holds
// (a char store may alias any object).
enum class Presence : std::uint8_t { Unseen = 0, Present = 1, Null = 2 };
constexpr auto kUnseen = Presence::Unseen, kPresent = Presence::Present, kNull = Presence::Null;

Presence& presence_of(std::uint8_t* record, std::size_t field) {
  return *reinterpret_cast<Presence*>(record + native::presence_offset(field));
}

// The request object's own members.
enum RootPart : unsigned { kKind, kIssuer, kHeader, kClaims, kRequest, kExchange, kUnknownPart };

RootPart root_part(std::string_view key) {
  static constexpr std::string_view kNames[] = {"kind", "issuer", "header", "claims", "request", "exchange"};
  RootPart part = kUnknownPart;
  switch (key.size()) {  // one comparison at most
    case 4:
      part = kKind;
      break;
    case 6:
      part = key[0] == 'i' ? kIssuer : key[0] == 'h' ? kHeader : kClaims;
      break;
    case 7:
      part = kRequest;
      break;
    case 8:
      part = kExchange;
      break;
    default:
      return kUnknownPart;
  }
  return key == kNames[part] ? part : kUnknownPart;
}

// No duplicates among `keys` (small sets pairwise, larger ones sorted in `scratch`).
bool distinct(const std::string_view* begin, const std::string_view* end, std::vector<std::string_view>& scratch) {
  auto n = static_cast<std::size_t>(end - begin);
  if (n <= 8) {
    for (const auto* i = begin; i != end; ++i) {
      for (const auto* j = i + 1; j != end; ++j) {
        if (*i == *j) return false;
      }
    }
    return true;
  }
  scratch.assign(begin, end);
  std::sort(scratch.begin(), scratch.end());
  return std::adjacent_find(scratch.begin(), scratch.end()) == scratch.end();
}

const WritCell* field(const std::uint8_t* record, std::int32_t index) {
  if (index < 0 || record[native::presence_offset(static_cast<std::size_t>(index))] == 0) return nullptr;
  return reinterpret_cast<const WritCell*>(record + native::field_offset(static_cast<std::size_t>(index)));
}

}  // namespace

struct JsonBinder::Impl {
  bind::JsonLimits limits;
  JsonTokens tokens;
  stdlib::Arena arena{8192};
  NativeIssueRequest request;
  const NativePolicy* policy = nullptr;
  const BindPlan* plan = nullptr;
  std::vector<std::string_view> keys;         // a stack of the keys of the objects being read
  std::vector<std::string_view> sorted_keys;  // reused when checking many keys for duplicates

  // The parts of the request, bound.
  struct Parts {
    std::size_t issuer = SIZE_MAX;
    const std::uint8_t* token = nullptr;
    const std::uint8_t* header = nullptr;
    const std::uint8_t* request = nullptr;
    const std::uint8_t* exchange = nullptr;
  };

  bool access_kind = false;  // the request's `kind` was "access"
  NativeAccessRequest access_request;

  JsonBinder::Bound bind(std::string_view text);
  const NativeIssueRequest* bind_issue();
  const NativeAccessRequest* bind_access();
  bool kind_is_access();
  bool bind_parts(Parts& parts);
  // Where claims skipped before the issuer was known lie (bind_parts, bind_access).
  struct SkippedClaims {
    bool skipped = false;
    std::uint32_t at = 0, end = 0;
  };
  bool issuer_member(Parts& parts);
  bool claims_member(Parts& parts, SkippedClaims& skipped);
  bool finish_token(Parts& parts, const SkippedClaims& skipped);
  bool token_checks_pass(const Parts& parts, const WritCell* time) const;

  // Keeps the keys pushed within a scope on the stack only until it ends.
  struct KeyScope {
    Impl& impl;
    std::size_t mark;
    explicit KeyScope(Impl& i) : impl(i), mark(i.keys.size()) {}
    ~KeyScope() { impl.keys.resize(mark); }
    // The keys pushed in this scope are all different.
    bool distinct() const {
      const auto& keys = impl.keys;
      return keys.size() <= mark + 1 ||
             engine::distinct(keys.data() + mark, keys.data() + keys.size(), impl.sorted_keys);
    }
  };

  // ----- Tokens -------------------------------------------------------------------------------

  // Consumes the token if it is `c`.
  bool take(char c) {
    if (tokens.peek() != c) return false;
    tokens.advance();
    return true;
  }

  bool string(std::string_view& out) {
    if (!tokens.string(out) || out.size() > limits.max_string_bytes) return false;
    tokens.advance();
    return true;
  }

  // An object's members: `member(key)` reads each value. Keys are read but not checked for
  // duplicates here. Returns false on any grammar error or if `member` does.
  template <class Member>
  bool members(std::size_t depth, Member member) {
    if (depth > limits.max_depth || !take('{')) return false;
    if (take('}')) return true;
    do {
      std::string_view key;
      if (!string(key) || !take(':') || !member(key)) return false;
    } while (take(','));
    return take('}');
  }

  // An array's items: `item(index)` reads each.
  template <class Item>
  bool items(std::size_t depth, Item item) {
    if (depth > limits.max_depth || !take('[')) return false;
    if (take(']')) return true;
    std::size_t n = 0;
    do {
      if (n == limits.max_array_items || !item(n++)) return false;
    } while (take(','));
    return take(']');
  }

  // Skips one value, checking only that brackets balance (the value is read in full later).
  bool skip() {
    std::size_t depth = 0;
    do {
      char c = tokens.peek();
      if (c == '\0') return false;
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (depth == 0) return false;
        --depth;
      }
      tokens.advance();
    } while (depth > 0);
    return true;
  }

  // ----- Strictness of parts no schema describes ------------------------------------------

  // A value no schema describes must still be valid JSON within the reader's limits, with no
  // duplicate keys.
  bool strict(std::size_t depth) {
    switch (tokens.peek()) {
      case '{': {
        KeyScope scope(*this);
        return members(depth,
                       [&](std::string_view key) {
                         keys.push_back(key);
                         return strict(depth + 1);
                       }) &&
               scope.distinct();
      }
      case '[':
        return items(depth, [&](std::size_t) { return strict(depth + 1); });
      case '"': {
        std::string_view s;
        return string(s);
      }
      case 't':
        return atom("true");
      case 'f':
        return atom("false");
      case 'n':
        return atom("null");
      default: {
        double d;  // a number: valid, and within double's range (or the slow path decides)
        if (!json_number_as_double(tokens.token(), d)) return false;
        tokens.advance();
        return true;
      }
    }
  }

  bool atom(std::string_view word) {
    if (tokens.token() != word) return false;
    tokens.advance();
    return true;
  }

  // ----- Binding by type --------------------------------------------------------------------

  bool bind(const ValuePlan& plan, WritCell& out, std::size_t depth) {
    switch (plan.kind) {
      case TypeKind::String:
        return bind_string(out);
      case TypeKind::Enum: {
        std::string_view s;
        if (!string(s) || plan.enum_values->find_padded(s) < 0) return false;
        out = text_cell(s);
        return true;
      }
      case TypeKind::Int:
      case TypeKind::Duration: {
        JsonNumber n = read_json_number(tokens.token());  // only an integer in int64's range binds
        if (n.kind != JsonNumber::Int64) return false;
        tokens.advance();
        out = {static_cast<std::uint64_t>(n.integer), 0};
        return true;
      }
      case TypeKind::Timestamp:
        return plan.rfc3339 && tokens.peek() == '"' ? bind_rfc3339(out) : bind_timestamp(out);
      case TypeKind::Bool: {
        char c = tokens.peek();
        if (c != 't' && c != 'f') return false;
        out = {c == 't' ? 1u : 0u, 0};
        return atom(c == 't' ? "true" : "false");
      }
      case TypeKind::List:
        return bind_list(plan, out, depth);
      case TypeKind::Record: {
        std::uint8_t* record = bind_record(*plan.record, depth, nullptr);
        out = {reinterpret_cast<std::uint64_t>(record), 0};
        return record != nullptr;
      }
      default:
        return false;
    }
  }

  bool bind_string(WritCell& out) {
    std::string_view s;
    if (!string(s)) return false;
    out = text_cell(s);
    return true;
  }

  // A NumericDate: an integer, or a float rounded down (as the interpreter's binder).
  bool bind_timestamp(WritCell& out) {
    std::string_view text = tokens.token();
    JsonNumber n = read_json_number(text);
    if (n.kind == JsonNumber::Invalid) return false;  // not JSON (`02`, `1.`): the slow path refuses it
    if (n.kind == JsonNumber::Int64) {
      out = {static_cast<std::uint64_t>(n.integer), 0};
    } else {
      // A fraction or an exponent: the exact floor of the decimal, as the slow path (json_reader).
      std::optional<std::int64_t> floor = stdlib::numeric_date_floor(text);
      if (!floor) return false;
      out = {static_cast<std::uint64_t>(*floor), 0};
    }
    tokens.advance();
    return true;
  }

  // `request.time` as an RFC 3339 string (stdlib::parse_rfc3339, as the interpreter's binder).
  bool bind_rfc3339(WritCell& out) {
    std::string_view s;
    if (!string(s)) return false;
    auto seconds = stdlib::parse_rfc3339(s);
    if (!seconds) return false;
    out = {static_cast<std::uint64_t>(*seconds), 0};
    return true;
  }

  bool bind_list(const ValuePlan& plan, WritCell& out, std::size_t depth) {
    if (plan.one_or_many && tokens.peek() == '"') {
      auto* cell = static_cast<WritCell*>(arena.allocate_uninitialized(sizeof(WritCell)));
      if (!bind(*plan.element, *cell, depth)) return false;
      out = {reinterpret_cast<std::uint64_t>(cell), 1};
      return true;
    }
    // Counted first (a skip that only balances brackets), so the cells are allocated once; then
    // read in full.
    std::uint32_t start = tokens.position();
    std::size_t n = 0;
    if (!items(depth, [&](std::size_t) {
          ++n;
          return skip();
        })) {
      return false;
    }
    tokens.seek(start);
    auto* cells = static_cast<WritCell*>(arena.allocate_uninitialized(std::max<std::size_t>(n, 1) * sizeof(WritCell)));
    if (!items(depth, [&](std::size_t i) { return bind(*plan.element, cells[i], depth + 1); })) return false;
    out = {reinterpret_cast<std::uint64_t>(cells), n};
    return true;
  }

  // Only the presence bytes are cleared: native code reads a field's cell only when present.
  std::uint8_t* new_record(const RecordPlan& plan) {
    std::size_t n = plan.size();
    auto* block = static_cast<WritCell*>(arena.allocate_uninitialized(native::record_cells(n) * sizeof(WritCell)));
    std::fill_n(block, native::presence_cells(n), WritCell{0, 0});
    return native::record_in_block(block, n);
  }

  // One member of a record: field `i` of `plan` (bound into `record`), or an unknown `key`
  // (i < 0), walked in full and kept for the duplicate check of its scope.
  [[gnu::always_inline]] bool member(const RecordPlan& plan, std::uint8_t* record, std::int32_t i, std::string_view key,
                                     std::size_t depth) {
    if (i < 0) {
      keys.push_back(key);
      return strict(depth + 1);
    }
    auto index = static_cast<std::size_t>(i);
    Presence& presence = presence_of(record, index);
    if (presence != kUnseen) return false;  // a duplicate key
    if (tokens.peek() == 'n') {
      presence = kNull;
      return atom("null");
    }
    presence = kPresent;
    // Bound in place: a copy of a cell just written would stall on store forwarding.
    auto& cell = *reinterpret_cast<WritCell*>(record + native::field_offset(index));
    const ValuePlan& value = *plan.fields[index];
    // Most claims are plain strings: read here, without a call to the recursive bind.
    if (value.kind == TypeKind::String) return bind_string(cell);
    return bind(value, cell, depth + 1);
  }

  // A record block, or null. `closed`: a key the plan does not know is refused (the parts the
  // broker writes, `request` and `exchange`), not walked and ignored (claims, header).
  std::uint8_t* bind_record(const RecordPlan& plan, std::size_t depth, const std::vector<FieldDefault>* defaults,
                            bool closed = false) {
    std::uint8_t* record = new_record(plan);
    if (!read_members(plan, record, depth, closed)) return nullptr;
    return complete(record, plan, defaults) ? record : nullptr;
  }

  // The members of an object into `record`, not yet checked for completeness.
  bool read_members(const RecordPlan& plan, std::uint8_t* record, std::size_t depth, bool closed) {
    KeyScope scope(*this);  // unknown keys: known ones are checked by their presence bytes
    bool ok = members(depth, [&](std::string_view key) {
      std::int32_t i = plan.table.find_padded(key);  // keys lie in padded buffers
      if (i < 0 && closed) return false;
      return member(plan, record, i, key, depth);
    });
    return ok && scope.distinct();
  }

  // Fills in defaults for fields left out, and checks that every required field is there.
  static bool complete(std::uint8_t* record, const RecordPlan& plan, const std::vector<FieldDefault>* defaults) {
    if (defaults != nullptr) {
      for (const FieldDefault& d : *defaults) {
        Presence& presence = presence_of(record, d.field);
        if (presence != kUnseen) continue;
        std::memcpy(record + native::field_offset(d.field), &d.cell, sizeof d.cell);
        presence = kPresent;
      }
    }
    // Word by word: a null (2) becomes absent (0), and every required byte must be 1.
    static_assert(std::endian::native == std::endian::little);
    constexpr std::uint64_t kPresentBits = 0x0101010101010101ull;
    std::uint8_t* block = record - plan.required.size() * 8;
    for (std::size_t j = 0; j < plan.required.size(); ++j) {
      std::uint64_t w;
      std::memcpy(&w, block + 8 * j, 8);
      w &= kPresentBits;
      std::memcpy(block + 8 * j, &w, 8);
      if ((w & plan.required[j]) != plan.required[j]) return false;  // a required claim is missing
    }
    return true;
  }
};

// The token's parts, `issuer`, `claims` and `header`, as they come among a request's members.
// Claims met before the issuer, when issuers' token types differ, are skipped and bound once the
// issuer is known (finish_token).
bool JsonBinder::Impl::issuer_member(Parts& parts) {
  std::string_view s;
  if (!string(s)) return false;
  const auto& issuers = policy->issuers();
  auto at = std::find_if(issuers.begin(), issuers.end(), [&](const IssuerInfo* i) { return i->name == s; });
  parts.issuer = static_cast<std::size_t>(at - issuers.begin());
  return at != issuers.end();
}

bool JsonBinder::Impl::claims_member(Parts& parts, SkippedClaims& skipped) {
  const RecordPlan* token = parts.issuer != SIZE_MAX ? &plan->token(parts.issuer) : plan->common_token();
  if (token == nullptr) {
    skipped.at = tokens.position();
    skipped.skipped = true;
    if (!skip()) return false;
    skipped.end = tokens.position();
    return true;
  }
  parts.token = bind_record(*token, 2, nullptr);
  return parts.token != nullptr;
}

bool JsonBinder::Impl::finish_token(Parts& parts, const SkippedClaims& skipped) {
  if (!skipped.skipped) return true;
  std::uint32_t end = tokens.position();
  tokens.seek(skipped.at);
  parts.token = bind_record(plan->token(parts.issuer), 2, nullptr);
  // The skip and the full read must agree on where the claims end.
  if (parts.token == nullptr || tokens.position() != skipped.end) return false;
  tokens.seek(end);
  return true;
}

// One pass over an issuance request object.
bool JsonBinder::Impl::bind_parts(Parts& parts) {
  unsigned seen = 0;
  SkippedClaims skipped;
  KeyScope scope(*this);
  bool ok = members(1, [&](std::string_view key) {
    RootPart part = root_part(key);
    if (part == kUnknownPart) return false;  // refused, with its name, by the slow path
    if (seen & (1u << part)) return false;   // a duplicate part
    seen |= 1u << part;
    std::string_view s;
    switch (part) {
      case kKind:
        if (!string(s)) return false;
        access_kind = s == "access";  // bound again, as an access request
        return s == "issue";
      case kIssuer:
        return issuer_member(parts);
      case kHeader:
        parts.header = bind_record(plan->header(), 2, nullptr);
        return parts.header != nullptr;
      case kClaims:
        return claims_member(parts, skipped);
      case kRequest:
        parts.request = bind_record(plan->request(), 2, &plan->request_defaults(), true);
        return parts.request != nullptr;
      case kExchange:
        parts.exchange = bind_record(plan->exchange(), 2, &plan->exchange_defaults(), true);
        return parts.exchange != nullptr;
      case kUnknownPart:
        break;
    }
    return false;
  });
  if (!ok || !scope.distinct()) return false;
  constexpr unsigned kRequired = 1u << kKind | 1u << kIssuer | 1u << kHeader | 1u << kClaims;
  if ((seen & kRequired) != kRequired) return false;
  if (!finish_token(parts, skipped)) return false;
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
bool JsonBinder::Impl::token_checks_pass(const Parts& parts, const WritCell* time) const {
  const IssuerInfo& issuer = *policy->issuers()[parts.issuer];
  const TokenFields& claim = plan->token_fields(parts.issuer);
  const HeaderFields& jose = plan->header_fields();
  if (!claim.valid) return false;  // left to the slow path, which refuses the claims
  // The checks themselves are the interpreter's (token_checks.h); refusals go to the slow path,
  // which words them.
  auto text_of = [](const WritCell* cell) {
    return cell != nullptr ? std::optional<std::string_view>(cell_text(*cell)) : std::nullopt;
  };
  interp::HeaderFacts facts{text_of(field(parts.header, jose.alg)), text_of(field(parts.header, jose.typ))};
  facts.critical = field(parts.header, jose.crit) != nullptr;  // refused: the slow path names it
  interp::TokenKey key{text_of(field(parts.token, claim.iss)), text_of(field(parts.token, claim.sub))};
  if (interp::check_issuer_and_header(issuer, key, facts)) return false;
  const WritCell* aud = field(parts.token, claim.aud);
  auto any_audience = [&](auto&& accepted) {
    if (aud == nullptr) return false;
    const auto* audiences = reinterpret_cast<const WritCell*>(aud->a);
    for (std::uint64_t i = 0; i < aud->b; ++i) {
      if (accepted(cell_text(audiences[i]))) return true;
    }
    return false;
  };
  auto time_of = [&](std::int32_t index) {
    const WritCell* t = field(parts.token, index);
    return t != nullptr ? std::optional<std::int64_t>(static_cast<std::int64_t>(t->a)) : std::nullopt;
  };
  if (time == nullptr) return false;
  return !interp::check_audience_and_times(issuer, any_audience, static_cast<std::int64_t>(time->a), time_of(claim.exp),
                                           time_of(claim.nbf), time_of(claim.iat));
}

JsonBinder::Bound JsonBinder::Impl::bind(std::string_view text) {
  // A NUL byte is never JSON; the slow path refuses it, wherever it is (nothing after it is ignored).
  if (text.size() > limits.max_bytes || std::memchr(text.data(), '\0', text.size()) != nullptr || !tokens.index(text))
    return {};
  arena.reset();
  access_kind = false;
  if (const NativeIssueRequest* issue = bind_issue()) return {issue, nullptr};
  if (!access_kind && !kind_is_access()) return {};
  // An access request: read again from the start, as one (its `kind` usually comes first).
  tokens.rewind();  // forgets the strings unescaped so far, which the arena's reset drops too
  arena.reset();
  return {nullptr, bind_access()};
}

// Whether the request object's `kind` is "access", found by skipping the other members: an
// issuance read stops at the first member it cannot bind, which may come before `kind`.
bool JsonBinder::Impl::kind_is_access() {
  tokens.rewind();
  bool access = false;
  members(1, [&](std::string_view key) {
    if (key != "kind") return skip();
    std::string_view s;
    access = string(s) && s == "access";
    return false;  // found: stop reading
  });
  return access;
}

const NativeIssueRequest* JsonBinder::Impl::bind_issue() {
  Parts parts;
  if (!bind_parts(parts) || !tokens.at_end()) return nullptr;  // nothing may follow the request
  if (!token_checks_pass(parts, field(parts.request, plan->request_fields().time))) return nullptr;

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
  // Scope tokens the slow path refuses (empty, a space...), in either list.
  auto scope_tokens = [](const WritCell* list) {
    if (list == nullptr) return true;
    const auto* items = reinterpret_cast<const WritCell*>(list->a);
    for (std::uint64_t i = 0; i < list->b; ++i) {
      if (stdlib::scope_token_problem(cell_text(items[i]))) return false;
    }
    return true;
  };
  if (!scope_tokens(scopes) || !scope_tokens(field(parts.exchange, plan->exchange_scope()))) return nullptr;
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

// An access request's members: `kind`, the caller (a `principal` object, one of `spiffe` or
// `role`, a string; or a token's `issuer`, `claims` and `header`), and its `request` record
// (`time`, `action`, `resource`, `source_ip`, `broker`); anything else is refused, by the slow path.
const NativeAccessRequest* JsonBinder::Impl::bind_access() {
  const RecordPlan& plan_record = plan->access();
  const AccessFields& fields = plan->access_fields();
  if (fields.principal < 0 || fields.action < 0 || fields.resource < 0) return nullptr;
  NativeAccessRequest& r = access_request;
  r = NativeAccessRequest{};
  std::uint8_t* record = nullptr;
  Parts token;
  SkippedClaims skipped;
  bool kind_seen = false, principal_seen = false, issuer_seen = false, claims_seen = false, header_seen = false;
  auto once = [](bool& seen) { return !std::exchange(seen, true); };
  bool ok = members(1, [&](std::string_view key) {
    std::string_view s;
    if (key == "kind") return once(kind_seen) && string(s) && s == "access";
    if (key == "principal") {
      // {"spiffe": "..."} or {"role": "..."}: exactly one member, a string.
      if (!once(principal_seen)) return false;
      std::string_view kind, name;
      if (!take('{') || !string(kind) || (kind != "spiffe" && kind != "role") || !take(':') || !string(name) ||
          !take('}')) {
        return false;
      }
      r.subject.principal_kind = kind == "spiffe" ? "spiffe" : "role";
      r.subject.principal_name = name;
      return true;
    }
    if (key == "request") {
      if (record != nullptr) return false;
      record = new_record(plan_record);
      // `principal` is the request's principal, never given in `request`.
      return read_members(plan_record, record, 2, true) &&
             presence_of(record, static_cast<std::size_t>(fields.principal)) == kUnseen;
    }
    if (key == "issuer") return once(issuer_seen) && issuer_member(token);
    if (key == "claims") return once(claims_seen) && claims_member(token, skipped);
    if (key == "header") {
      if (!once(header_seen)) return false;
      token.header = bind_record(plan->header(), 2, nullptr);
      return token.header != nullptr;
    }
    return false;
  });
  bool has_token = issuer_seen && claims_seen && header_seen;
  if (!ok || !kind_seen || record == nullptr || !tokens.at_end()) return nullptr;
  // A principal, or a whole token; never both (the slow path says why).
  if (principal_seen == (issuer_seen || claims_seen || header_seen) || (!principal_seen && !has_token)) return nullptr;
  if (has_token) {
    if (!finish_token(token, skipped)) return nullptr;
    if (!token_checks_pass(token, field(record, fields.time))) return nullptr;
    const WritCell* sub = field(token.token, plan->token_fields(token.issuer).sub);
    if (sub == nullptr) return nullptr;
    const IssuerInfo& issuer = *policy->issuers()[token.issuer];
    r.subject.principal_kind = issuer.trust_domain.empty() ? "token" : "spiffe";
    r.subject.principal_name = cell_text(*sub);
    r.subject.token_issuer = issuer.name;
    r.issuer = token.issuer;
    r.roots[ir::kRootToken] = token.token;
    r.roots[ir::kRootHeader] = token.header;
  }
  auto p = static_cast<std::size_t>(fields.principal);
  presence_of(record, p) = kPresent;
  *reinterpret_cast<WritCell*>(record + native::field_offset(p)) = text_cell(r.subject.principal_name);
  if (!complete(record, plan_record, nullptr)) return nullptr;
  const WritCell* action = field(record, fields.action);
  const WritCell* resource = field(record, fields.resource);
  if (action == nullptr || resource == nullptr) return nullptr;  // required by the schema, so never
  r.roots[ir::kRootRequest] = record;
  // Refused principals and resources are left to the slow path, which says why.
  if (interp::principal_problem(r.subject.principal_kind, r.subject.principal_name)) return nullptr;
  r.subject.valid_spiffe = r.subject.principal_kind == "spiffe";
  r.subject.action = cell_text(*action);
  r.subject.resource = cell_text(*resource);
  if (stdlib::resource_path_problem(r.subject.resource)) return nullptr;
  return &r;
}

JsonBinder::JsonBinder() : impl_(std::make_unique<Impl>()) {}
JsonBinder::~JsonBinder() = default;

JsonBinder::Bound JsonBinder::bind(const NativePolicy& policy, std::string_view text) {
  impl_->policy = &policy;
  impl_->plan = &policy.bind_plan();
  return impl_->bind(text);
}

}  // namespace writ::engine
