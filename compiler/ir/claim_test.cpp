// Recognising a rule's first claim test in the IR (claim_test.h).
#include "compiler/ir/claim_test.h"

namespace writ::ir {

std::optional<FirstClaimTest> first_claim_test(const Policy& ir, const Rule& rule) {
  if (rule.steps.empty() || rule.steps[0].is_let) return std::nullopt;
  const Node& eq = ir.node(rule.steps[0].expr);
  if (eq.op != Op::Eq || eq.kids.size() != 2) return std::nullopt;
  for (int side = 0; side < 2; ++side) {
    const Node& f = ir.node(eq.kids[side]);
    const Node& v = ir.node(eq.kids[1 - side]);
    if (f.op != Op::Field || v.op != Op::ConstStr || f.kids.size() != 1) continue;
    const Node& root = ir.node(f.kids[0]);
    if (root.op != Op::Root || root.imm != kRootToken) continue;
    return FirstClaimTest{f.imm, ir.text(f), ir.text(v)};
  }
  return std::nullopt;
}

}  // namespace writ::ir
