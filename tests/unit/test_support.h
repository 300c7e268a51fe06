// Helpers shared by the tests: check in-memory policies and list diagnostic codes.
#pragma once

#include <string>
#include <vector>

#include "compiler/driver/policy_set.h"

namespace writ::testing {

// Checks one in-memory file named "test.writ" together with the built-in schemas.
LoadedPolicySet check_text(const std::string& text);

// The codes of the diagnostics, in order ("E1001", "W0001", ...).
std::vector<std::string> codes(const LoadedPolicySet& set);

// Renders the diagnostics as plain text (no colour).
std::string rendered(const LoadedPolicySet& set);

// A valid issuer declaration for GitHub, to prefix rule snippets with.
extern const char* const kGithubIssuer;

}  // namespace writ::testing
