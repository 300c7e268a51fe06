// A rule's shape: its IR in depth-first order with every constant replaced by a slot number.
#include "compiler/codegen/rule_shape.h"

#include <fmt/format.h>

#include "stdlib/glob.h"

namespace writ::codegen {
namespace {

using ir::Node;
using ir::NodeId;
using ir::Op;

bool can_fail(Op op) {
  switch (op) {
    case Op::Field:
    case Op::Index:
    case Op::Neg:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Mod:
    case Op::Split:
    case Op::Under:
    case Op::Concat:
      return true;
    default:
      return false;
  }
}

class ShapeBuilder {
 public:
  explicit ShapeBuilder(const ir::Policy& policy) : policy_(policy) {}

  RuleShape run(const ir::Rule& rule) {
    shape_.key = fmt::format("{}|{}|", rule.forbid ? 'f' : 'p', rule.locals);
    for (const ir::Step& s : rule.steps) {
      shape_.key += fmt::format("{}{}:{}:", s.is_let ? 'L' : 'C', s.local, s.condition);
      visit(s.expr);
    }
    for (const ir::GrantOutput& g : rule.grant) {
      shape_.key += fmt::format("G{}:", static_cast<int>(g.key));
      visit(g.expr);
    }
    return std::move(shape_);
  }

 private:
  void slot(NodeId id, ShapeConstant c) {
    shape_.slots.emplace(id, static_cast<std::uint32_t>(shape_.constants.size()));
    shape_.constants.push_back(std::move(c));
  }

  void visit(NodeId id) {
    const Node& n = policy_.node(id);
    shape_.key += fmt::format("({} {}", static_cast<int>(n.op), static_cast<int>(n.rep));
    using K = ShapeConstant::Kind;
    switch (n.op) {
      case Op::ConstStr:
        slot(id, {K::Text, policy_.text(n), 0});
        break;
      case Op::ConstInt:
        slot(id, {K::Int, {}, n.imm});
        break;
      case Op::ConstWindow:
        slot(id, {K::Window, {}, n.imm});
        break;
      case Op::Matches:
        slot(id, {K::Regex, {}, n.imm});
        break;
      case Op::InSet:
        shape_.key += policy_.sets[static_cast<std::size_t>(n.imm)].ints ? " ints" : " strings";
        slot(id, {K::Set, {}, n.imm});
        break;
      case Op::Like: {
        auto pieces = like_pieces(policy_.text(n));
        shape_.key += fmt::format(" {}", pieces.size());
        if (pieces.empty()) {
          slot(id, {K::Text, policy_.text(n), 0});
        } else {
          slot(id, {K::Text, pieces[0], 0});
          for (std::size_t i = 1; i < pieces.size(); ++i) shape_.constants.push_back({K::Text, pieces[i], 0});
        }
        break;
      }
      case Op::Field: {
        const auto& field = policy_.type_of(policy_.node(n.kids[0])).record().fields[static_cast<std::size_t>(n.imm)];
        shape_.key += fmt::format(" {}{}", n.imm, field.optional ? "?" : "");
        break;
      }
      case Op::ConstBool:
      case Op::Root:
      case Op::Local:
      case Op::Has:
      case Op::ToString:
      case Op::Under:
      case Op::All:
      case Op::Any:
        shape_.key += fmt::format(" {}", n.imm);
        break;
      default:
        break;
    }
    if (n.rep == ir::Rep::List && policy_.type_of(n).is(TypeKind::List))
      shape_.key += fmt::format(" of {}", static_cast<int>(policy_.type_of(n).element().kind()));
    if (can_fail(n.op)) {
      // The site shares the node's slot numbering, after any constant of the node itself.
      if (shape_.slots.count(id) == 0) shape_.slots.emplace(id, static_cast<std::uint32_t>(shape_.constants.size()));
      shape_.constants.push_back({ShapeConstant::Kind::Int, {}, n.site});
    }
    for (NodeId k : n.kids) visit(k);
    shape_.key += ")";
  }

  const ir::Policy& policy_;
  RuleShape shape_;
};

}  // namespace

std::vector<std::string> like_pieces(const std::string& pattern) {
  auto pieces = stdlib::glob_star_segments(pattern);
  return pieces ? *pieces : std::vector<std::string>{};
}

RuleShape shape_of(const ir::Policy& policy, const ir::Rule& rule) {
  return ShapeBuilder(policy).run(rule);
}

}  // namespace writ::codegen
