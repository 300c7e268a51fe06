// Grant settlement for native decisions.
#include "runtime/native/verdict.h"

#include <algorithm>
#include <cstring>

namespace writ::engine {

using native::cell_text;

void settle_grants(DecisionContext& context, const GrantRequest& requested, Verdict& verdict) {
  auto refuse = [&](Reason reason, std::string_view item = {}) {
    verdict.allow = false;
    verdict.reason = reason;
    verdict.refused = item;
  };
  std::int64_t ttl = requested.max_ttl;
  if (requested.ttl) ttl = std::min(ttl, *requested.ttl);
  for (const GrantPart& g : context.grants) {
    if (g.ttl) ttl = std::min(ttl, *g.ttl);
  }
  if (ttl <= 0) return refuse(Reason::GrantTtlNotPositive);
  verdict.ttl = ttl;
  for (const GrantPart& g : context.grants) {
    if (!g.audience) continue;
    if (verdict.audience && *verdict.audience != *g.audience) return refuse(Reason::GrantAudienceConflict);
    verdict.audience = g.audience;
  }
  if (requested.audience && (!verdict.audience || *verdict.audience != *requested.audience)) {
    return refuse(Reason::GrantAudienceNotGranted, *requested.audience);
  }
  auto& granted = context.granted_scopes;
  for (const GrantPart& g : context.grants) {
    for (std::uint64_t i = 0; i < g.scope_count; ++i) {
      std::string_view s = cell_text(g.scopes[i]);
      if (std::find(granted.begin(), granted.end(), s) == granted.end()) granted.push_back(s);
    }
  }
  if (requested.scopes.empty()) {
    context.scopes = granted;
  } else {
    for (std::string_view s : requested.scopes) {
      if (std::find(granted.begin(), granted.end(), s) == granted.end()) return refuse(Reason::GrantScopeNotGranted, s);
      context.scopes.push_back(s);
    }
  }
  for (const GrantPart& g : context.grants) {
    if (g.tags == nullptr) continue;
    for (std::size_t i = 0; i < g.tag_count; ++i) {
      if (g.tags[native::presence_offset(i)] == 0) continue;
      WritCell c;
      std::memcpy(&c, g.tags + native::field_offset(i), sizeof c);
      std::string_view key = g.tag_names[i], value = cell_text(c);
      auto it = std::find_if(context.tags.begin(), context.tags.end(), [&](const auto& t) { return t.first == key; });
      if (it == context.tags.end())
        context.tags.emplace_back(key, value);
      else if (it->second != value)
        return refuse(Reason::GrantTagConflict, key);
    }
  }
  verdict.allow = true;
  verdict.reason = Reason::Permit;
}

}  // namespace writ::engine
