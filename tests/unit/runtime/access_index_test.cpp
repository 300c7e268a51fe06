// Tests for the access rule index: its candidates are, for every request, in policy order, each
// once, and include every rule whose patterns select the request (checked against a full scan);
// and its compiled heads select exactly the requests access_rule_applies selects.
#include <gtest/gtest.h>

#include "runtime/native/access_index.h"

namespace writ::engine {
namespace {

interp::NamePatterns patterns(std::vector<std::string> items) {
  interp::NamePatterns p;
  p.any = items.empty();
  p.items = std::move(items);
  return p;
}

interp::RuleHead access_rule(std::vector<std::string> actions, std::vector<std::string> resources, std::string kind,
                             std::vector<std::string> principals) {
  interp::RuleHead r;
  r.access = true;
  r.actions = patterns(std::move(actions));
  r.resources = patterns(std::move(resources));
  r.principal_kind = std::move(kind);
  r.principals = patterns(std::move(principals));
  return r;
}

interp::BoundAccessRequest access_request(std::string kind, std::string name, std::string action,
                                          std::string resource) {
  interp::BoundAccessRequest r;
  r.principal_kind = std::move(kind);
  r.principal_name = std::move(name);
  r.valid_spiffe = r.principal_kind == "spiffe" && r.principal_name.starts_with("spiffe://");
  r.action = std::move(action);
  r.resource = std::move(resource);
  return r;
}

TEST(AccessIndex, CandidatesCoverEveryRuleThatAppliesInPolicyOrder) {
  interp::RuntimePolicy policy;
  policy.rules.push_back(interp::RuleHead{});  // an issue rule: never a candidate
  // Filed by resource, by principal, by action, and not at all; literals, prefixes, escapes,
  // inner and leading wildcards, several patterns with shared prefixes.
  policy.rules.push_back(access_rule({"read"}, {"data/a/*"}, "spiffe", {"spiffe://acme/ns/a/*"}));
  policy.rules.push_back(access_rule({}, {"*"}, "spiffe", {"spiffe://acme/ns/b/sa/api"}));
  policy.rules.push_back(access_rule({"deploy.*", "read"}, {"*/x"}, "", {}));
  policy.rules.push_back(access_rule({"*d"}, {}, "role", {"*-prod"}));
  policy.rules.push_back(access_rule({}, {"data/*", "data/a/b", "logs"}, "role", {"deployer"}));
  policy.rules.push_back(access_rule({"re?d"}, {"d?ta/a/*"}, "spiffe", {"spiffe://acme/*"}));
  policy.rules.push_back(access_rule({}, {"lit\\*eral"}, "", {}));
  policy.rules.push_back(access_rule({"read"}, {"data/a/*"}, "spiffe", {"spiffe://acme/ns/a/*"}));  // a twin
  // Escaped wildcards at the ends, where compiled heads pick a prefix or suffix test.
  policy.rules.push_back(access_rule({"re*", "d**"}, {"lit\\*", "*eral", "**"}, "role", {"deployer\\\\*"}));
  policy.rules.push_back(access_rule({"\\*d"}, {"data/\\a*", "*a/b"}, "", {}));
  std::vector<std::uint32_t> access;
  for (std::uint32_t i = 1; i < policy.rules.size(); ++i) access.push_back(i);
  AccessIndex index(policy, access);

  std::vector<std::pair<std::string, std::string>> principals = {{"spiffe", "spiffe://acme/ns/a/sa/x"},
                                                                 {"spiffe", "spiffe://acme/ns/b/sa/api"},
                                                                 {"spiffe", "spiffe://acme/ns/b"},
                                                                 {"spiffe", "spiffe://other/ns/a/sa/x"},
                                                                 {"role", "deployer"},
                                                                 {"role", "deployer-prod"},
                                                                 {"role", "x"},
                                                                 {"role", "deployer\\x"},
                                                                 {"spiffe", "not-spiffe"}};
  std::vector<std::string> actions = {"read", "reed", "deploy.prod", "deploy", "rea", "d", "", "*d", "xd"};
  std::vector<std::string> resources = {"data/a/1", "data/a/b", "data/a/", "data/a", "dxta/a/1", "q/x",  "logs",
                                        "lit*eral", "litxeral", "",        "data",   "lit*",     "litx", "data/a/b/c"};
  std::vector<std::uint32_t> found;
  int applying = 0;
  for (const auto& [kind, name] : principals) {
    for (const std::string& action : actions) {
      for (const std::string& resource : resources) {
        interp::BoundAccessRequest request = access_request(kind, name, action, resource);
        index.candidates(request.subject(), found);
        SCOPED_TRACE(kind + " " + name + " / " + action + " / " + resource);
        EXPECT_TRUE(std::is_sorted(found.begin(), found.end()));
        EXPECT_EQ(std::adjacent_find(found.begin(), found.end()), found.end());
        for (std::uint32_t rule : access) {
          EXPECT_EQ(index.head(rule).applies(request.subject()),
                    interp::access_rule_applies(policy.rules[rule], request.subject()))
              << "rule " << rule;
          if (!interp::access_rule_applies(policy.rules[rule], request.subject())) continue;
          ++applying;
          EXPECT_TRUE(std::binary_search(found.begin(), found.end(), rule)) << "rule " << rule;
        }
      }
    }
  }
  EXPECT_GT(applying, 40);  // the grid selects rules of every kind, not just a few

  // And it narrows: a request for one service's data meets that service's rules, not others'.
  index.candidates(access_request("spiffe", "spiffe://acme/ns/b/sa/api", "write", "q/y").subject(), found);
  // 2 by its principal, 6 by its principal's prefix, 4 always (it has no literal prefix to file).
  EXPECT_EQ(found, (std::vector<std::uint32_t>{2, 4, 6}));
}

}  // namespace
}  // namespace writ::engine
