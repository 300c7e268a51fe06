// An issuance request with a valid GitHub Actions token, for the runtime tests.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace writ::testing {

inline nlohmann::json github_request(const std::string& role, const std::string& repository_id,
                                     const std::string& owner = "a") {
  nlohmann::json claims = {{"iss", "https://token.actions.githubusercontent.com"},
                           {"aud", "sts.amazonaws.com"},
                           {"sub", "repo:a/b:ref:refs/heads/main"},
                           {"exp", 2000},
                           {"iat", 900},
                           {"nbf", 900},
                           {"jti", "j"},
                           {"actor", "x"},
                           {"actor_id", "1"},
                           {"repository", "a/b"},
                           {"repository_id", repository_id},
                           {"repository_owner", owner},
                           {"repository_owner_id", "1"},
                           {"repository_visibility", "private"},
                           {"ref", "refs/heads/main"},
                           {"ref_type", "branch"},
                           {"sha", "s"},
                           {"head_ref", ""},
                           {"base_ref", ""},
                           {"event_name", "push"},
                           {"workflow", "w"},
                           {"workflow_ref", "w"},
                           {"workflow_sha", "s"},
                           {"job_workflow_ref", "j"},
                           {"job_workflow_sha", "s"},
                           {"run_id", "1"},
                           {"run_number", "1"},
                           {"run_attempt", "1"}};
  return {{"kind", "issue"},
          {"issuer", "github"},
          {"header", {{"alg", "RS256"}}},
          {"claims", claims},
          {"request", {{"role", role}, {"time", 1000}}}};
}

}  // namespace writ::testing
