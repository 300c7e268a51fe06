// Runs the `test` blocks of a policy set on the interpreter (and on native code) and compares the
// decisions with what each test expects, and the engines with each other.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compiler/check/checked_policy.h"
#include "runtime/interp/interpreter.h"

namespace writ::interp {

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

// Runs every test on the interpreter and, with `native`, also on native code (what brokers run):
// a test passes only if both give the same decision.
TestReport run_tests(const Interpreter& interpreter, const LoadedPolicySet& policy, const Decider* native = nullptr);

}  // namespace writ::interp
