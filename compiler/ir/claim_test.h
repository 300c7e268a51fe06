// A rule whose first condition is `token.<name> == "<value>"` (either way round): what the
// native claim index groups rules by, and what a bundle's runtime image keeps of each rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "compiler/ir/ir.h"

namespace writ::ir {

struct FirstClaimTest {
  std::int64_t field;  // index in the rule's token type
  std::string name;
  std::string value;
};

std::optional<FirstClaimTest> first_claim_test(const Policy& policy, const Rule& rule);

}  // namespace writ::ir
