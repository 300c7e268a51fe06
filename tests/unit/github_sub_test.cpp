// Tests for parsing GitHub's `sub` claim in all its forms.
#include <gtest/gtest.h>

#include "stdlib/github_sub.h"

namespace writ::stdlib {
namespace {

GithubSubject parse_ok(std::string_view sub) {
  auto result = parse_github_sub(sub);
  EXPECT_TRUE(std::holds_alternative<GithubSubject>(result)) << sub;
  return std::holds_alternative<GithubSubject>(result) ? std::get<GithubSubject>(result) : GithubSubject{};
}

TEST(GithubSub, EnvironmentForm) {
  auto s = parse_ok("repo:octo-org/octo-repo:environment:prod");
  EXPECT_EQ(s.owner, "octo-org");
  EXPECT_EQ(s.name, "octo-repo");
  EXPECT_EQ(s.repository, "octo-org/octo-repo");
  EXPECT_EQ(s.context, "environment");
  EXPECT_EQ(s.environment, "prod");
  EXPECT_FALSE(s.ref);
  EXPECT_FALSE(s.repository_id);
}

TEST(GithubSub, RefAndPullRequestForms) {
  auto ref = parse_ok("repo:acme/payments:ref:refs/heads/main");
  EXPECT_EQ(ref.context, "ref");
  EXPECT_EQ(ref.ref, "refs/heads/main");
  auto pr = parse_ok("repo:acme/payments:pull_request");
  EXPECT_EQ(pr.context, "pull_request");
  EXPECT_FALSE(pr.ref);
}

TEST(GithubSub, ImmutableIdForm) {
  auto s = parse_ok("repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main");
  EXPECT_EQ(s.repository, "octo-org/octo-repo");
  EXPECT_EQ(s.owner_id, "123456");
  EXPECT_EQ(s.repository_id, "456789");
}

TEST(GithubSub, CustomizedFormAndEncodedColons) {
  auto s = parse_ok(
      "repo:octo-org/octo-repo:environment:Production%3AV1:job_workflow_ref:octo-org/auto/.github/workflows/"
      "oidc.yml@refs/heads/main");
  EXPECT_EQ(s.environment, "Production:V1");
  ASSERT_EQ(s.claims.size(), 3u);
  EXPECT_EQ(s.claims[2].first, "job_workflow_ref");
  EXPECT_EQ(s.claims[2].second, "octo-org/auto/.github/workflows/oidc.yml@refs/heads/main");
}

TEST(GithubSub, RejectsMalformedSubjects) {
  for (std::string_view bad :
       {"", "repo:", "repo:noslash:ref:x", "repo:a/b/c:ref:x", "ref:refs/heads/main", "repo:a/b:environment",
        "repo:a@x/b@1:ref:r", "repo:a@1/b:ref:r", "repo:a/b:repo:c/d:ref:r", "repo:a/b::x",
        // Issue 12, finding 13: a repeated part is ambiguous (the parser used to keep the last).
        "repo:a/b:ref:refs/heads/main:ref:refs/heads/evil", "repo:a/b:environment:prod:environment:dev",
        "repo:a/b:pull_request:pull_request", "repo:a/b:job_workflow_ref:x:job_workflow_ref:y"}) {
    EXPECT_TRUE(std::holds_alternative<GithubSubError>(parse_github_sub(bad))) << bad;
  }
}

}  // namespace
}  // namespace writ::stdlib
