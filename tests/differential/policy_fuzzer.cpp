// Random policies over a schema with every claim type, and requests that mostly pass the token
// checks and draw claim values from the literals the policies use (near misses included), so
// that rules match, miss by a little, and err (bad integers, division by zero, overflow,
// indices out of range, invalid SPIFFE IDs) in every combination.
#include "tests/differential/policy_fuzzer.h"

#include <fmt/format.h>

#include <algorithm>

#include <fmt/format.h>

namespace writ::fuzz {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

const std::vector<std::string> kStrings = {"alpha",
                                           "beta",
                                           "gamma",
                                           "",
                                           "acme/api",
                                           "acme/api-x",
                                           "ACME/API",
                                           "refs/heads/main",
                                           "refs/heads/main2",
                                           "a/b/c",
                                           "a/b",
                                           "a",
                                           "spiffe://acme.org/ns/prod/sa/api",
                                           "spiffe://acme.org/ns/dev",
                                           "spiffe://Bad/x",
                                           "12",
                                           "-3",
                                           "x12",
                                           "9223372036854775807",
                                           "héllo",
                                           "日本/x",
                                           "repo:acme/api:environment:prod",
                                           "repo:acme/api:ref:refs/heads/main",
                                           "repo:acme@1/api@2:pull_request",
                                           "x😀/y",
                                           "acme/api/" + std::string(150, 'z') + "/é"};
const std::vector<std::string> kGlobs = {"acme/*",   "*api", "a*b*c", "refs/heads/*", "a?b", "*/*",
                                         "acme/api", "h*o",  "日本*", "*a*",          "a*",  "??"};
const std::vector<std::string> kRegexes = {"a.*", "^refs/heads/[a-z]+$", "[0-9]+", "acme/(api|web)", "x*12"};
const std::vector<std::string> kPaths = {"a", "a/b", "acme", "spiffe://acme.org/ns", "refs/heads"};
const std::vector<std::string> kInts = {"0", "1", "-1", "2", "7", "12", "100", "9223372036854775807"};
const std::vector<std::string> kDurations = {"0s", "30s", "15m", "1h", "2h"};
const std::vector<std::string> kEnum = {"alpha", "beta", "gamma"};
const std::vector<std::string> kRoles = {"r1", "r2", "r3"};
const std::vector<std::string> kScopes = {"s:a", "s:b", "s:c"};
const std::vector<std::string> kAudiences = {"aud-a", "aud-b"};
const std::vector<std::int64_t> kIntValues = {0, 1, -1, 2, 7, 12, 100, INT64_MAX, INT64_MIN, 3};

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

}  // namespace

std::string PolicyFuzzer::pick(const std::vector<std::string>& options) {
  return options[static_cast<std::size_t>(below(static_cast<int>(options.size())))];
}

void PolicyFuzzer::need(const std::string& guard) {
  if (std::find(guards_.begin(), guards_.end(), guard) == guards_.end()) guards_.push_back(guard);
}

std::string PolicyFuzzer::text(int depth) {
  if (access_rule_) {
    int k = below(depth > 0 ? 6 : 4);
    switch (k) {
      case 0:
        return "request.principal";
      case 1:
        return "request.action";
      case 2:
        return "request.resource";
      case 3:
        return quoted(pick(kStrings));
      case 4:
        return fmt::format("lower({})", text(depth - 1));
      default:
        return fmt::format("spiffe(request.principal).{}", chance(0.5) ? "trust_domain" : "path");
    }
  }
  if (!variables_.empty() && chance(0.3)) return variables_.back();
  if (jwt_only_) {
    int k = below(depth > 0 ? 6 : 4);
    switch (k) {
      case 0:
        return "token.sub";
      case 1:
        // A JWT-SVID may have no `iss`, so across issuers (`m` among them) it is optional.
        need("has(token.iss)");
        return "token.iss";
      case 2:
        return quoted(pick(kStrings));
      case 3:
        need("has(token.jti)");
        return "token.jti";
      case 4:
        return fmt::format("lower({})", text(depth - 1));
      default:
        need("has(token.aud)");
        return fmt::format("token.aud[{}]", pick({"0", "1"}));
    }
  }
  int k = below(depth > 0 ? 18 : 7);
  switch (k) {
    case 16:  // a branch may rely on its condition's `has`
      return jwt_only_ ? "(if has(token.jti) then token.jti else \"none\")"
                       : "(if has(token.s2) then token.s2 else \"none\")";
    case 17:
      return fmt::format("(if {} then {} else {})", boolean(depth - 1), text(depth - 1), text(depth - 1));
    case 0:
      return "token.s1";
    case 1:
      return "token.sub";
    case 2:
      return quoted(pick(kStrings));
    case 3:
      return "request.role";
    case 4:
      need("has(token.s2)");
      return "token.s2";
    case 5:
      need("has(token.r1)");
      return "token.r1.x";
    case 6:
      need("has(token.\"odd.name\")");
      return "token.\"odd.name\"";
    case 7:
      return fmt::format("lower({})", text(depth - 1));
    case 8:
      return fmt::format("upper({})", text(depth - 1));
    case 9:
      return fmt::format("{} + {}", text(depth - 1), text(depth - 1));
    case 10:
      return fmt::format("string({})", integer(depth - 1));
    case 11:
      return fmt::format("token.l1[{}]", integer(depth - 1));
    case 12:
      return fmt::format("split({}, \"/\")[{}]", text(depth - 1), pick({"0", "1", "2"}));
    case 13:
      return fmt::format("spiffe(token.s1).{}", pick({"trust_domain", "path"}));
    case 14:
      return fmt::format("github_sub(token.sub).{}", pick({"owner", "repository", "context"}));
    default:
      return fmt::format("string({})", pick({"token.b1", "15m", "request.time"}));
  }
}

std::string PolicyFuzzer::integer(int depth) {
  if (access_rule_ || jwt_only_)
    return depth > 0 && chance(0.5) ? fmt::format("size({})", text(depth - 1)) : pick(kInts);
  int k = below(depth > 0 ? 16 : 4);
  switch (k) {
    case 14:
      return "(if has(token.n2) then token.n2 else -1)";
    case 15:
      return fmt::format("(if {} then {} else {})", boolean(depth - 1), integer(depth - 1), integer(depth - 1));
    case 0:
      return "token.n1";
    case 1:
      return pick(kInts);
    case 2:
      need("has(token.n2)");
      return "token.n2";
    case 3:
      need("has(token.r1)");
      need("has(token.r1.y)");
      return "token.r1.y";
    case 4:
      return fmt::format("size({})", text(depth - 1));
    case 5:
      return fmt::format("size({})", string_list(depth - 1));
    case 6:
      return fmt::format("int({})", chance(0.5) ? "token.s1" : "token.sub");
    case 7:
      return fmt::format("({} + {})", integer(depth - 1), integer(depth - 1));
    case 8:
      return fmt::format("({} - {})", integer(depth - 1), integer(depth - 1));
    case 9:
      return fmt::format("({} * {})", integer(depth - 1), integer(depth - 1));
    case 10:
      return fmt::format("({} / {})", integer(depth - 1), integer(depth - 1));
    case 11:
      return fmt::format("({} % {})", integer(depth - 1), integer(depth - 1));
    case 12:
      return fmt::format("-{}", integer(depth - 1));
    default:
      return fmt::format("{}({}, {})", chance(0.5) ? "min" : "max", integer(depth - 1), integer(depth - 1));
  }
}

std::string PolicyFuzzer::instant(int depth) {
  if (access_rule_) return "request.time";
  int k = below(depth > 0 ? 6 : 4);
  switch (k) {
    case 0:
      return "request.time";
    case 1:
      need("has(token.exp)");
      return "token.exp";
    case 2:
      if (jwt_only_) return "request.time";
      need("has(token.t1)");
      return "token.t1";
    case 3:
      return "timestamp(\"2026-01-01T00:00:00Z\")";
    case 4:
      return fmt::format("({} + {})", instant(depth - 1), span(depth - 1));
    default:
      return fmt::format("({} - {})", instant(depth - 1), span(depth - 1));
  }
}

std::string PolicyFuzzer::span(int depth) {
  int k = below(depth > 0 ? 5 : 1);
  switch (k) {
    case 0:
      return pick(kDurations);
    case 1:
      return fmt::format("({} - {})", instant(depth - 1), instant(depth - 1));
    case 2:
      return fmt::format("({} * {})", span(depth - 1), integer(depth - 1));
    case 3:
      return fmt::format("({} / {})", span(depth - 1), integer(depth - 1));
    default:
      return fmt::format("min({}, {})", span(depth - 1), span(depth - 1));
  }
}

std::string PolicyFuzzer::string_list(int depth) {
  if (access_rule_) return fmt::format("split(request.resource, \"/\")");
  if (jwt_only_) {
    if (chance(0.5)) return fmt::format("split({}, \"/\")", text(depth - 1));
    need("has(token.aud)");
    return "token.aud";
  }
  int k = below(depth > 0 ? 4 : 2);
  switch (k) {
    case 0:
      return "token.l1";
    case 1:
      return fmt::format("[{}, {}]", quoted(pick(kStrings)), quoted(pick(kStrings)));
    case 2:
      return fmt::format("split({}, \"/\")", text(depth - 1));
    default:
      return fmt::format("[{}, {}]", text(depth - 1), quoted(pick(kStrings)));
  }
}

std::string PolicyFuzzer::boolean(int depth) {
  int k = below(depth > 0 ? 27 : 12);
  switch (k) {
    case 0:
      return fmt::format("{} == {}", text(depth), text(depth));
    case 1:
      return fmt::format("{} != {}", text(depth), quoted(pick(kStrings)));
    case 2:
      return fmt::format("{} like {}", text(depth), quoted(pick(kGlobs)));
    case 3:
      return fmt::format("{} matches {}", text(depth), quoted(pick(kRegexes)));
    case 4:
      return fmt::format("{} under {}", text(depth), quoted(pick(kPaths)));
    case 5:
      return fmt::format("{} in [{}, {}, {}]", text(depth), quoted(pick(kStrings)), quoted(pick(kStrings)),
                         quoted(pick(kStrings)));
    case 6:
      return fmt::format("{} {} {}", integer(depth), pick({"<", "<=", ">", ">=", "==", "!="}), integer(depth));
    case 7:
      return fmt::format("{}({}, {})", pick({"starts_with", "ends_with", "contains"}), text(depth),
                         quoted(pick(kStrings)));
    case 8:
      if (jwt_only_) {
        need("has(token.aud)");
        return fmt::format("contains(token.aud, {})", quoted(pick({"aud", "x"})));
      }
      if (access_rule_)
        return fmt::format("request.time in window({}, 09:00..17:00{})", pick({"mon..fri", "sat", "fri..mon"}),
                           chance(0.5) ? ", \"Europe/Berlin\"" : "");
      return fmt::format("token.e1 {} {}", chance(0.5) ? "==" : "!=", quoted(pick(kEnum)));
    case 9:
      return access_rule_ ? "is_spiffe_id(request.principal)" : jwt_only_ ? "has(token.nbf)" : "token.b1";
    case 10:
      return fmt::format("{} {} {}", instant(depth), pick({"<", ">=", "=="}), instant(depth));
    case 11:
      return fmt::format("{} in {}", text(depth), string_list(depth));
    case 12:
      return fmt::format("!({})", boolean(depth - 1));
    case 13:
      return fmt::format("({} && {})", boolean(depth - 1), boolean(depth - 1));
    case 14:
      return fmt::format("({} || {})", boolean(depth - 1), boolean(depth - 1));
    case 15: {
      std::string var = fmt::format("v{}", variables_.size());
      std::string list = string_list(depth - 1);
      variables_.push_back(var);
      std::string predicate = boolean(depth - 1);
      variables_.pop_back();
      return fmt::format("{}({} in {}, {})", chance(0.5) ? "all" : "any", var, list, predicate);
    }
    case 16:
      return fmt::format("{} {} {}", span(depth), pick({"<", ">", "<="}), pick(kDurations));
    case 17:
      return fmt::format("contains({}, {})", string_list(depth), text(depth - 1));
    case 18:
      return fmt::format("is_spiffe_id({})", text(depth));
    case 19:
      if (access_rule_) return "request.principal under \"spiffe://acme.org/ns\"";
      if (jwt_only_) return fmt::format("{} in [1, 2]", integer(depth - 1));
      need("has(token.l2)");
      return fmt::format("{} in token.l2", integer(depth - 1));
    case 20:
      return fmt::format("{} in [1, 2, 12]", integer(depth - 1));
    case 21:
      return access_rule_ ? "has(request.broker)" : jwt_only_ ? "has(token.jti)" : "has(token.s2)";
    case 22:  // conditionals: only the branch taken runs
      return fmt::format("(if {} then {} else {})", boolean(depth - 1), boolean(depth - 1), boolean(depth - 1));
    case 23:  // list equality, natively
      return fmt::format("{} {} {}", string_list(depth - 1), chance(0.7) ? "==" : "!=",
                         pick({"[]", "[\"a\"]", "[\"a\", \"b\"]", "[\"alpha\", \"beta\"]", "split(\"a/b\", \"/\")"}));
    case 24:
      if (access_rule_)
        return fmt::format("request.time in window({}, {})",
                           pick({"[mon..tue, thu]", "[fri..sun, wed]", "[sat, mon..wed]"}),
                           pick({"00:00..12:00", "09:00..17:00", "22:00..24:00"}));
      return fmt::format("[{}, {}] == [{}, {}]", integer(depth - 1), integer(depth - 1), pick(kInts), pick(kInts));
    default:
      return fmt::format("{} == {}", text(depth - 1), text(depth - 1));
  }
}

std::string PolicyFuzzer::condition() {
  guards_.clear();
  std::string e = boolean(2);
  if (guards_.empty()) return e;
  if (guards_.size() == 1 && chance(0.3)) return fmt::format("!{} || ({})", guards_[0], e);
  std::string out;
  for (const auto& g : guards_) out += g + " && ";
  return out + "(" + e + ")";
}

std::string PolicyFuzzer::rule(int index) {
  access_rule_ = chance(0.2);
  bool forbid = chance(0.25);
  std::string head;
  if (access_rule_) {
    head = fmt::format(
        "{} access {} on {} by {}", forbid ? "forbid" : "permit",
        // Literals, prefixes, inner and leading wildcards: native code files rules
        // by their patterns' literal prefixes (access_index.h); the interpreter scans.
        pick({"*", "\"read\"", "[\"read\", \"write\"]", "\"deploy.*\"", "\"re*\"", "\"*d\"", "\"?ead\"",
              "[\"write\", \"de*\"]"}),
        pick({"*", "\"res/*\"", "\"res/a\"", "\"res*\"", "\"r?s/a\"", "\"*/a\"", "[\"res/b/*\", \"other\"]"}),
        pick({"*", "spiffe \"spiffe://acme.org/ns/*\"", "role \"r*\"", "spiffe \"spiffe://acme.org/ns/prod/sa/api\"",
              "role \"r1\"", "role \"*2\"", "spiffe \"spiffe://acme.org/*\"", "token t", "token t", "token *",
              "token [t, u]", "token m"}));
    // `by token` rules read the caller's token and header too (token_condition).
    auto by = head.rfind(" by token ");
    token_issuers_ = by == std::string::npos ? "" : head.substr(by + 10);
  } else {
    std::string roles = chance(0.2) ? "*" : chance(0.3) ? "[\"r1\", \"r2\"]" : quoted(pick(kRoles));
    std::string issuers = chance(0.7) ? "t" : chance(0.5) ? "u" : chance(0.5) ? "*" : "[t, u]";
    jwt_only_ = issuers != "t";
    head = fmt::format("{} issue {} to {}", forbid ? "forbid" : "permit", roles, issuers);
  }
  std::string out = fmt::format("@id(\"rule-{}\")\n{}", index, head);
  int conditions = below(4);
  std::vector<std::string> lines;
  for (int i = 0; i < conditions; ++i) {
    if (!access_rule_ && chance(0.15)) {
      guards_.clear();
      lines.push_back(fmt::format("let x{} = {}", i, text(1)));
      // A let reading optional claims needs its guards on the lines before it.
      for (auto g = guards_.rbegin(); g != guards_.rend(); ++g) lines.insert(lines.end() - 1, *g);
      continue;
    }
    lines.push_back(!token_issuers_.empty() && chance(0.5) ? token_condition() : condition());
  }
  // Rules that begin by testing a claim against a literal, as most real rules do: the native
  // claim index groups them by that literal (the differential runner indexes even short lists).
  if (!access_rule_ && !jwt_only_ && chance(0.4)) {
    bool enumeration = chance(0.2);
    std::string claim = enumeration ? "token.e1" : "token.s1";
    std::string literal = quoted(enumeration ? pick({"alpha", "beta", "gamma"}) : pick(kStrings));
    lines.insert(lines.begin(), chance(0.8) ? claim + " == " + literal : literal + " == " + claim);
  }
  bool issue_permit = !access_rule_ && !forbid;
  std::string ttl = pick({"30s", "15m", "1h", "2h"});
  if (issue_permit && chance(0.3)) {
    lines.push_back("has(token.exp)");
    ttl = "min(15m, token.exp - request.time)";
  }
  if (!lines.empty()) {
    out += " when {\n";
    for (const auto& l : lines) out += "  " + l + "\n";
    out += "}";
  }
  if (issue_permit && chance(0.8)) {
    out += " grant {\n";
    if (chance(0.8)) out += "  ttl: " + ttl + "\n";
    if (chance(0.3)) out += "  audience: " + quoted(pick(kAudiences)) + "\n";
    if (chance(0.4)) out += fmt::format("  scopes: [{}, {}]\n", quoted(pick(kScopes)), quoted(pick(kScopes)));
    if (chance(0.4)) {
      out += fmt::format("  tags: {{ team: {}, src: \"fuzz\" }}\n",
                         pick({jwt_only_ ? "token.sub" : "token.s1", "lower(token.sub)", "\"x\""}));
    }
    out += "}";
  }
  access_rule_ = false;
  jwt_only_ = false;
  token_issuers_.clear();
  return out + "\n";
}

// A condition of a `by token` rule on the token: resources built from claims, header parameters,
// and claims of the issuer's schema (every claim of diff_token for `token t`, the JWT claims as
// all the issuers have them otherwise: a JWT-SVID may lack `iss`).
std::string PolicyFuzzer::token_condition() {
  std::vector<std::string> common = {
      "request.resource under \"res/\" + token.sub",
      "request.resource == \"res/\" + lower(token.sub)",
      "token.sub == request.principal",
      "token.sub in [\"alpha\", \"spiffe://acme.org/ns/prod/sa/api\"]",
      "has(token.jti) && token.jti == request.action",
      "has(token.iss) && token.iss == \"https://issuer.test\"",
      "!has(header.jku) && !has(header.x5u)",
      "has(header.kid) && header.kid == \"k1\"",
      "has(header.typ) || request.action == \"read\"",
      "has(token.exp) && token.exp - request.time > 5m",
      "has(token.aud) && \"aud\" in token.aud",
  };
  if (token_issuers_ == "t") {
    common.insert(common.end(), {"token.s1 == \"alpha\"", "request.resource under \"res/\" + token.s1", "token.b1",
                                 "has(token.s2) && token.s2 + \"/a\" == request.resource", "token.n1 > 10",
                                 "request.action in token.l1", "token.e1 == \"beta\""});
  }
  return pick(common);
}

std::string PolicyFuzzer::policy() {
  // The token schema's fields in a random order: the native binder's record layouts follow it.
  std::vector<std::string> fields = {"s1: string",
                                     "s2: string?",
                                     "e1: \"alpha\" | \"beta\" | \"gamma\"",
                                     "n1: int",
                                     "n2: int?",
                                     "b1: bool",
                                     "l1: list<string>",
                                     "l2: list<int>?",
                                     "t1: timestamp?",
                                     "r1: { x: string, y: int? }?",
                                     "\"odd.name\": string?"};
  // Now and then a registered claim retyped (`exp: string`...): the checker must refuse the policy.
  retyped_ = chance(0.03);
  if (retyped_) {
    fields.push_back(pick(
        {"exp: string", "aud: string", "iat: int", "nbf: list<int>?", "iss: int", "jti: bool?", "sub: { x: string }"}));
  }
  std::shuffle(fields.begin(), fields.end(), rng_);
  std::string out =
      retyped_ && chance(0.5) ? "schema diff_token {\n  iss: string\n" : "schema diff_token extends jwt {\n";
  for (const std::string& f : fields) out += "  " + f + "\n";
  out += R"(}

schema diff_other extends jwt {
  s1: string
  n1: int?
}

issuer u = "https://issuer.other" {
  schema: diff_other
  audience: ["aud", "aud2"]
  algorithms: [RS256]
}

issuer m = spiffe "acme.org" {
  schema: spiffe_jwt_svid
  audience: "aud"
  algorithms: [ES256]
}

issuer t = "https://issuer.test" {
  schema: diff_token
  audience: "aud"
  leeway: 30s
  algorithms: [RS256, ES256]
}

)";
  // A chain of constants, each used twice by the next: lowered once each, however long.
  out += "const chain0 = 1\n";
  for (int i = 1; i <= 24; ++i)
    out += "const chain" + std::to_string(i) + " = max(chain" + std::to_string(i - 1) + ", chain" +
           std::to_string(i - 1) + ")\n";
  out += "const words0 = \"w\"\n";
  for (int i = 1; i <= 8; ++i)
    out += "const words" + std::to_string(i) + " = words" + std::to_string(i - 1) + " + words" + std::to_string(i - 1) +
           "\n";
  out += "\n";
  int rules = 2 + below(6);
  for (int i = 0; i < rules; ++i) out += rule(i) + "\n";
  return out;
}

std::string PolicyFuzzer::text(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      // Members in a random order (`kind` need not come first), with random whitespace.
      std::vector<std::pair<std::string, const json*>> members;
      for (auto it = value.begin(); it != value.end(); ++it) members.emplace_back(it.key(), &it.value());
      std::shuffle(members.begin(), members.end(), rng_);
      std::string out = "{";
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out += chance(0.3) ? " ,\n  " : ",";
        out += escaped(members[i].first) + (chance(0.3) ? " : " : ":") + text(*members[i].second);
      }
      return out + "}";
    }
    case json::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < value.size(); ++i) out += (i > 0 ? "," : "") + text(value[i]);
      return out + "]";
    }
    case json::value_t::string:
      return escaped(value.get<std::string>());
    default:
      return value.dump();
  }
}

std::string PolicyFuzzer::escaped(const std::string& s) {
  // Escapes the JSON text may use for the same string: `\/`, `\u00XX`, and UTF-16 surrogate
  // pairs for code points past U+FFFF; the decision must not depend on which.
  bool escape = chance(0.3);
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else if (escape && c == '/' && chance(0.7)) {
      out += "\\/";
    } else if (escape && c < 0x80 && chance(0.2)) {
      out += chance(0.5) ? fmt::format("\\u{:04x}", c) : fmt::format("\\u{:04X}", c);
    } else if (escape && c >= 0xF0 && i + 3 < s.size() && chance(0.7)) {
      std::uint32_t cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                         ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                         (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      cp -= 0x10000;
      out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
      i += 3;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

json PolicyFuzzer::request() {
  if (chance(0.25)) {
    // Principals and resources in every shape, refused ones included (a SPIFFE ID the standard
    // forbids, a role spelled like one, dot segments, encoded separators).
    json principal =
        chance(0.6)
            ? json{{"spiffe", pick({"spiffe://acme.org/ns/prod/sa/api", "spiffe://acme.org/ns/dev", "spiffe://acme.org",
                                    "spiffe://other.org/ns/x", "not-spiffe", "spiffe://Acme.org/ns/x",
                                    "spiffe://acme.org:8443/ns/x", "spiffe://acme.org/ns/../x", "spiffe://acme.org.//x",
                                    "spiffe://acme.org/ns/%78", "spiffe://acme.org/ns/x?q"})}}
            : json{{"role", pick({"r1", "r2", "x", "spiffe://acme.org/ns/prod/sa/api", "", "日本"})}};
    json context = {
        {"action", pick({"read", "write", "deploy.prod", "delete", "re", "readx", "dead"})},
        {"resource", pick({"res/a", "res/b/c", "other", "res", "res/", "rxs/a", "x/a", "res/a/b", "res/../x/a",
                           "res/./a", "res/a%2F..", "res/.well-known", "res/" + std::string(300, 'a')})},
        {"time", kNow + below(8) * 3 * 3600 + below(7) * 86400}};
    if (chance(0.3)) context["broker"] = pick({"b1", "brokers/eu/../x", "b/" + std::string(200, 'b')});
    if (chance(0.2)) context["source_ip"] = "10.0.0.1";
    // RFC 3339 times, and keys no schema has (refused, named), now and then.
    if (chance(0.1)) context["time"] = pick({"2026-01-01T10:00:00Z", "2026-01-01T10:00:00+02:00", "soon"});
    if (chance(0.03)) context["extra"] = {{"nested", json::array({1, "two", nullptr})}};
    json r = {{"kind", "access"}, {"principal", principal}, {"request", context}};
    if (chance(0.4)) {
      // A caller with a token instead: a JWT-SVID for `m`, or an issuance token of `t` or `u`.
      json token = issue_request();
      r.erase("principal");
      if (chance(0.4)) {
        json svid = {
            {"sub", pick({"spiffe://acme.org/ns/prod/sa/api", "spiffe://acme.org/ns/dev", "spiffe://other.org/x",
                          "spiffe://acme.org/ns/../x", "not-spiffe", "spiffe://acme.org"})},
            {"aud", chance(0.8) ? json::array({"aud"}) : json("nope")},
            {"exp", kNow + std::vector<std::int64_t>{-100, 900, 100000}[static_cast<std::size_t>(below(3))]}};
        if (chance(0.3)) svid["iss"] = pick({"https://spire.acme.org", "https://issuer.test"});
        if (chance(0.3)) svid["iat"] = kNow - 60;
        r["issuer"] = "m";
        r["claims"] = svid;
        r["header"] = {{"alg", chance(0.9) ? "ES256" : "RS256"}};
      } else {
        r["issuer"] = token["issuer"];
        r["claims"] = token["claims"];
        r["header"] = token["header"];
        if (chance(0.3))
          r["claims"]["sub"] = pick({"alpha", "res", "", "spiffe://acme.org/ns/prod/sa/api", "SPIFFE:x"});
      }
      if (chance(0.2)) r["header"]["kid"] = pick({"k1", "k2"});
      if (chance(0.1)) r["header"]["jku"] = "https://keys.example";
      if (chance(0.05)) r["header"]["crit"] = json::array({"b64"});
      if (chance(0.03)) r["principal"] = principal;  // both: refused
    }
    if (chance(0.03)) r["reqeust"] = json::object();
    return r;
  }
  return issue_request();
}

json PolicyFuzzer::issue_request() {
  auto str = [&] { return pick(kStrings); };
  auto num = [&] { return kIntValues[static_cast<std::size_t>(below(static_cast<int>(kIntValues.size())))]; };
  json claims = {{"iss", chance(0.97) ? "https://issuer.test" : "https://other"},
                 {"sub", str()},
                 {"aud", chance(0.7)   ? json("aud")
                         : chance(0.8) ? json::array({"x", "aud"})
                                       : json("nope")},
                 {"s1", str()},
                 {"e1", chance(0.97) ? pick(kEnum) : "delta"},
                 {"n1", num()},
                 {"b1", chance(0.5)},
                 {"l1", json::array()}};
  if (chance(0.95))
    claims["exp"] = kNow + std::vector<std::int64_t>{-100, 10, 900, 3600, 100000}[static_cast<std::size_t>(below(5))];
  for (int i = below(4); i > 0; --i) claims["l1"].push_back(str());
  if (chance(0.5)) claims["s2"] = str();
  if (chance(0.5)) claims["n2"] = num();
  if (chance(0.5)) {
    claims["l2"] = json::array();
    for (int i = below(3); i > 0; --i) claims["l2"].push_back(num());
  }
  if (chance(0.4)) claims["t1"] = kNow + (below(5) - 2) * 1000;
  if (chance(0.5)) {
    claims["r1"] = {{"x", str()}};
    if (chance(0.5)) claims["r1"]["y"] = num();
  }
  if (chance(0.3)) claims["odd.name"] = str();
  if (chance(0.2)) claims["iat"] = kNow - 60;
  if (chance(0.03)) claims["n1"] = "12";  // a wrong type: binding denies
  if (chance(0.02)) claims["r1"] = json::array();
  json request = {{"role", chance(0.9) ? pick(kRoles) : "other"}, {"time", kNow + below(3) * 600}};
  if (chance(0.3)) request["ttl"] = std::vector<int>{0, 60, 900, 7200, -5}[static_cast<std::size_t>(below(5))];
  if (chance(0.2)) request["audience"] = pick(kAudiences);
  if (chance(0.3)) request["scopes"] = json::array({pick(kScopes)});
  bool other = chance(0.15);  // a token from issuer `u`, whose schema has fewer claims
  if (other) {
    claims["iss"] = "https://issuer.other";
    if (chance(0.5)) claims.erase("n1");
  }
  return {{"kind", "issue"},
          {"issuer", other ? "u" : "t"},
          {"header", {{"alg", chance(0.97) ? "RS256" : "none"}}},
          {"claims", claims},
          {"request", request}};
}

}  // namespace writ::fuzz
