// Builds each test's request from its settings, decides it, and compares with the expectation.
#include "runtime/interp/test_runner.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/bind/to_json.h"

namespace writ::interp {
namespace {

using nlohmann::json;

const ast::Setting* find(const ast::TestDecl& t, std::string_view key) {
  for (const ast::Setting& s : t.settings) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// The request JSON a test describes; evaluation errors become differences.
json build_request(const Interpreter& interp, const LoadedPolicySet& policy, const TestInfo& test,
                   std::vector<std::string>& problems) {
  const ast::TestDecl& t = *test.decl;
  Env env;
  auto value = [&](std::string_view key) -> json {
    const ast::Setting* s = find(t, key);
    if (s == nullptr) return nullptr;
    auto v = interp.evaluator().eval(*s->value, env);
    if (!v) {
      problems.push_back(fmt::format("`{}` cannot be evaluated: {}", key, v.error()));
      return nullptr;
    }
    return bind::value_to_json(*v);
  };
  json request;
  if (test.access && find(t, "principal") != nullptr) {
    request = {{"kind", "access"},
               {"principal", value("principal")},
               {"request", {{"action", value("action")}, {"resource", value("resource")}, {"time", value("time")}}}};
    return request;
  }
  // The caller's token: issuance requests, and access requests by a caller with a token.
  const ast::Setting* issuer_setting = find(t, "issuer");
  std::string issuer_name = issuer_setting != nullptr ? issuer_setting->value->text : "";
  request = {{"kind", test.access ? "access" : "issue"}, {"issuer", issuer_name}};
  json claims = value("token");
  if (claims.is_null()) claims = json::object();
  if (json with = value("with"); with.is_object()) claims.merge_patch(with);
  if (json without = value("without"); without.is_array()) {
    for (const json& name : without) {
      // A claim name, or a JSON pointer (`/kubernetes.io/pod`) for a nested claim.
      std::string path = name.get<std::string>();
      if (path.empty() || path[0] != '/') {
        claims.erase(path);
        continue;
      }
      try {
        json::json_pointer pointer(path);
        if (claims.contains(pointer)) claims[pointer.parent_pointer()].erase(pointer.back());
      } catch (const json::exception&) {
        problems.push_back(fmt::format("`without`: `{}` is not a JSON pointer", path));
      }
    }
  }
  request["claims"] = claims;
  // Defaults that keep tests short: the issuer's first algorithm and type, and the token's
  // issue time as the request time.
  json header = value("header");
  if (header.is_null()) {
    header = json::object();
    auto it = policy.program.issuers.find(issuer_name);
    if (it != policy.program.issuers.end()) {
      if (!it->second.algorithms.empty()) header["alg"] = it->second.algorithms.front();
      if (!it->second.types.empty()) header["typ"] = it->second.types.front();
    }
  }
  request["header"] = header;
  if (test.access) {
    json req = {{"action", value("action")}, {"resource", value("resource")}};
    if (json time = value("time"); !time.is_null()) req["time"] = time;
    if (!req.contains("time") && claims.contains("iat")) req["time"] = claims["iat"];
    request["request"] = req;
    return request;
  }
  json req = value("request");
  if (req.is_null()) req = json::object();
  if (json role = value("role"); !role.is_null()) req["role"] = role;
  if (json time = value("time"); !time.is_null()) req["time"] = time;
  if (!req.contains("time") && request["claims"].contains("iat")) req["time"] = request["claims"]["iat"];
  request["request"] = req;
  if (json exchange = value("exchange"); !exchange.is_null()) request["exchange"] = exchange;
  return request;
}

void compare(const Interpreter& interp, const TestInfo& test, TestOutcome& out) {
  const ast::TestDecl& t = *test.decl;
  Env env;
  auto eval = [&](std::string_view key) -> std::optional<Value> {
    const ast::Setting* s = find(t, key);
    if (s == nullptr) return std::nullopt;
    auto v = interp.evaluator().eval(*s->value, env);
    return v ? std::optional<Value>(*v) : std::nullopt;
  };
  const Decision& d = out.decision;
  std::string got = fmt::format("{} ({})", d.allow ? "allow" : "deny", d.reason_code());
  if (const ast::Setting* expect = find(t, "expect");
      expect != nullptr && (expect->value->text == "allow") != d.allow) {
    out.differences.push_back(fmt::format("expected {}, got {}", expect->value->text, got));
  }
  auto reason = eval("reason");
  if (reason && reason->as_string() != d.reason_code()) {
    out.differences.push_back(fmt::format("expected reason `{}`, got `{}`", reason->as_string(), d.reason_code()));
  }
  // A deny test must be denied by the policy. A request refused before any rule (a token that does
  // not bind, a bad principal...) says nothing about the rules, so that deny passes only when the
  // test names its reason.
  bool decided_by_rules = d.reason == Reason::Permit || d.reason == Reason::Forbid || d.reason == Reason::NoPermit ||
                          reason_code(d.reason).starts_with("grant.");
  if (!d.allow && !reason && !decided_by_rules) {
    out.differences.push_back(
        fmt::format("denied with `{}` before any rule ({}); if that is what this test expects, say `reason: \"{}\"`",
                    d.reason_code(), d.detail, d.reason_code()));
  }
  // Likewise a request no permit is for (a misspelt role, action, resource or principal): the
  // deny would come from the typo, not from the policy.
  bool permit_candidate =
      std::any_of(d.explanation.begin(), d.explanation.end(), [](const RuleTrace& t) { return t.effect == "permit"; });
  if (!d.allow && !reason && (d.reason == Reason::NoPermit || d.reason == Reason::Forbid) && !permit_candidate) {
    std::string what = "this request";
    if (auto role = eval("role"); !test.access && role && role->kind() == ValueKind::String)
      what = fmt::format("role `{}`", role->as_string());
    out.differences.push_back(fmt::format(
        "no permit rule is for {} (its role, or action, resource and principal, match none), so nothing could "
        "allow it; check the spelling, or say `reason: \"{}\"` if that is the point",
        what, d.reason_code()));
  }
  auto rules_text = [](const std::vector<std::string>& rules) {
    std::string s = "[";
    for (std::size_t i = 0; i < rules.size(); ++i) s += (i ? ", " : "") + rules[i];
    return s + "]";
  };
  if (auto rule = eval("rule"); rule && std::find(d.rules.begin(), d.rules.end(), rule->as_string()) == d.rules.end()) {
    out.differences.push_back(
        fmt::format("expected rule `{}` to decide, got {}", rule->as_string(), rules_text(d.rules)));
  }
  if (auto rules = eval("rules")) {
    std::vector<std::string> expected;
    for (const Value& r : rules->as_list()) expected.push_back(r.as_string());
    if (expected != d.rules)
      out.differences.push_back(fmt::format("expected rules {}, got {}", rules_text(expected), rules_text(d.rules)));
  }
  if (auto ttl = eval("ttl")) {
    std::int64_t got_ttl = d.grant && d.grant->ttl ? *d.grant->ttl : -1;
    if (got_ttl != ttl->as_int()) {
      out.differences.push_back(fmt::format("expected ttl {}s, got {}", ttl->as_int(),
                                            got_ttl < 0 ? std::string("no grant") : std::to_string(got_ttl) + "s"));
    }
  }
  if (auto audience = eval("audience")) {
    std::string got_aud = d.grant && d.grant->audience ? *d.grant->audience : "(none)";
    if (got_aud != audience->as_string()) {
      out.differences.push_back(fmt::format("expected audience `{}`, got `{}`", audience->as_string(), got_aud));
    }
  }
  if (auto scopes = eval("scopes")) {
    std::vector<std::string> expected;
    for (const Value& s : scopes->as_list()) expected.push_back(s.as_string());
    std::vector<std::string> got_scopes = d.grant ? d.grant->scopes : std::vector<std::string>{};
    if (expected != got_scopes)
      out.differences.push_back(
          fmt::format("expected scopes {}, got {}", rules_text(expected), rules_text(got_scopes)));
  }
}

// The decision as the JSON form names it, without the explanation: what two engines must agree on.
std::string decision_key(Decision d) {
  d.explained = false;
  d.explanation.clear();
  return decision_to_json(d).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::size_t TestReport::passed() const {
  return static_cast<std::size_t>(
      std::count_if(outcomes.begin(), outcomes.end(), [](const TestOutcome& o) { return o.passed; }));
}

std::size_t TestReport::failed() const {
  return outcomes.size() - passed();
}

TestReport run_tests(const Interpreter& interpreter, const LoadedPolicySet& policy, const Decider* native) {
  TestReport report;
  for (const TestInfo& test : policy.program.tests) {
    TestOutcome out;
    out.name = test.name;
    if (test.decl->span.valid()) {
      const SourceFile& f = policy.sources.file(test.decl->span.file);
      out.location = fmt::format("{}:{}", f.path(), f.line_column(test.decl->span.begin).line);
    }
    std::vector<std::string> problems;
    json request = build_request(interpreter, policy, test, problems);
    out.decision = interpreter.decide(request, DecideOptions{true});
    out.differences = problems;
    compare(interpreter, test, out);
    if (native != nullptr && problems.empty()) {
      // As a broker asks: JSON text, no explanation (the fast path).
      std::string oracle = decision_key(out.decision);
      std::string text = request.dump(-1, ' ', false, json::error_handler_t::replace);
      std::string compiled = decision_key(native->decide_text(text));
      if (compiled != oracle) {
        out.differences.push_back(
            fmt::format("the engines disagree: the interpreter decides {}, native code decides {}", oracle, compiled));
      }
    }
    out.passed = out.differences.empty();
    for (const RuleTrace& trace : out.decision.explanation) {
      if (trace.outcome == "matched") report.matched_rules.insert(trace.rule);
    }
    report.outcomes.push_back(std::move(out));
  }
  return report;
}

}  // namespace writ::interp
