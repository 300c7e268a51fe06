// Deriving the runtime policy from a checked program, and matching rule heads.
#include "runtime/interp/runtime_policy.h"

#include <algorithm>

#include <fmt/format.h>

#include "stdlib/glob.h"
#include "stdlib/sha256.h"

namespace writ::interp {
namespace {

NamePatterns patterns_of(const ast::NameSet& set) {
  NamePatterns out;
  out.any = set.any;
  for (const auto& item : set.items) out.items.push_back(item.text);
  return out;
}

// `spiffe "spiffe://td/*"` covers the trust domain's own ID, `spiffe://td`, as well as every
// workload in it (docs/semantics.md §6): a forbid for a trust domain must not miss its bare ID.
NamePatterns spiffe_patterns_of(const ast::NameSet& set) {
  NamePatterns out = patterns_of(set);
  std::size_t given = out.items.size();
  for (std::size_t i = 0; i < given; ++i) {
    const std::string& p = out.items[i];
    // The trust domain is exact (the checker refuses wildcards in it) and has no `/`.
    if (p.size() > 11 && p.ends_with("/*") && p.find('/', 9) == p.size() - 2)
      out.items.push_back(p.substr(0, p.size() - 2));
  }
  return out;
}

std::string location_of(const LoadedPolicySet& policy, const ast::RuleDecl& rule) {
  if (!rule.span.valid()) return "";
  const SourceFile& file = policy.sources.file(rule.span.file);
  return fmt::format("{}:{}", file.path(), file.line_column(rule.head_span.begin).line);
}

}  // namespace

bool NamePatterns::contains(std::string_view name) const {
  return any || std::find(items.begin(), items.end(), name) != items.end();
}

bool NamePatterns::matches(std::string_view value) const {
  return any ||
         std::any_of(items.begin(), items.end(), [&](const std::string& p) { return stdlib::glob_match(p, value); });
}

std::shared_ptr<const RuntimePolicy> runtime_policy_of(const LoadedPolicySet& policy) {
  auto out = std::make_shared<RuntimePolicy>();
  const Program& program = policy.program;
  out->schemas = program.schemas;
  out->issuers = program.issuers;
  out->version = policy_version_hash(policy);
  for (const RuleInfo& rule : program.rules) {
    const ast::RuleDecl& decl = *rule.decl;
    RuleHead head;
    head.id = rule.id;
    head.forbid = decl.effect == ast::Effect::Forbid;
    head.access = decl.kind == ast::RuleKind::Access;
    head.roles = patterns_of(decl.roles);
    head.issuers = rule.issuers;
    head.actions = patterns_of(decl.actions);
    head.resources = patterns_of(decl.resources);
    head.principal_kind = decl.principal_kind;
    head.principals =
        decl.principal_kind == "spiffe" ? spiffe_patterns_of(decl.principals) : patterns_of(decl.principals);
    head.location = location_of(policy, decl);
    out->rules.push_back(std::move(head));
  }
  return out;
}

std::string policy_version_hash(const LoadedPolicySet& policy) {
  // Each file's version name (its argument's position and its path relative to the directory it
  // was found in) and content, in load order, which is the rule order: the same sources given the
  // same way give the same version however their paths were typed.
  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (std::size_t i = 0; i < policy.user_files.size(); ++i) {
    const SourceFile& f = policy.sources.file(policy.user_files[i]);
    std::string_view name = i < policy.version_names.size() ? std::string_view(policy.version_names[i]) : f.path();
    files.emplace_back(name, f.text());
  }
  std::string hashed;
  for (const auto& [name, text] : files) {
    hashed += fmt::format("{}\n{}\n", name, text.size());
    hashed += text;
  }
  return "sha256:" + stdlib::hex(stdlib::sha256(hashed));
}

}  // namespace writ::interp
