// Rule shapes: rules that differ only in their constants (strings, numbers, patterns, error
// messages) share one compiled function, which reads the constants from a table per rule.
// Generated policy sets (one rule per repository) then compile one function, not thousands:
// the fast tier's compile time stays near constant as a policy set grows.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/ir.h"

namespace writ::codegen {

struct ShapeConstant {
  enum class Kind { Text, Int, Regex, Window, Set } kind = Kind::Int;
  std::string text;        // Text
  std::int64_t value = 0;  // Int; the index of the host object for Regex, Window and Set
};

struct RuleShape {
  std::string key;                                      // equal keys: one function serves both rules
  std::unordered_map<ir::NodeId, std::uint32_t> slots;  // node -> its first constant slot
  std::vector<ShapeConstant> constants;                 // the rule's constants, in slot order
};

RuleShape shape_of(const ir::Policy& policy, const ir::Rule& rule);

// The literal pieces of a `like` pattern as generated code matches them: the pieces around
// `*`, or empty for a pattern with `?` (matched by the helper).
std::vector<std::string> like_pieces(const std::string& pattern);

}  // namespace writ::codegen
