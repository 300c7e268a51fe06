// The access rule index: where each rule is filed, and the lookup.
#include "runtime/native/access_index.h"

#include <algorithm>

#include "stdlib/glob.h"

namespace writ::engine {

void PrefixIndex::add(const std::string& prefix, std::uint32_t rule) {
  auto& list = rules_[prefix];
  if (list.empty() || list.back() != rule) list.push_back(rule);
  auto at = std::lower_bound(lengths_.begin(), lengths_.end(), prefix.size());
  if (at == lengths_.end() || *at != prefix.size()) lengths_.insert(at, prefix.size());
}

void PrefixIndex::find(std::string_view value, std::vector<std::uint32_t>& out) const {
  for (std::size_t length : lengths_) {
    if (length > value.size()) break;
    auto it = rules_.find(value.substr(0, length));
    if (it != rules_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
}

namespace {

// How well a set of patterns narrows the candidates when filed by their literal prefixes: the
// shortest prefix among them (a pattern with no wildcard counts as the longest); 0 when some
// pattern (or `*`) starts with a wildcard and so cannot be filed.
std::size_t selectivity(const interp::NamePatterns& patterns) {
  if (patterns.any || patterns.items.empty()) return 0;
  std::size_t shortest = SIZE_MAX;
  for (const std::string& p : patterns.items) {
    std::size_t score = stdlib::glob_is_literal(p) ? SIZE_MAX / 2 : stdlib::glob_literal_prefix(p).size();
    shortest = std::min(shortest, score);
  }
  return shortest;
}

void file_under(PrefixIndex& index, const interp::NamePatterns& patterns, std::uint32_t rule) {
  for (const std::string& p : patterns.items) index.add(stdlib::glob_literal_prefix(p), rule);
}

}  // namespace

NameMatcher::NameMatcher(const std::string& pattern) : shape_(Shape::Glob), text_(pattern) {
  // The literal pieces around the `*`s (escapes resolved; none if the pattern has a `?`).
  auto pieces = stdlib::glob_star_segments(pattern);
  if (!pieces) return;
  auto empty = [](const std::string& piece) { return piece.empty(); };
  if (pieces->size() == 1) {
    shape_ = Shape::Exact;
    text_ = std::move(pieces->front());
  } else if (std::all_of(pieces->begin() + 1, pieces->end(), empty)) {  // `lit*`
    shape_ = Shape::Prefix;
    text_ = std::move(pieces->front());
  } else if (std::all_of(pieces->begin(), pieces->end() - 1, empty)) {  // `*lit`
    shape_ = Shape::Suffix;
    text_ = std::move(pieces->back());
  }
}

NamesMatcher::NamesMatcher(const interp::NamePatterns& patterns) : any(patterns.any) {
  for (const std::string& p : patterns.items) items.emplace_back(p);
}

AccessHead::AccessHead(const interp::RuleHead& rule)
    : actions(rule.actions),
      resources(rule.resources),
      principals(rule.principals),
      token_issuers(rule.principal_kind == "token" ? rule.issuers : std::vector<std::string>{}),
      principal(rule.principal_kind == "spiffe"  ? Principal::Spiffe
                : rule.principal_kind == "role"  ? Principal::Role
                : rule.principal_kind == "token" ? Principal::Token
                : rule.principal_kind.empty()    ? Principal::Any
                                                 : Principal::Never) {}

AccessIndex::AccessIndex(const interp::RuntimePolicy& policy, const std::vector<std::uint32_t>& rules) {
  head_slot_.assign(policy.rules.size(), UINT32_MAX);
  for (std::uint32_t index : rules) {
    const interp::RuleHead& rule = policy.rules[index];
    head_slot_[index] = static_cast<std::uint32_t>(heads_.size());
    heads_.emplace_back(rule);
    PrefixIndex* principals = rule.principal_kind == "spiffe" ? &spiffe_principals_
                              : rule.principal_kind == "role" ? &role_principals_
                                                              : nullptr;
    std::size_t by_resource = selectivity(rule.resources);
    std::size_t by_principal = principals != nullptr ? selectivity(rule.principals) : 0;
    std::size_t by_action = selectivity(rule.actions);
    std::size_t best = std::max({by_resource, by_principal, by_action});
    if (best == 0) {
      always_.push_back(index);
    } else if (by_resource == best) {
      file_under(resources_, rule.resources, index);
    } else if (by_principal == best) {
      file_under(*principals, rule.principals, index);
    } else {
      file_under(actions_, rule.actions, index);
    }
  }
}

void AccessIndex::candidates(const interp::AccessSubject& request, std::vector<std::uint32_t>& out) const {
  out.clear();
  resources_.find(request.resource, out);
  actions_.find(request.action, out);
  if (request.principal_kind == "spiffe") spiffe_principals_.find(request.principal_name, out);
  if (request.principal_kind == "role") role_principals_.find(request.principal_name, out);
  out.insert(out.end(), always_.begin(), always_.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace writ::engine
