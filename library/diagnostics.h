// Turns what the compiler says (diag::Diagnostic with spans) into the public Diagnostic values.
#pragma once

#include <string>
#include <vector>

#include "compiler/driver/policy_set.h"
#include "writ/diagnostic.h"

namespace writ::library {

// Every I/O error and diagnostic of a loaded policy set, in its order.
std::vector<Diagnostic> diagnostics_of(const LoadedPolicySet& policy);

// One error that concerns no place in a file (a bundle that does not load, a bad option).
Diagnostic error_diagnostic(std::string message, std::string file = {});

}  // namespace writ::library
