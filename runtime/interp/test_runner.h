// Runs the `test` blocks of a policy set against the interpreter and compares decisions.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compiler/driver/policy_set.h"
#include "runtime/interp/interpreter.h"

namespace writ {

struct TestOutcome {
  std::string name;
  std::string location;  // file:line of the test block
  bool passed = false;
  std::vector<std::string> differences;  // "expected allow, got deny (no_permit)", ...
  Decision decision;                     // with its explanation
};

struct TestReport {
  std::vector<TestOutcome> outcomes;
  std::set<std::string> matched_rules;  // rules that matched in at least one test
  std::size_t passed() const;
  std::size_t failed() const;
};

TestReport run_tests(const Interpreter& interpreter, const LoadedPolicySet& policy);

}  // namespace writ
