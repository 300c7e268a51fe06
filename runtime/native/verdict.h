// The hot-path result of a native decision: what was decided, by which rules, with which grant,
// as indices and views into a reusable context, so deciding allocates nothing in the common
// case. `NativePolicy::to_decision` turns it into the documented Decision.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/codegen/abi.h"
#include "compiler/types/types.h"
#include "runtime/native/json_binder.h"
#include "stdlib/arena.h"
#include "writ/decision.h"

namespace writ::engine {

// What one candidate rule's function returned (compiler/codegen/abi.h): kept for every
// decision, so a native decision can be explained without evaluating the rules again.
struct RuleOutcome {
  std::uint32_t rule;  // index in Program::rules
  std::uint32_t outcome;
};

struct NativeRuleError {
  std::uint32_t rule;  // index in Program::rules
  std::string message;
};

// What one matching permit grants, as views (into the request, the policy or the arena).
struct GrantPart {
  std::optional<std::int64_t> ttl;
  std::optional<std::string_view> audience;
  const WritCell* scopes = nullptr;  // string cells
  std::uint64_t scope_count = 0;
  const std::uint8_t* tags = nullptr;           // a record block of strings
  const std::string_view* tag_names = nullptr;  // its fields' names, by index
  std::size_t tag_count = 0;
};

// What the request asks for, read once when it is bound.
struct GrantRequest {
  std::int64_t max_ttl = 3600;
  std::optional<std::int64_t> ttl;
  std::optional<std::string_view> audience;
  std::vector<std::string_view> scopes;
};

// Reusable per thread: vectors keep their capacity and the arena its memory between decisions.
class DecisionContext {
 public:
  DecisionContext() = default;
  DecisionContext(const DecisionContext&) = delete;
  DecisionContext& operator=(const DecisionContext&) = delete;

  void reset() {
    arena.reset();
    scratch.error_kind = native::kErrorNone;
    outcomes.clear();
    permits.clear();
    forbids.clear();
    errors.clear();
    grants.clear();
    scopes.clear();
    granted_scopes.clear();
    tags.clear();
  }

  JsonBinder binder;             // requests decided from JSON text are bound here
  std::uint64_t fast_binds = 0;  // how many of them bound on the fast path (for tests and stats)
  stdlib::Arena arena{2048};
  WritScratch scratch{&arena, arena.cursor(), 0, 0, {}, nullptr, 0, 0, {}, {}, {}};
  // Of the candidate rules, in the order they ran: what explanations are built from. Recording
  // costs a few percent of a decision (bench/decision_bench.cpp); it can be turned off.
  bool record_outcomes = true;
  std::vector<RuleOutcome> outcomes;
  std::vector<std::uint32_t> permits, forbids;
  std::vector<NativeRuleError> errors;
  std::vector<GrantPart> grants;
  // The settled grant.
  std::vector<std::string_view> scopes, granted_scopes;
  std::vector<std::pair<std::string_view, std::string_view>> tags;
  std::vector<std::uint32_t> access_candidates;  // an access decision's rules to test (AccessIndex)
};

// The determining rules are the context's forbids (Forbid), none (NoPermit), or its permits.
// With an allow, the grant is `ttl`, `audience` and the context's scopes and tags.
struct Verdict {
  bool allow = false;
  Reason reason = Reason::NoPermit;
  std::string_view refused;  // the audience, scope or tag key that a grant refusal names
  std::int64_t ttl = 0;
  std::optional<std::string_view> audience;
};

// The general case of settle_native_grant (any number of grants, scopes).
void settle_grants(DecisionContext& context, const GrantRequest& requested, Verdict& verdict);

// The common case, one matching permit that grants no scopes to a request that asks for none:
// nothing to intersect or reconcile (settle_grants gives the same result). Inline, as it is
// most of what an allowed decision does after its rules ran.
inline void settle_single_grant(DecisionContext& context, const GrantRequest& requested, Verdict& verdict) {
  const GrantPart& g = context.grants[0];
  std::int64_t ttl = requested.max_ttl;
  if (requested.ttl && *requested.ttl < ttl) ttl = *requested.ttl;
  if (g.ttl && *g.ttl < ttl) ttl = *g.ttl;
  if (ttl <= 0) {
    verdict.allow = false;
    verdict.reason = Reason::GrantTtlNotPositive;
    return;
  }
  verdict.ttl = ttl;
  verdict.audience = g.audience;
  if (requested.audience && (!g.audience || *g.audience != *requested.audience)) {
    verdict.allow = false;
    verdict.reason = Reason::GrantAudienceNotGranted;
    verdict.refused = *requested.audience;
    return;
  }
  for (std::size_t i = 0; i < g.tag_count; ++i) {
    if (g.tags[native::presence_offset(i)] == 0) continue;
    WritCell c;
    std::memcpy(&c, g.tags + native::field_offset(i), sizeof c);
    context.tags.emplace_back(g.tag_names[i], native::cell_text(c));
  }
  verdict.allow = true;
  verdict.reason = Reason::Permit;
}

// The intersection of what every matching permit grants with what the request asks for
// (docs/semantics.md §5.1); the native counterpart of settle_grant, proved equal to it by the
// conformance and differential tests. Fills `verdict` and the context's scopes and tags.
inline void settle_native_grant(DecisionContext& context, const GrantRequest& requested, Verdict& verdict) {
  if (context.grants.size() == 1 && requested.scopes.empty() && context.grants[0].scope_count == 0) {
    settle_single_grant(context, requested, verdict);
  } else {
    settle_grants(context, requested, verdict);
  }
}

}  // namespace writ::engine
