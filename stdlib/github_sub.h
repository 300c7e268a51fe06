// Parses the `sub` claim of a GitHub Actions OIDC token into typed parts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace writ::stdlib {

// repo:OWNER/REPO:<context> or the immutable repo:OWNER@OWNER_ID/REPO@REPO_ID:<context>, where
// the context is `environment:ENV`, `pull_request` or `ref:REF`, possibly followed or
// preceded by customized `key:value` pairs. `%3A` in values decodes to `:`.
struct GithubSubject {
  std::string owner;
  std::string name;                          // the repository name without its owner
  std::string repository;                    // OWNER/REPO
  std::optional<std::string> owner_id;       // immutable form only
  std::optional<std::string> repository_id;  // immutable form only
  std::string context;                       // "environment", "pull_request", "ref", or "" if absent
  std::optional<std::string> environment;
  std::optional<std::string> ref;
  std::vector<std::pair<std::string, std::string>> claims;  // every key:value pair, in order
};

struct GithubSubError {
  std::string message;
};

std::variant<GithubSubject, GithubSubError> parse_github_sub(std::string_view sub);

}  // namespace writ::stdlib
