// The JSON form of a decision.
#include "runtime/interp/decision.h"

namespace writ {

nlohmann::json decision_to_json(const Decision& d) {
  nlohmann::json out;
  out["decision"] = d.allow ? "allow" : "deny";
  out["reason"] = d.reason;
  if (!d.detail.empty()) out["detail"] = d.detail;
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
  for (const auto& e : d.errors) errors.push_back({{"rule", e.rule}, {"message", e.message}});
  out["errors"] = errors;
  out["policy_version"] = d.policy_version;
  return out;
}

}  // namespace writ
