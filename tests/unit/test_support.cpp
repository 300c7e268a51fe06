// Helpers shared by the tests.
#include "tests/unit/test_support.h"
#include "compiler/driver/policy_set.h"

#include "compiler/diag/render.h"

namespace writ::testing {

const char* const kGithubIssuer = R"(
issuer github = "https://token.actions.githubusercontent.com" {
  schema: github_actions
  audience: "sts.amazonaws.com"
  algorithms: [RS256]
}
)";

LoadedPolicySet check_text(const std::string& text) {
  return driver::check_sources({{"test.writ", text}});
}

std::vector<std::string> codes(const LoadedPolicySet& set) {
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : set.diagnostics.diagnostics()) out.emplace_back(diag_info(d.id).code);
  return out;
}

std::string rendered(const LoadedPolicySet& set) {
  return render_text(set.diagnostics.diagnostics(), set.sources);
}

}  // namespace writ::testing
