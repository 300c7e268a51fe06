// Settling the grant of an allowed issuance: the intersection of what every matching permit
// grants with what the request asks for (docs/semantics.md §5.1). Shared by both engines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/interp/decision.h"

namespace writ::interp {

struct RequestedGrant {
  std::int64_t max_ttl = 3600;  // the global cap
  std::optional<std::int64_t> ttl;
  std::optional<std::string> audience;
  std::vector<std::string> scopes;
};

// `d` is an allow by permit; it stays one with `d.grant` set, or becomes a deny with a
// `grant.*` reason that still names the permits that matched.
void settle_grant(Decision& d, const std::vector<Grant>& grants, const RequestedGrant& requested);

// The detail of a `grant.*` deny, naming what was refused (an audience, a scope, a tag); one
// wording for both engines.
std::string grant_refusal_detail(Reason reason, std::string_view refused);

}  // namespace writ::interp
