// The renderings of a decision (include/writ/decision.h). Its JSON form (docs/semantics.md §5.3) is what tools, tests,
// the broker and audit logs use.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "writ/decision.h"

namespace writ::interp {

nlohmann::json decision_to_json(const Decision& decision);

// A human-readable rendering of a decision and its explanation.
std::string decision_to_text(const Decision& decision);

}  // namespace writ::interp
