// GitHub Actions `sub` claim parsing (default, immutable-ID and customized forms).
#include "stdlib/github_sub.h"

#include <algorithm>

#include <fmt/format.h>

namespace writ::stdlib {
namespace {

std::string decode_value(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && v[i + 1] == '3' && (v[i + 2] == 'A' || v[i + 2] == 'a')) {
      out.push_back(':');
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Splits `name@id` (immutable form); the id must be decimal.
bool split_id(std::string_view part, std::string& name, std::optional<std::string>& id) {
  std::size_t at = part.find('@');
  if (at == std::string_view::npos) {
    name = std::string(part);
    return !name.empty();
  }
  name = std::string(part.substr(0, at));
  std::string_view digits = part.substr(at + 1);
  if (name.empty() || !all_digits(digits)) return false;
  id = std::string(digits);
  return true;
}

}  // namespace

std::variant<GithubSubject, GithubSubError> parse_github_sub(std::string_view sub) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t colon = sub.find(':', start);
    parts.push_back(sub.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  GithubSubject out;
  bool saw_repo = false;
  std::vector<std::string_view> seen;  // a key given twice is ambiguous: which one would a rule read?
  for (std::size_t i = 0; i < parts.size();) {
    std::string_view key = parts[i];
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return GithubSubError{fmt::format("the subject names `{}` twice", key)};
    seen.push_back(key);
    if (key == "pull_request") {
      out.context = "pull_request";
      out.claims.emplace_back("pull_request", "");
      ++i;
      continue;
    }
    if (key.empty()) return GithubSubError{"the subject has an empty key"};
    if (i + 1 >= parts.size()) return GithubSubError{fmt::format("the key `{}` has no value", key)};
    std::string value = decode_value(parts[i + 1]);
    out.claims.emplace_back(std::string(key), value);
    if (key == "repo") {
      saw_repo = true;
      std::size_t slash = value.find('/');
      if (slash == std::string::npos || value.find('/', slash + 1) != std::string::npos) {
        return GithubSubError{"`repo` must be OWNER/REPO"};
      }
      if (!split_id(std::string_view(value).substr(0, slash), out.owner, out.owner_id) ||
          !split_id(std::string_view(value).substr(slash + 1), out.name, out.repository_id)) {
        return GithubSubError{"`repo` must be OWNER/REPO or OWNER@ID/REPO@ID"};
      }
      if (out.owner_id.has_value() != out.repository_id.has_value()) {
        return GithubSubError{"the immutable form carries both owner and repository IDs"};
      }
      out.repository = out.owner + "/" + out.name;
    } else if (key == "environment") {
      out.context = "environment";
      out.environment = value;
    } else if (key == "ref") {
      if (out.context.empty()) out.context = "ref";
      out.ref = value;
    }
    i += 2;
  }
  if (!saw_repo) return GithubSubError{"the subject has no `repo:` part"};
  return out;
}

}  // namespace writ::stdlib
