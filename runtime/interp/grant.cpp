// Grant settlement: minimum TTL, one audience, requested scopes all granted, consistent tags.
#include "runtime/interp/grant.h"

#include <algorithm>

#include <fmt/format.h>

namespace writ::interp {

std::string grant_refusal_detail(Reason reason, std::string_view refused) {
  switch (reason) {
    case Reason::GrantTtlNotPositive:
      return "the granted lifetime is not positive";
    case Reason::GrantAudienceConflict:
      return "matching rules grant different audiences";
    case Reason::GrantAudienceNotGranted:
      return fmt::format("no matching rule grants the audience `{}`", refused);
    case Reason::GrantScopeNotGranted:
      return fmt::format("no matching rule grants the scope `{}`", refused);
    case Reason::GrantTagConflict:
      return fmt::format("matching rules set the tag `{}` differently", refused);
    default:
      return {};
  }
}

void settle_grant(Decision& d, const std::vector<Grant>& grants, const RequestedGrant& requested) {
  d.allow = false;  // until the grant is settled
  auto refuse = [&](Reason reason, std::string_view refused = {}) {
    d.reason = reason;
    d.detail = grant_refusal_detail(reason, refused);
  };
  Grant grant;
  std::int64_t ttl = requested.max_ttl;
  if (requested.ttl) ttl = std::min(ttl, *requested.ttl);
  for (const Grant& g : grants) {
    if (g.ttl) ttl = std::min(ttl, *g.ttl);
  }
  if (ttl <= 0) return refuse(Reason::GrantTtlNotPositive);
  grant.ttl = ttl;
  for (const Grant& g : grants) {
    if (!g.audience) continue;
    if (grant.audience && *grant.audience != *g.audience) {
      return refuse(Reason::GrantAudienceConflict);
    }
    grant.audience = g.audience;
  }
  if (requested.audience && (!grant.audience || *grant.audience != *requested.audience)) {
    return refuse(Reason::GrantAudienceNotGranted, *requested.audience);
  }
  std::vector<std::string> granted;
  for (const Grant& g : grants) {
    for (const auto& s : g.scopes) {
      if (std::find(granted.begin(), granted.end(), s) == granted.end()) granted.push_back(s);
    }
  }
  if (requested.scopes.empty()) {
    grant.scopes = std::move(granted);
  } else {
    for (const std::string& s : requested.scopes) {
      if (std::find(granted.begin(), granted.end(), s) == granted.end()) {
        return refuse(Reason::GrantScopeNotGranted, s);
      }
      grant.scopes.push_back(s);
    }
  }
  for (const Grant& g : grants) {
    for (const auto& [k, v] : g.tags) {
      auto [it, inserted] = grant.tags.emplace(k, v);
      if (!inserted && it->second != v) return refuse(Reason::GrantTagConflict, k);
    }
  }
  d.allow = true;
  d.grant = std::move(grant);
}

}  // namespace writ::interp
