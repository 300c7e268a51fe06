// The native ABI shared by generated code, its host helpers, the binder and the engine: how
// values sit in memory (cells and record blocks), what a rule function returns, and the
// per-decision scratch area. Plain C layouts; no LLVM here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stdlib/arena.h"

extern "C" {

// One value: bool/int/timestamp/duration in `a`; a string as pointer (`a`) and length (`b`);
// a list as pointer to its item cells (`a`) and count (`b`); a record as pointer to its block.
struct WritCell {
  std::uint64_t a;
  std::uint64_t b;
};

// What a rule function leaves behind besides its outcome: the error, and for a matching
// permit its grant. Generated code writes the fields at their offsetof() positions.
struct WritScratch {
  writ::stdlib::Arena* arena;  // strings, lists and records made while deciding
  // The arena's bump cursor: generated code allocates small blocks inline, and calls writ_alloc
  // only when the arena's chunk is full.
  writ::stdlib::Arena::Cursor* arena_cursor;
  std::uint32_t error_kind;    // WritErrorKind
  std::uint32_t error_site;    // ir::Policy::sites index
  std::int64_t error_ints[2];  // index errors: the index and the list's size
  const char* error_text;      // helper errors: the message (in the arena)
  std::uint64_t error_text_size;
  // A matching permit's grant outputs (which ones its rule sets is known from the IR).
  std::int64_t grant_ttl;
  WritCell grant_audience;
  WritCell grant_scopes;
  WritCell grant_tags;  // a record block, laid out by the grant expression's record type
};

// A compiled rule: `roots` points at the request's root record pointers (issue: token, request,
// header, exchange; access: request); `constants` at the rule's constant table when its code is
// shared with rules of the same shape (compiler/codegen/rule_shape.h). Returns an outcome.
typedef std::uint32_t (*WritRuleFn)(const void* const* roots, WritScratch* scratch, const WritCell* constants);

}  // extern "C"

namespace writ::native {

static_assert(offsetof(stdlib::Arena::Cursor, next) == 0 && offsetof(stdlib::Arena::Cursor, end) == 8,
              "generated code reads the arena cursor at these offsets");

// Bumped whenever the layouts here or the meaning of generated code's calls change: bundles
// record it, and one made for another ABI is refused (its code would misread the host's memory).
inline constexpr int kAbiVersion = 3;

// Rule outcomes: bits 0-7 the kind, bits 8-31 the step (condition index, or kGrantStep + n
// for the n-th grant output).
enum OutcomeKind : std::uint32_t { kNotMatched = 0, kMatched = 1, kErrored = 2 };
inline constexpr std::uint32_t kGrantStep = 1u << 20;
inline std::uint32_t outcome_kind(std::uint32_t outcome) {
  return outcome & 0xFF;
}
inline std::uint32_t outcome_step(std::uint32_t outcome) {
  return outcome >> 8;
}

enum WritErrorKind : std::uint32_t {
  kErrorNone = 0,
  kErrorSite = 1,          // the message is Policy::sites[error_site]
  kErrorIndex = 2,         // sites[error_site] with error_ints filled in
  kErrorText = 3,          // error_text, set by a helper
  kErrorDivideByZero = 4,  // sites[error_site + 1]
  kErrorSecondSite = 4,    // the same: a node's second message (`under`'s empty segment)
};

// A record of n fields is a block of ceil(n/16) cells of presence bytes, then n field cells. A
// record pointer points at the first field cell: field i is at byte i * 16 and its presence
// byte (1 = present) at byte -1 - i. Neither depends on n, so code reading a schema's fields
// also reads any schema that `extends` it.
inline constexpr std::size_t presence_cells(std::size_t fields) {
  return (fields + 15) / 16;
}
inline constexpr std::size_t record_cells(std::size_t fields) {
  return presence_cells(fields) + fields;
}
inline constexpr std::ptrdiff_t field_offset(std::size_t index) {
  return static_cast<std::ptrdiff_t>(index * sizeof(WritCell));
}
inline constexpr std::ptrdiff_t presence_offset(std::size_t index) {
  return -1 - static_cast<std::ptrdiff_t>(index);
}
// A string cell viewing `s`, and the text a string cell views (neither copies).
inline WritCell text_cell(std::string_view s) {
  return {reinterpret_cast<std::uint64_t>(s.data()), s.size()};
}
inline std::string_view cell_text(const WritCell& c) {
  return {reinterpret_cast<const char*>(c.a), static_cast<std::size_t>(c.b)};
}

// The record pointer of a freshly allocated (zeroed) block of `fields` fields.
inline std::uint8_t* record_in_block(void* block, std::size_t fields) {
  return static_cast<std::uint8_t*>(block) + presence_cells(fields) * sizeof(WritCell);
}

}  // namespace writ::native
