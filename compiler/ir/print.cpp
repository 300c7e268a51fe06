// The decision IR in text form: one rule per block, each expression as an s-expression.
#include <fmt/format.h>

#include "compiler/ir/ir.h"
#include "stdlib/literals.h"

namespace writ::ir {
namespace {

constexpr const char* kIssueRoots[] = {"token", "request", "header", "exchange"};

class Printer {
 public:
  Printer(const Policy& policy, const Rule& rule) : policy_(policy), rule_(rule) {}

  std::string expr(NodeId id) const {
    const Node& n = policy_.node(id);
    switch (n.op) {
      case Op::ConstBool:
        return n.imm != 0 ? "true" : "false";
      case Op::ConstInt:
        return std::to_string(n.imm);
      case Op::ConstStr:
        return stdlib::quote_string_literal(policy_.text(n));
      case Op::Root:
        return rule_.access ? "request" : kIssueRoots[n.imm];
      case Op::Local:
        return fmt::format("%{}", n.imm);
      case Op::ConstWindow: {
        const WindowSpec& w = policy_.windows[static_cast<std::size_t>(n.imm)];
        return fmt::format("(window days=0x{:02x} minutes={}..{}{})", w.days, w.start_minute, w.end_minute,
                           w.zone.empty() ? "" : " zone=" + w.zone);
      }
      case Op::Field:
      case Op::Has:
        return fmt::format("({} {} #{} {})", op_name(n.op), expr(n.kids[0]), n.imm, policy_.text(n));
      case Op::InSet:
        return fmt::format("(in-set {} {})", expr(n.kids[0]), set(policy_.sets[static_cast<std::size_t>(n.imm)]));
      case Op::Like:
        return fmt::format("(like {} {})", expr(n.kids[0]), stdlib::quote_string_literal(policy_.text(n)));
      case Op::Matches:
        return fmt::format("(matches {} {})", expr(n.kids[0]),
                           stdlib::quote_string_literal(policy_.patterns[static_cast<std::size_t>(n.imm)]));
      case Op::All:
      case Op::Any:
        return fmt::format("({} %{} in {} {})", op_name(n.op), n.imm, expr(n.kids[0]), expr(n.kids[1]));
      default:
        break;
    }
    std::string out = std::string("(") + op_name(n.op);
    for (NodeId k : n.kids) out += " " + expr(k);
    return out + ")";
  }

  static std::string set(const ConstSet& s) {
    std::string out = "{";
    if (s.ints) {
      for (std::size_t i = 0; i < s.numbers.size(); ++i) out += (i ? ", " : "") + std::to_string(s.numbers[i]);
    } else {
      for (std::size_t i = 0; i < s.strings.size(); ++i)
        out += (i ? ", " : "") + stdlib::quote_string_literal(s.strings[i]);
    }
    return out + "}";
  }

 private:
  const Policy& policy_;
  const Rule& rule_;
};

const char* grant_key_name(GrantKey k) {
  switch (k) {
    case GrantKey::Ttl:
      return "ttl";
    case GrantKey::Audience:
      return "audience";
    case GrantKey::Scopes:
      return "scopes";
    case GrantKey::Tags:
      return "tags";
  }
  return "?";
}

}  // namespace

const char* op_name(Op op) {
  static constexpr const char* kNames[] = {"const-bool",
                                           "const-int",
                                           "const-str",
                                           "root",
                                           "local",
                                           "window",
                                           "field",
                                           "has",
                                           "index",
                                           "list",
                                           "record",
                                           "not",
                                           "and",
                                           "or",
                                           "eq",
                                           "ne",
                                           "lt",
                                           "le",
                                           "gt",
                                           "ge",
                                           "in-list",
                                           "in-set",
                                           "in-window",
                                           "like",
                                           "matches",
                                           "under",
                                           "add",
                                           "sub",
                                           "mul",
                                           "div",
                                           "mod",
                                           "neg",
                                           "concat",
                                           "starts-with",
                                           "ends-with",
                                           "contains-str",
                                           "contains-list",
                                           "lower",
                                           "upper",
                                           "split",
                                           "size-str",
                                           "size-list",
                                           "parse-int",
                                           "to-string",
                                           "min",
                                           "max",
                                           "parse-timestamp",
                                           "spiffe",
                                           "is-spiffe-id",
                                           "github-sub",
                                           "all",
                                           "any",
                                           "if"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(Op::Cond) + 1);
  return kNames[static_cast<std::size_t>(op)];
}

std::string to_text(const Policy& policy, const Rule& rule) {
  Printer p(policy, rule);
  std::string out =
      fmt::format("rule {} ({} {})\n", rule.id, rule.forbid ? "forbid" : "permit", rule.access ? "access" : "issue");
  for (const Step& s : rule.steps) {
    if (s.is_let)
      out += fmt::format("  %{} = {}\n", s.local, p.expr(s.expr));
    else
      out += fmt::format("  require {}\n", p.expr(s.expr));
  }
  for (const GrantOutput& g : rule.grant)
    out += fmt::format("  grant {} = {}\n", grant_key_name(g.key), p.expr(g.expr));
  return out;
}

std::string to_text(const Policy& policy) {
  std::string out;
  for (const Rule& r : policy.rules) out += to_text(policy, r);
  return out;
}

}  // namespace writ::ir
