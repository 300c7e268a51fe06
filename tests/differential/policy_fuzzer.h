// Random well-typed policies and random requests, biased toward near-miss values, for
// differential testing of native code against the interpreter. Deterministic per seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace writ::fuzz {

class PolicyFuzzer {
 public:
  explicit PolicyFuzzer(std::uint64_t seed) : rng_(seed) {}

  // One policy file: a schema exercising every claim type, an issuer and 2-7 rules.
  std::string policy();
  // Whether the last policy retypes a registered JWT claim, which the checker must refuse (E2009).
  bool retyped_registered_claim() const { return retyped_; }
  // A request for the last generated policy: usually issuance, sometimes access.
  nlohmann::json request();
  // `value` as JSON text as a hostile client might write it: members in a random order, strings
  // with random escapes (`\/`, `\u0061`, surrogate pairs), random whitespace. Same meaning.
  std::string text(const nlohmann::json& value);

 private:
  // Expressions of a type; `guards` collects the `has(...)` facts they need.
  std::string boolean(int depth);
  std::string text(int depth);
  std::string integer(int depth);
  std::string instant(int depth);
  std::string span(int depth);
  std::string string_list(int depth);
  std::string condition();
  std::string token_condition();
  nlohmann::json issue_request();
  std::string rule(int index);

  std::string pick(const std::vector<std::string>& options);
  std::string escaped(const std::string& s);
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  void need(const std::string& guard);

  std::mt19937_64 rng_;
  std::vector<std::string> guards_;     // for the expression being generated
  std::vector<std::string> variables_;  // quantifier variables in scope (strings)
  bool access_rule_ = false;
  bool retyped_ = false;
  bool jwt_only_ = false;      // an issue rule for several issuers sees only the JWT claims
  std::string token_issuers_;  // an access rule `by token ...`: its issuers, as written
};

}  // namespace writ::fuzz
