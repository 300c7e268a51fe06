// Candidate access rules for a request without testing every rule: each rule is filed under the
// literal prefix of its most selective patterns (resources, principals or actions), and a request
// looks up its own values' prefixes. The candidates are a superset of the rules that apply, in
// policy order; callers still test each with access_rule_applies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/interp/request_binder.h"
#include "runtime/interp/runtime_policy.h"

namespace writ {

// Rules filed by the literal prefixes of their patterns; a value finds every rule one of whose
// prefixes it starts with.
class PrefixIndex {
 public:
  void add(const std::string& prefix, std::uint32_t rule);
  // Appends the rules filed under a prefix of `value` (unordered, possibly repeated).
  void find(std::string_view value, std::vector<std::uint32_t>& out) const;
  bool empty() const { return rules_.empty(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>> rules_;
  std::vector<std::size_t> lengths_;  // the distinct prefix lengths, ascending
};

class AccessIndex {
 public:
  AccessIndex() = default;
  // `rules` are the access rules' indices into `policy.rules`, ascending.
  AccessIndex(const RuntimePolicy& policy, const std::vector<std::uint32_t>& rules);

  // The rules that may apply to `request`, ascending (policy order), each once.
  void candidates(const AccessSubject& request, std::vector<std::uint32_t>& out) const;

 private:
  PrefixIndex resources_, actions_, spiffe_principals_, role_principals_;
  std::vector<std::uint32_t> always_;  // rules with no pattern to file them under
};

}  // namespace writ
