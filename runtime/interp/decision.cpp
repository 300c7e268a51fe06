// The JSON form of a decision.
#include "runtime/interp/decision.h"

#include <fmt/format.h>

#include "stdlib/printable.h"

namespace writ::interp {

nlohmann::json decision_to_json(const Decision& d) {
  nlohmann::json out;
  out["decision"] = d.allow ? "allow" : "deny";
  out["reason"] = d.reason_code();
  // What echoes input (details, error messages, values) is made printable: valid UTF-8, no
  // terminal controls, whatever bytes the request carried.
  using stdlib::printable;
  if (!d.detail.empty()) out["detail"] = printable(d.detail);
  out["rules"] = d.rules;
  if (d.grant) {
    nlohmann::json grant;
    grant["ttl"] = d.grant->ttl ? nlohmann::json(*d.grant->ttl) : nlohmann::json(nullptr);
    grant["audience"] = d.grant->audience ? nlohmann::json(*d.grant->audience) : nlohmann::json(nullptr);
    grant["scopes"] = d.grant->scopes;
    grant["tags"] = d.grant->tags;
    out["grant"] = grant;
  } else {
    out["grant"] = nullptr;
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : d.errors) errors.push_back({{"rule", e.rule}, {"message", printable(e.message)}});
  out["errors"] = errors;
  out["policy_version"] = d.policy_version;
  if (d.explained) {
    nlohmann::json trace = nlohmann::json::array();
    for (const RuleTrace& t : d.explanation) {
      nlohmann::json entry = {{"rule", t.rule}, {"effect", t.effect}, {"outcome", t.outcome}, {"location", t.location}};
      if (!t.condition.empty()) entry["condition"] = t.condition;
      if (!t.because.empty()) entry["because"] = printable(t.because);
      if (t.outcome == "matched") entry["held"] = t.held;
      trace.push_back(std::move(entry));
    }
    out["explanation"] = trace;
  }
  return out;
}

std::string decision_to_text(const Decision& d) {
  using stdlib::printable;
  std::string out = fmt::format("{} ({})\n", d.allow ? "ALLOW" : "DENY", d.reason_code());
  if (!d.detail.empty()) out += fmt::format("  {}\n", printable(d.detail));
  if (!d.rules.empty()) {
    out += "  determined by:";
    for (const auto& r : d.rules) out += " " + r;
    out += "\n";
  }
  if (d.grant) {
    out += fmt::format("  grant: ttl {}s", d.grant->ttl.value_or(0));
    if (d.grant->audience) out += ", audience " + printable(*d.grant->audience);
    if (!d.grant->scopes.empty()) {
      out += ", scopes";
      for (const auto& s : d.grant->scopes) out += " " + printable(s);
    }
    for (const auto& [k, v] : d.grant->tags) out += fmt::format(", tag {}={}", k, printable(v));
    out += "\n";
  }
  for (const RuleTrace& t : d.explanation) {
    out += fmt::format("  {} {} ({}): {}\n", t.effect, t.rule, t.location,
                       t.outcome == "matched" ? "matched"
                       : t.outcome == "error" ? "error"
                                              : "did not match");
    if (t.outcome == "matched") {
      for (const auto& h : t.held) out += fmt::format("    held: {}\n", h);
    } else {
      if (!t.condition.empty())
        out += fmt::format("    {}: {}\n", t.outcome == "error" ? "erred" : "failed", t.condition);
      if (!t.because.empty()) out += fmt::format("    because: {}\n", printable(t.because));
    }
  }
  for (const auto& e : d.errors) out += fmt::format("  error in {}: {}\n", e.rule, printable(e.message));
  if (d.explained && d.explanation.empty() && d.reason == Reason::NoPermit)
    out += "  no rule applies to this request\n";
  out += fmt::format("  policy {}\n", d.policy_version);
  return out;
}

}  // namespace writ::interp
