// Host functions for generated code: each wraps the one stdlib implementation of a built-in, so
// the interpreter and native code share it. Results that need memory go to the scratch arena.
#include "compiler/codegen/host_functions.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/codegen/abi.h"
#include "stdlib/github_sub.h"
#include "stdlib/glob.h"
#include "stdlib/limits.h"
#include "stdlib/literals.h"
#include "stdlib/path.h"
#include "stdlib/spiffe_id.h"
#include "stdlib/strings.h"

namespace {

using writ::native::field_offset;
using writ::native::record_cells;

std::string_view view(const char* p, std::uint64_t n) {
  return {p, static_cast<std::size_t>(n)};
}

WritCell string_cell(WritScratch* s, std::string_view text) {
  char* p = static_cast<char*>(s->arena->allocate(text.size() + 1));
  std::memcpy(p, text.data(), text.size());
  return {reinterpret_cast<std::uint64_t>(p), text.size()};
}

void fail(WritScratch* s, std::string_view message) {
  WritCell text = string_cell(s, message);
  s->error_kind = writ::native::kErrorText;
  s->error_text = reinterpret_cast<const char*>(text.a);
  s->error_text_size = text.b;
}

// A record block of `n` fields; `set` fills field i and marks it present.
struct RecordBuilder {
  RecordBuilder(WritScratch* s, std::size_t n)
      : record(writ::native::record_in_block(s->arena->allocate(record_cells(n) * sizeof(WritCell)), n)) {}
  void set(std::size_t i, WritCell c) {
    record[writ::native::presence_offset(i)] = 1;
    std::memcpy(record + field_offset(i), &c, sizeof c);
  }
  std::uint8_t* record;
};

WritCell string_list(WritScratch* s, const std::vector<std::string>& items) {
  auto* cells = static_cast<WritCell*>(s->arena->allocate(std::max<std::size_t>(items.size(), 1) * sizeof(WritCell)));
  for (std::size_t i = 0; i < items.size(); ++i) cells[i] = string_cell(s, items[i]);
  return {reinterpret_cast<std::uint64_t>(cells), items.size()};
}

bool cell_equal(const WritCell& x, std::uint32_t rep_is_string, std::uint64_t a, std::uint64_t b) {
  if (rep_is_string == 0) return x.a == a;
  return x.b == b &&
         (b == 0 || std::memcmp(reinterpret_cast<const void*>(x.a), reinterpret_cast<const void*>(a), b) == 0);
}

}  // namespace

extern "C" {

std::int32_t writ_glob_match(const char* pattern, std::uint64_t pn, const char* s, std::uint64_t sn) {
  return writ::stdlib::glob_match(view(pattern, pn), view(s, sn));
}

std::int32_t writ_regex_match(const void* re, const char* s, std::uint64_t n) {
  return RE2::FullMatch(re2::StringPiece(s, static_cast<std::size_t>(n)), *static_cast<const RE2*>(re));
}

// stdlib::under_outcome: 1, 0, or -1 / -2 for its two errors.
std::int32_t writ_path_under(const char* p, std::uint64_t pn, const char* q, std::uint64_t qn,
                             std::uint32_t computed_prefix) {
  return writ::stdlib::under_outcome(view(p, pn), view(q, qn), computed_prefix != 0);
}

std::int32_t writ_window_contains(const void* window, std::int64_t t) {
  const auto& w = *static_cast<const writ::codegen::HostWindow*>(window);
  return writ::stdlib::window_contains(w.days, w.start_minute, w.end_minute, w.zone, t);
}

std::int32_t writ_string_set_contains(const void* set, const char* s, std::uint64_t n) {
  const auto& sorted = static_cast<const writ::codegen::HostStringSet*>(set)->sorted;
  return std::binary_search(sorted.begin(), sorted.end(), view(s, n));
}

std::int32_t writ_int_set_contains(const void* set, std::int64_t v) {
  const auto& sorted = static_cast<const writ::codegen::HostIntSet*>(set)->sorted;
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

// `item in list` for scalar items: strings compare by bytes, the rest by their `a` word.
std::int32_t writ_list_contains(const WritCell* items, std::uint64_t n, std::uint32_t is_string, std::uint64_t a,
                                std::uint64_t b) {
  for (std::uint64_t i = 0; i < n; ++i) {
    if (cell_equal(items[i], is_string, a, b)) return 1;
  }
  return 0;
}

// `==` on two lists of scalars: the same length, and equal item by item.
std::int32_t writ_list_equal(const WritCell* x, std::uint64_t xn, const WritCell* y, std::uint64_t yn,
                             std::uint32_t is_string) {
  if (xn != yn) return 0;
  for (std::uint64_t i = 0; i < xn; ++i) {
    if (!cell_equal(x[i], is_string, y[i].a, y[i].b)) return 0;
  }
  return 1;
}

std::int32_t writ_starts_with(const char* s, std::uint64_t sn, const char* p, std::uint64_t pn) {
  return view(s, sn).starts_with(view(p, pn));
}

std::int32_t writ_ends_with(const char* s, std::uint64_t sn, const char* p, std::uint64_t pn) {
  return view(s, sn).ends_with(view(p, pn));
}

// The offset of the first `needle` in `haystack`, or -1.
std::int64_t writ_find(const char* haystack, std::uint64_t hn, const char* needle, std::uint64_t nn) {
  auto at = view(haystack, hn).find(view(needle, nn));
  return at == std::string_view::npos ? -1 : static_cast<std::int64_t>(at);
}

std::int32_t writ_contains_str(const char* s, std::uint64_t sn, const char* p, std::uint64_t pn) {
  return view(s, sn).find(view(p, pn)) != std::string_view::npos;
}

void writ_lower(WritScratch* s, const char* p, std::uint64_t n, WritCell* out) {
  *out = string_cell(s, writ::stdlib::ascii_lower(view(p, n)));
}

void writ_upper(WritScratch* s, const char* p, std::uint64_t n, WritCell* out) {
  *out = string_cell(s, writ::stdlib::ascii_upper(view(p, n)));
}

// 0 when the result would pass limits::kMaxComputedStringBytes (the caller reports the error site).
std::int32_t writ_concat(WritScratch* s, const char* p, std::uint64_t pn, const char* q, std::uint64_t qn,
                         WritCell* out) {
  if (pn + qn > writ::limits::kMaxComputedStringBytes) return 0;
  char* r = static_cast<char*>(s->arena->allocate(pn + qn + 1));
  if (pn != 0) std::memcpy(r, p, pn);
  if (qn != 0) std::memcpy(r + pn, q, qn);
  *out = {reinterpret_cast<std::uint64_t>(r), pn + qn};
  return 1;
}

// 0 when the separator is empty (the caller reports its error site).
std::int32_t writ_split(WritScratch* s, const char* p, std::uint64_t pn, const char* sep, std::uint64_t sepn,
                        WritCell* out) {
  if (sepn == 0) return 0;
  *out = string_list(s, writ::stdlib::split(view(p, pn), view(sep, sepn)));
  return 1;
}

std::int64_t writ_size_str(const char* p, std::uint64_t n) {
  return writ::stdlib::code_point_count(view(p, n));
}

std::int32_t writ_parse_int(WritScratch* s, const char* p, std::uint64_t n, std::int64_t* out) {
  auto v = writ::stdlib::parse_int(view(p, n));
  if (!v) {
    fail(s, v.error());
    return 0;
  }
  *out = *v;
  return 1;
}

std::int32_t writ_parse_timestamp(WritScratch* s, const char* p, std::uint64_t n, std::int64_t* out) {
  auto v = writ::stdlib::parse_rfc3339(view(p, n));
  if (!v) {
    fail(s, v.error());
    return 0;
  }
  *out = *v;
  return 1;
}

// `string(v)` of an int (kind 1), bool (2), duration (3) or timestamp (4).
void writ_to_string(WritScratch* s, std::uint32_t kind, std::int64_t v, WritCell* out) {
  switch (kind) {
    case 2:
      *out = string_cell(s, v != 0 ? "true" : "false");
      return;
    case 3:
      *out = string_cell(s, writ::stdlib::format_duration(v));
      return;
    case 4:
      *out = string_cell(s, writ::stdlib::format_rfc3339(v));
      return;
    default:
      *out = string_cell(s, std::to_string(v));
      return;
  }
}

std::int32_t writ_is_spiffe_id(const char* p, std::uint64_t n) {
  return std::holds_alternative<writ::stdlib::SpiffeId>(writ::stdlib::parse_spiffe_id(view(p, n)));
}

// A `spiffe_id` record block (trust_domain, path, segments), or null with the error set.
const void* writ_spiffe(WritScratch* s, const char* p, std::uint64_t n) {
  auto parsed = writ::stdlib::parse_spiffe_id(view(p, n));
  if (auto* err = std::get_if<writ::stdlib::SpiffeError>(&parsed)) {
    fail(s, fmt::format("`{}` is not a SPIFFE ID: {}", view(p, n), err->message));
    return nullptr;
  }
  const auto& id = std::get<writ::stdlib::SpiffeId>(parsed);
  RecordBuilder r(s, 3);
  r.set(0, string_cell(s, id.trust_domain));
  r.set(1, string_cell(s, id.path));
  r.set(2, string_list(s, id.segments));
  return r.record;
}

// A `github_subject` record block (fields in the checker's order), or null with the error set.
const void* writ_github_sub(WritScratch* s, const char* p, std::uint64_t n) {
  auto parsed = writ::stdlib::parse_github_sub(view(p, n));
  if (auto* err = std::get_if<writ::stdlib::GithubSubError>(&parsed)) {
    fail(s, fmt::format("`{}` is not a GitHub subject: {}", view(p, n), err->message));
    return nullptr;
  }
  const auto& g = std::get<writ::stdlib::GithubSubject>(parsed);
  RecordBuilder r(s, 8);
  r.set(0, string_cell(s, g.owner));
  r.set(1, string_cell(s, g.name));
  r.set(2, string_cell(s, g.repository));
  if (g.owner_id) r.set(3, string_cell(s, *g.owner_id));
  if (g.repository_id) r.set(4, string_cell(s, *g.repository_id));
  r.set(5, string_cell(s, g.context));
  if (g.environment) r.set(6, string_cell(s, *g.environment));
  if (g.ref) r.set(7, string_cell(s, *g.ref));
  return r.record;
}

void* writ_alloc(WritScratch* s, std::uint64_t bytes) {
  return s->arena->allocate(bytes);
}

}  // extern "C"

namespace writ::codegen {

std::span<const HelperSymbol> helper_symbols() {
  static const HelperSymbol kHelpers[] = {
      {"memcmp", reinterpret_cast<const void*>(&::memcmp)},
      {"writ_glob_match", reinterpret_cast<const void*>(&writ_glob_match)},
      {"writ_regex_match", reinterpret_cast<const void*>(&writ_regex_match)},
      {"writ_path_under", reinterpret_cast<const void*>(&writ_path_under)},
      {"writ_window_contains", reinterpret_cast<const void*>(&writ_window_contains)},
      {"writ_string_set_contains", reinterpret_cast<const void*>(&writ_string_set_contains)},
      {"writ_int_set_contains", reinterpret_cast<const void*>(&writ_int_set_contains)},
      {"writ_list_contains", reinterpret_cast<const void*>(&writ_list_contains)},
      {"writ_list_equal", reinterpret_cast<const void*>(&writ_list_equal)},
      {"writ_starts_with", reinterpret_cast<const void*>(&writ_starts_with)},
      {"writ_ends_with", reinterpret_cast<const void*>(&writ_ends_with)},
      {"writ_find", reinterpret_cast<const void*>(&writ_find)},
      {"writ_contains_str", reinterpret_cast<const void*>(&writ_contains_str)},
      {"writ_lower", reinterpret_cast<const void*>(&writ_lower)},
      {"writ_upper", reinterpret_cast<const void*>(&writ_upper)},
      {"writ_concat", reinterpret_cast<const void*>(&writ_concat)},
      {"writ_split", reinterpret_cast<const void*>(&writ_split)},
      {"writ_size_str", reinterpret_cast<const void*>(&writ_size_str)},
      {"writ_parse_int", reinterpret_cast<const void*>(&writ_parse_int)},
      {"writ_parse_timestamp", reinterpret_cast<const void*>(&writ_parse_timestamp)},
      {"writ_to_string", reinterpret_cast<const void*>(&writ_to_string)},
      {"writ_is_spiffe_id", reinterpret_cast<const void*>(&writ_is_spiffe_id)},
      {"writ_spiffe", reinterpret_cast<const void*>(&writ_spiffe)},
      {"writ_github_sub", reinterpret_cast<const void*>(&writ_github_sub)},
      {"writ_alloc", reinterpret_cast<const void*>(&writ_alloc)},
  };
  return kHelpers;
}

}  // namespace writ::codegen
