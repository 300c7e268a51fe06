// Generates realistic policy sets of any size for benchmarks: issuance, one role per repository,
// rules like a GitHub deploy rule: repository id, ref, environment, event in a set, runner
// environment and a job_workflow_ref glob (six conditions), and a grant; and service-to-service
// access by SPIFFE ID.
#pragma once

#include <string>
#include <vector>

#include "compiler/driver/policy_set.h"

namespace writ::bench {

// `rules` rules spread over `files` files, plus one file declaring the issuer. With `one_role`,
// every rule is for the role "deployer" (rules then differ only by repository).
std::vector<SourceText> generate_policy_set(int rules, int files, bool one_role = false);

// `rules` service-to-service access rules over `files` files, one service per rule (its actions,
// its resources, its SPIFFE namespace and two conditions), and one forbid for every service.
std::vector<SourceText> generate_access_policy_set(int rules, int files);

}  // namespace writ::bench
