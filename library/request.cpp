// Typed issuance and access requests, kept as the JSON documents of docs/semantics.md §5.
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "library/request_json.h"
#include "runtime/bind/json_reader.h"
#include "stdlib/strings.h"

namespace writ {
namespace {

using nlohmann::json;

// A claim value as JSON; an object naming one key twice is refused, as in JSON text.
json to_document(const ClaimValue& value, std::optional<std::string>& problem) {
  struct Visitor {
    std::optional<std::string>& problem;
    json operator()(std::monostate) const { return nullptr; }
    json operator()(const std::string& s) const { return s; }
    json operator()(std::int64_t i) const { return i; }
    json operator()(bool b) const { return b; }
    json operator()(const ClaimValue::List& list) const {
      json out = json::array();
      for (const ClaimValue& item : list) out.push_back(to_document(item, problem));
      return out;
    }
    json operator()(const ClaimValue::Object& object) const {
      json out = json::object();
      for (const auto& [key, item] : object) {
        if (out.contains(key) && !problem) problem = fmt::format("the key `{}` is given twice", key);
        out[key] = to_document(item, problem);
      }
      return out;
    }
  };
  return std::visit(Visitor{problem}, value.variant());
}

json string_list(const std::vector<std::string>& values) {
  return json(values);
}

// A token's claims from the verified payload's JSON text: the strict reader refuses what the
// engine refuses in JSON text (duplicate keys, bad UTF-8).
void set_claims_json(json& document, std::string_view payload, std::optional<std::string>& problem) {
  auto claims = bind::read_json_strict(payload);
  if (!claims) {
    problem = fmt::format("the claims are not JSON: {}", claims.error());
  } else if (!claims->is_object()) {
    problem = "the claims must be a JSON object";
  } else {
    document["claims"] = std::move(claims).value();
  }
}

void set_header(json& document, std::string alg, std::string kid, std::string typ) {
  json& header = document["header"];
  header = {{"alg", std::move(alg)}};
  if (!kid.empty()) header["kid"] = std::move(kid);
  if (!typ.empty()) header["typ"] = std::move(typ);
}

}  // namespace

std::optional<std::vector<std::string>> split_scope(std::string_view scope, std::string* problem) {
  auto tokens = stdlib::split_scope(scope);
  if (tokens) return std::move(tokens).value();
  if (problem != nullptr) *problem = tokens.error();
  return std::nullopt;
}

ClaimValue ClaimValue::strings(const std::vector<std::string>& values) {
  List list;
  list.reserve(values.size());
  for (const std::string& v : values) list.emplace_back(v);
  return ClaimValue(std::move(list));
}

// --- IssueRequest

IssueRequest::IssueRequest(std::string issuer, std::string role) : impl_(std::make_unique<Impl>()) {
  impl_->document["kind"] = "issue";
  impl_->document["issuer"] = std::move(issuer);
  impl_->document["claims"] = json::object();
  impl_->document["request"] = {{"role", std::move(role)}};
}
IssueRequest::~IssueRequest() = default;
IssueRequest::IssueRequest(const IssueRequest& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
IssueRequest& IssueRequest::operator=(const IssueRequest& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
IssueRequest::IssueRequest(IssueRequest&&) noexcept = default;
IssueRequest& IssueRequest::operator=(IssueRequest&&) noexcept = default;

IssueRequest& IssueRequest::claim(std::string name, ClaimValue value) {
  impl_->document["claims"][std::move(name)] = to_document(value, impl_->claims_problem);
  return *this;
}

IssueRequest& IssueRequest::claims_json(std::string_view payload) {
  set_claims_json(impl_->document, payload, impl_->claims_problem);
  return *this;
}

IssueRequest& IssueRequest::header(std::string alg, std::string kid, std::string typ) {
  set_header(impl_->document, std::move(alg), std::move(kid), std::move(typ));
  return *this;
}

IssueRequest& IssueRequest::header_field(std::string name, std::string value) {
  impl_->document["header"][std::move(name)] = std::move(value);
  return *this;
}

IssueRequest& IssueRequest::time(std::int64_t unix_seconds) {
  impl_->document["request"]["time"] = unix_seconds;
  impl_->has_time = true;
  return *this;
}

IssueRequest& IssueRequest::ttl(std::int64_t seconds) {
  impl_->document["request"]["ttl"] = seconds;
  return *this;
}

IssueRequest& IssueRequest::audience(std::string audience) {
  impl_->document["request"]["audience"] = std::move(audience);
  return *this;
}

IssueRequest& IssueRequest::scopes(std::vector<std::string> scopes) {
  impl_->document["request"]["scopes"] = string_list(scopes);
  return *this;
}

IssueRequest& IssueRequest::source_ip(std::string ip) {
  impl_->document["request"]["source_ip"] = std::move(ip);
  return *this;
}

IssueRequest& IssueRequest::broker(std::string name) {
  impl_->document["request"]["broker"] = std::move(name);
  return *this;
}

IssueRequest& IssueRequest::request_field(std::string name, ClaimValue value) {
  if (name == "time") impl_->has_time = true;
  impl_->document["request"][std::move(name)] = to_document(value, impl_->claims_problem);
  return *this;
}

IssueRequest& IssueRequest::exchange(Exchange exchange) {
  json out = {{"grant_type", exchange.grant_type},
              {"audience", string_list(exchange.audience)},
              {"resource", string_list(exchange.resource)},
              {"scope", string_list(exchange.scope)},
              {"subject_token_type", exchange.subject_token_type},
              {"actor_token", exchange.actor_token}};
  if (!exchange.requested_token_type.empty()) out["requested_token_type"] = exchange.requested_token_type;
  if (!exchange.actor_token_type.empty()) out["actor_token_type"] = exchange.actor_token_type;
  impl_->document["exchange"] = std::move(out);
  return *this;
}

std::string IssueRequest::to_json() const {
  return library::display_json(impl_->document, impl_->has_time);
}

// --- AccessRequest

AccessRequest::AccessRequest(const char* principal_kind, std::string principal_name) : impl_(std::make_unique<Impl>()) {
  impl_->document["kind"] = "access";
  impl_->document["principal"] = {{principal_kind, std::move(principal_name)}};
  impl_->document["request"] = json::object();
}
AccessRequest::~AccessRequest() = default;
AccessRequest::AccessRequest(const AccessRequest& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
AccessRequest& AccessRequest::operator=(const AccessRequest& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
AccessRequest::AccessRequest(AccessRequest&&) noexcept = default;
AccessRequest& AccessRequest::operator=(AccessRequest&&) noexcept = default;

AccessRequest AccessRequest::spiffe(std::string id, std::string action, std::string resource) {
  AccessRequest request("spiffe", std::move(id));
  request.field("action", std::move(action)).field("resource", std::move(resource));
  return request;
}

AccessRequest::AccessRequest() : impl_(std::make_unique<Impl>()) {
  impl_->document["kind"] = "access";
  impl_->document["request"] = json::object();
}

AccessRequest AccessRequest::token(std::string issuer, std::string action, std::string resource) {
  AccessRequest request;
  request.impl_->document["issuer"] = std::move(issuer);
  request.impl_->document["claims"] = json::object();
  request.field("action", std::move(action)).field("resource", std::move(resource));
  return request;
}

AccessRequest& AccessRequest::claim(std::string name, ClaimValue value) {
  impl_->document["claims"][std::move(name)] = to_document(value, impl_->claims_problem);
  return *this;
}

AccessRequest& AccessRequest::claims_json(std::string_view payload) {
  set_claims_json(impl_->document, payload, impl_->claims_problem);
  return *this;
}

AccessRequest& AccessRequest::header(std::string alg, std::string kid, std::string typ) {
  set_header(impl_->document, std::move(alg), std::move(kid), std::move(typ));
  return *this;
}

AccessRequest AccessRequest::role(std::string name, std::string action, std::string resource) {
  AccessRequest request("role", std::move(name));
  request.field("action", std::move(action)).field("resource", std::move(resource));
  return request;
}

AccessRequest& AccessRequest::time(std::int64_t unix_seconds) {
  return field("time", unix_seconds);
}
AccessRequest& AccessRequest::source_ip(std::string ip) {
  return field("source_ip", std::move(ip));
}
AccessRequest& AccessRequest::broker(std::string name) {
  return field("broker", std::move(name));
}

AccessRequest& AccessRequest::field(std::string name, ClaimValue value) {
  if (name == "time") impl_->has_time = true;
  impl_->document["request"][std::move(name)] = to_document(value, impl_->problem);
  return *this;
}

std::string AccessRequest::to_json() const {
  return library::display_json(impl_->document, impl_->has_time);
}

namespace library {

nlohmann::json with_time(const nlohmann::json& document, bool has_time) {
  if (has_time) return document;
  json out = document;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  out["request"]["time"] = static_cast<std::int64_t>(now.count());
  return out;
}

Result<std::string> request_text(const nlohmann::json& document, bool has_time) {
  try {
    return has_time ? document.dump() : with_time(document, has_time).dump();  // no copy when it has a time
  } catch (const nlohmann::json::exception&) {
    return Error{"a string of the request is not valid UTF-8"};
  }
}

std::string display_json(const nlohmann::json& document, bool has_time) {
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  return has_time ? document.dump(-1, ' ', false, kReplace)
                  : with_time(document, has_time).dump(-1, ' ', false, kReplace);
}

}  // namespace library
}  // namespace writ
