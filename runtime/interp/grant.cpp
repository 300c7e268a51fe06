// Grant settlement: minimum TTL, one audience, requested scopes all granted, consistent tags.
#include "runtime/interp/grant.h"

#include <algorithm>

#include <fmt/format.h>

namespace writ {

void settle_grant(Decision& d, const std::vector<Grant>& grants, const RequestedGrant& requested) {
  d.allow = false;  // until the grant is settled
  auto refuse = [&](std::string reason, std::string detail) {
    d.reason = std::move(reason);
    d.detail = std::move(detail);
  };
  Grant grant;
  std::int64_t ttl = requested.max_ttl;
  if (requested.ttl) ttl = std::min(ttl, *requested.ttl);
  for (const Grant& g : grants) {
    if (g.ttl) ttl = std::min(ttl, *g.ttl);
  }
  if (ttl <= 0) return refuse("grant.ttl_not_positive", "the granted lifetime is not positive");
  grant.ttl = ttl;
  for (const Grant& g : grants) {
    if (!g.audience) continue;
    if (grant.audience && *grant.audience != *g.audience) {
      return refuse("grant.audience_conflict", "matching rules grant different audiences");
    }
    grant.audience = g.audience;
  }
  if (requested.audience && (!grant.audience || *grant.audience != *requested.audience)) {
    return refuse("grant.audience_not_granted",
                  fmt::format("no matching rule grants the audience `{}`", *requested.audience));
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
        return refuse("grant.scope_not_granted", fmt::format("no matching rule grants the scope `{}`", s));
      }
      grant.scopes.push_back(s);
    }
  }
  for (const Grant& g : grants) {
    for (const auto& [k, v] : g.tags) {
      auto [it, inserted] = grant.tags.emplace(k, v);
      if (!inserted && it->second != v)
        return refuse("grant.tag_conflict", fmt::format("matching rules set the tag `{}` differently", k));
    }
  }
  d.allow = true;
  d.grant = std::move(grant);
}

}  // namespace writ
