// Candidate access rules for a request without testing every rule: each rule is filed under the
// literal prefix of its most selective patterns (resources, principals or actions), and a request
// looks up its own values' prefixes. The candidates are a superset of the rules that apply, in
// policy order; each is then tested with its head compiled (AccessHead), which selects exactly as
// access_rule_applies does.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/interp/request_binder.h"
#include "runtime/interp/runtime_policy.h"
#include "stdlib/glob.h"

namespace writ::engine {

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

// A head glob compiled for its shape: most are a literal, a literal and a trailing `*`, or a `*`
// and a literal; anything else is matched as a glob.
class NameMatcher {
 public:
  explicit NameMatcher(const std::string& pattern);
  bool matches(std::string_view value) const {
    switch (shape_) {
      case Shape::Exact:
        return value == text_;
      case Shape::Prefix:
        return value.starts_with(text_);
      case Shape::Suffix:
        return value.ends_with(text_);
      case Shape::Glob:
        break;
    }
    return stdlib::glob_match(text_, value);
  }

 private:
  enum class Shape { Exact, Prefix, Suffix, Glob } shape_;
  std::string text_;  // the literal (unescaped), or the whole pattern for Glob
};

// Names patterns (`*` or a list), compiled.
struct NamesMatcher {
  explicit NamesMatcher(const interp::NamePatterns& patterns);
  bool matches(std::string_view value) const {
    if (any) return true;
    for (const NameMatcher& m : items) {
      if (m.matches(value)) return true;
    }
    return false;
  }
  bool any = false;
  std::vector<NameMatcher> items;
};

// An access rule's head, compiled: selects a request exactly when access_rule_applies does.
struct AccessHead {
  explicit AccessHead(const interp::RuleHead& rule);
  bool applies(const interp::AccessSubject& request) const {
    if (!actions.matches(request.action) || !resources.matches(request.resource)) return false;
    switch (principal) {
      case Principal::Any:
        return true;
      case Principal::Spiffe:
        return request.principal_kind == "spiffe" && request.valid_spiffe && principals.matches(request.principal_name);
      case Principal::Role:
        return request.principal_kind == "role" && principals.matches(request.principal_name);
      case Principal::Token:
        return !request.token_issuer.empty() &&
               (token_issuers.empty() ||
                std::find(token_issuers.begin(), token_issuers.end(), request.token_issuer) != token_issuers.end());
      case Principal::Never:
        return false;
    }
    return false;
  }
  NamesMatcher actions, resources, principals;
  std::vector<std::string> token_issuers;  // `by token ISSUERS`; empty: any token
  // Never: a kind no evaluator knows (a damaged bundle); it selects nothing.
  enum class Principal { Any, Spiffe, Role, Token, Never } principal;
};

class AccessIndex {
 public:
  AccessIndex() = default;
  // `rules` are the access rules' indices into `policy.rules`, ascending.
  AccessIndex(const interp::RuntimePolicy& policy, const std::vector<std::uint32_t>& rules);

  // The rules that may apply to `request`, ascending (policy order), each once.
  void candidates(const interp::AccessSubject& request, std::vector<std::uint32_t>& out) const;
  // The compiled head of access rule `rule` (an index into the policy's rules).
  const AccessHead& head(std::uint32_t rule) const { return heads_[head_slot_[rule]]; }

 private:
  PrefixIndex resources_, actions_, spiffe_principals_, role_principals_;
  std::vector<std::uint32_t> always_;  // rules with no pattern to file them under
  std::vector<AccessHead> heads_;
  std::vector<std::uint32_t> head_slot_;  // rule index -> heads_ (access rules only)
};

}  // namespace writ::engine
