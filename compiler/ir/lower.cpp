// Lowering of checked rules to the decision IR: names resolved to roots, locals and constants
// (as literals of their values when given, else inlined); fields to indices; operators and
// built-ins to typed operations.
#include "compiler/ir/lower.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/ast/print.h"
#include "stdlib/glob.h"
#include "stdlib/limits.h"
#include "stdlib/path.h"

namespace writ::ir {
namespace {

// The IR op each built-in lowers to, when that is one op whatever its arguments (builtins.def).
#define LOWERS_TO(op) Op::op
#define LOWERED_SPECIALLY std::nullopt
constexpr std::optional<Op> kLowersTo[] = {
#define WRIT_BUILTIN(id, name, min_args, max_args, usage, lowering) lowering,
#include "compiler/builtins/builtins.def"
#undef WRIT_BUILTIN
};
#undef LOWERS_TO
#undef LOWERED_SPECIALLY
static_assert(std::size(kLowersTo) == static_cast<std::size_t>(Builtin::None));

constexpr const char* kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// Past the IR node budget (limits::kMaxIrNodes).
struct TooLarge {};

// A construct native code does not handle; the whole policy then stays on the interpreter.
struct Unsupported {
  std::string what;
};

Rep rep_of(const Type& t) {
  switch (t.kind()) {
    case TypeKind::String:
    case TypeKind::Enum:
      return Rep::Str;
    case TypeKind::Int:
    case TypeKind::Duration:
    case TypeKind::Timestamp:
      return Rep::Int;
    case TypeKind::Bool:
      return Rep::Bool;
    case TypeKind::List:
      return Rep::List;
    case TypeKind::Record:
      return Rep::Record;
    case TypeKind::Window:
      return Rep::Window;
    default:
      throw Unsupported{fmt::format("a value of type `{}`", t.name())};
  }
}

class Lowerer {
 public:
  Lowerer(const Program& program, const ConstantValues* constants, std::size_t max_nodes)
      : program_(program), constants_(constants), max_nodes_(max_nodes) {}

  Policy run() {
    for (const RuleInfo& info : program_.rules) lower_rule(info);
    return std::move(policy_);
  }

 private:
  void lower_rule(const RuleInfo& info) {
    const ast::RuleDecl& decl = *info.decl;
    Rule rule;
    rule.id = info.id;
    rule.index = static_cast<std::size_t>(&info - program_.rules.data());
    rule.forbid = decl.effect == ast::Effect::Forbid;
    rule.access = decl.kind == ast::RuleKind::Access;
    // Access rules `by token` read the token as issue rules do; every rule has the same roots.
    if (!rule.access || decl.principal_kind == "token") check_token_layout(info);
    scope_.clear();
    locals_ = 0;
    root_names_ = {"token", "request", "header", "exchange"};
    for (std::size_t i = 0; i < decl.conditions.size(); ++i) {
      const ast::Condition& c = decl.conditions[i];
      Step step;
      step.condition = static_cast<std::uint32_t>(i);
      step.expr = lower(*c.expr);
      if (c.is_let) {
        step.is_let = true;
        step.local = locals_++;
        scope_.emplace_back(c.let_name, step.local);
      }
      rule.steps.push_back(step);
    }
    for (const ast::Setting& s : decl.grant) {
      GrantKey key = s.key == "ttl"        ? GrantKey::Ttl
                     : s.key == "audience" ? GrantKey::Audience
                     : s.key == "scopes"   ? GrantKey::Scopes
                     : s.key == "tags"     ? GrantKey::Tags
                                           : throw Unsupported{fmt::format("the grant setting `{}`", s.key)};
      rule.grant.push_back({key, lower(*s.value)});
    }
    rule.locals = locals_;
    policy_.rules.push_back(std::move(rule));
  }

  // Native code reads token fields by index in the rule's view of the token; the binder lays
  // the token out by its issuer's schema. They agree when the view is a prefix (`extends`).
  void check_token_layout(const RuleInfo& info) {
    if (!info.token_type.is(TypeKind::Record)) throw Unsupported{"a rule whose token has no schema"};
    const RecordType& view = info.token_type.record();
    for (const auto& [name, issuer] : program_.issuers) {
      if (!info.issuers.empty() && std::find(info.issuers.begin(), info.issuers.end(), name) == info.issuers.end())
        continue;
      const RecordType& actual = issuer.token_type.record();
      // Names alike, and no claim the view reads unguarded that the token may lack.
      bool prefix = view.fields.size() <= actual.fields.size();
      for (std::size_t i = 0; prefix && i < view.fields.size(); ++i) {
        prefix =
            view.fields[i].name == actual.fields[i].name && (view.fields[i].optional || !actual.fields[i].optional);
      }
      if (!prefix) throw Unsupported{fmt::format("token schema `{}` does not extend `{}`", actual.name, view.name)};
    }
  }

  NodeId add(Node n) {
    // The budget (limits.h): past it the policy is refused, never compiled for minutes.
    if (policy_.nodes.size() >= max_nodes_) throw TooLarge{};
    return policy_.add(std::move(n));
  }

  NodeId add(Op op, const Type& type, std::vector<NodeId> kids, std::int64_t imm = 0, std::string str = {}) {
    Node n;
    n.op = op;
    n.type = intern(type);
    n.rep = rep_of(type);
    n.kids = std::move(kids);
    n.imm = imm;
    n.text = intern(std::move(str));
    return add(std::move(n));
  }

  // Sites are shared: 10,000 rules reading the same claim share its messages, which keeps the
  // policy's tables (and a bundle's runtime image) small. A second message (`then`, for a
  // division: abi.h's DivideByZero) is stored right after the first.
  std::uint32_t intern(const Type& type) {
    if (type.is_error()) return 0;
    auto [it, inserted] = type_index_.emplace(type.identity(), static_cast<std::uint32_t>(policy_.types.size()));
    if (inserted) policy_.types.push_back(type);
    return it->second;
  }

  std::uint32_t intern(std::string text) {
    if (text.empty()) return 0;
    auto [it, inserted] = text_index_.emplace(text, static_cast<std::uint32_t>(policy_.texts.size()));
    if (inserted) policy_.texts.push_back(std::move(text));
    return it->second;
  }

  std::uint32_t site(std::string message, std::string then = {}) {
    std::string key = then.empty() ? message : message + '\0' + then;
    auto [it, inserted] = site_index_.emplace(std::move(key), static_cast<std::uint32_t>(policy_.sites.size()));
    if (inserted) {
      policy_.sites.push_back(std::move(message));
      if (!then.empty()) policy_.sites.push_back(std::move(then));
    }
    return it->second;
  }

  const Node& node(NodeId id) const { return policy_.nodes[id]; }

  NodeId lower(const ast::Expr& e) {
    Type t = program_.type_of(e);
    switch (e.kind) {
      case ast::ExprKind::String:
        return add(Op::ConstStr, Type::string(), {}, 0, e.text);
      case ast::ExprKind::Int:
        return add(Op::ConstInt, Type::integer(), {}, e.int_value);
      case ast::ExprKind::Bool:
        return add(Op::ConstBool, Type::boolean(), {}, e.int_value);
      case ast::ExprKind::Duration:
        return add(Op::ConstInt, Type::duration(), {}, e.int_value);
      case ast::ExprKind::Name:
        return lower_name(e, t);
      case ast::ExprKind::Field: {
        NodeId base = lower(*e.operands[0]);
        NodeId id = add(Op::Field, t, {base}, field_index(e), e.text);
        policy_.nodes[id].site = site(fmt::format("`{}` is absent", ast::print_expr(e)));
        return id;
      }
      case ast::ExprKind::Index: {
        NodeId id = add(Op::Index, t, {lower(*e.operands[0]), lower(*e.operands[1])});
        policy_.nodes[id].site = site("index {} is outside the list of {} items");
        return id;
      }
      case ast::ExprKind::Call:
        return lower_call(e, t);
      case ast::ExprKind::Unary: {
        NodeId operand = lower(*e.operands[0]);
        if (e.op == ast::Op::Not) return add(Op::Not, Type::boolean(), {operand});
        NodeId id = add(Op::Neg, t, {operand});
        policy_.nodes[id].site = site("negation overflows");
        return id;
      }
      case ast::ExprKind::Binary:
        return lower_binary(e, t);
      case ast::ExprKind::List: {
        std::vector<NodeId> items;
        for (const auto& item : e.operands) items.push_back(lower(*item));
        return add(Op::ListLit, t, std::move(items));
      }
      case ast::ExprKind::Record: {
        // The checker's record type lists the keys in the order written, as `operands` does.
        std::vector<NodeId> values;
        for (const auto& v : e.operands) values.push_back(lower(*v));
        return add(Op::RecordLit, t, std::move(values));
      }
      case ast::ExprKind::Quantifier: {
        NodeId list = lower(*e.operands[0]);
        std::uint32_t local = locals_++;
        scope_.emplace_back(e.details().var, local);
        NodeId predicate = lower(*e.operands[1]);
        scope_.pop_back();
        return add(e.builtin == Builtin::All ? Op::All : Op::Any, Type::boolean(), {list, predicate}, local);
      }
      case ast::ExprKind::Conditional:
        return add(Op::Cond, t, {lower(*e.operands[0]), lower(*e.operands[1]), lower(*e.operands[2])});
      default:
        break;
    }
    throw Unsupported{fmt::format("the expression `{}`", ast::print_expr(e))};
  }

  NodeId lower_name(const ast::Expr& e, const Type& t) {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->first == e.text) return add(Op::Local, t, {}, it->second);
    }
    for (std::size_t i = 0; i < root_names_.size(); ++i) {
      if (root_names_[i] == e.text) return add(Op::Root, t, {}, static_cast<std::int64_t>(i));
    }
    auto constant = program_.constants.find(e.text);
    if (constant == program_.constants.end()) throw Unsupported{fmt::format("the name `{}`", e.text)};
    // A constant evaluated once by the caller becomes a literal of its value: inlining its
    // expression at every use would repeat `const b2 = max(b1, b1)` exponentially.
    if (constants_ != nullptr) {
      auto value = constants_->find(e.text);
      if (value != constants_->end() && value->second.kind != ConstantValue::Kind::Other)
        return literal(value->second, t);
    }
    // Other constants are inlined; they cannot see the rule's names, so lower them in an empty scope.
    // A list or record constant built from others can expand exponentially (`[c, c]`): bounded.
    auto saved = std::move(scope_);
    scope_.clear();
    std::size_t before = policy_.nodes.size();
    NodeId id = lower(*constant->second.decl->value);
    scope_ = std::move(saved);
    if (policy_.nodes.size() - before > limits::kMaxInlinedConstantNodes) {
      throw Unsupported{fmt::format("the constant `{}`, which expands to more than {} IR nodes where it is used",
                                    e.text, limits::kMaxInlinedConstantNodes)};
    }
    return id;
  }

  NodeId literal(const ConstantValue& v, const Type& t) {
    switch (v.kind) {
      case ConstantValue::Kind::Int:
        return add(Op::ConstInt, t, {}, v.number);
      case ConstantValue::Kind::Bool:
        return add(Op::ConstBool, t, {}, v.number);
      case ConstantValue::Kind::Str:
        inlined_bytes_ += v.text.size();
        if (inlined_bytes_ > limits::kMaxInlinedConstantBytes) {
          throw Unsupported{fmt::format("constants of more than {} bytes in all, counting every use",
                                        limits::kMaxInlinedConstantBytes)};
        }
        return add(Op::ConstStr, t, {}, 0, v.text);
      case ConstantValue::Kind::List: {
        std::vector<NodeId> items;
        for (const ConstantValue& item : v.items) items.push_back(literal(item, t.element()));
        return add(Op::ListLit, t, std::move(items));
      }
      case ConstantValue::Kind::Other:
        break;
    }
    throw Unsupported{"a constant of this type"};
  }

  std::int64_t field_index(const ast::Expr& field) const {
    Type base = program_.type_of(*field.operands[0]);
    if (!base.is(TypeKind::Record)) throw Unsupported{fmt::format("the field access `{}`", ast::print_expr(field))};
    const auto& fields = base.record().fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == field.text) return static_cast<std::int64_t>(i);
    }
    throw Unsupported{fmt::format("the field access `{}`", ast::print_expr(field))};
  }

  std::optional<std::string> const_string(NodeId id) const {
    if (node(id).op == Op::ConstStr) return policy_.text(node(id));
    return std::nullopt;
  }

  // Whether two lists compared hold scalars (strings, ints, bools...), compared cell by cell in
  // native code; `[]`, whose items have no type, takes the other side's.
  bool scalar_items(NodeId a, NodeId b) const {
    const Type& x = policy_.type_of(node(a));
    const Type& y = policy_.type_of(node(b));
    const Type& item = x.is(TypeKind::List) && !x.element().is_error() ? x.element()
                       : y.is(TypeKind::List)                          ? y.element()
                                                                       : x;
    if (item.is_error()) return true;  // `[] == []`
    return item.is_stringy() || item.is(TypeKind::Int) || item.is(TypeKind::Duration) || item.is(TypeKind::Timestamp) ||
           item.is(TypeKind::Bool);
  }

  NodeId lower_binary(const ast::Expr& e, const Type& t) {
    const ast::Expr& lhs = *e.operands[0];
    const ast::Expr& rhs = *e.operands[1];
    NodeId a = lower(lhs);
    NodeId b = lower(rhs);
    Type bool_type = Type::boolean();
    auto comparison = [&](Op op) {
      Rep r = node(a).rep;
      bool scalar_list = r == Rep::List && (op == Op::Eq || op == Op::Ne) && scalar_items(a, b);
      if (r != Rep::Bool && r != Rep::Int && r != Rep::Str && !scalar_list) {
        throw Unsupported{fmt::format("comparing values of type `{}`", policy_.type_of(node(a)).name())};
      }
      return add(op, bool_type, {a, b});
    };
    switch (e.op) {
      case ast::Op::And:
        return add(Op::And, bool_type, {a, b});
      case ast::Op::Or:
        return add(Op::Or, bool_type, {a, b});
      case ast::Op::Eq:
        return comparison(Op::Eq);
      case ast::Op::Ne:
        return comparison(Op::Ne);
      case ast::Op::Lt:
        return add(Op::Lt, bool_type, {a, b});
      case ast::Op::Le:
        return add(Op::Le, bool_type, {a, b});
      case ast::Op::Gt:
        return add(Op::Gt, bool_type, {a, b});
      case ast::Op::Ge:
        return add(Op::Ge, bool_type, {a, b});
      case ast::Op::In:
        return lower_in(a, b);
      case ast::Op::Like: {
        auto pattern = const_string(b);
        if (!pattern) throw Unsupported{"a `like` pattern that is not constant"};
        return add(Op::Like, bool_type, {a}, 0, *pattern);
      }
      case ast::Op::Matches: {
        auto pattern = const_string(b);
        if (!pattern) throw Unsupported{"a `matches` pattern that is not constant"};
        auto& patterns = policy_.patterns;
        auto it = std::find(patterns.begin(), patterns.end(), *pattern);
        if (it == patterns.end()) it = patterns.insert(patterns.end(), *pattern);
        return add(Op::Matches, bool_type, {a}, it - patterns.begin());
      }
      case ast::Op::Under: {
        NodeId id = add(Op::Under, bool_type, {a, b}, e.computed_prefix ? 1 : 0);
        policy_.nodes[id].site = site(std::string(stdlib::kUnderDotSegment), std::string(stdlib::kUnderEmptySegment));
        return id;
      }
      case ast::Op::Add:
        if (node(a).rep == Rep::Str) {
          NodeId id = add(Op::Concat, t, {a, b});
          policy_.nodes[id].site = site(std::string(limits::kConcatTooLong));
          return id;
        }
        return arithmetic(Op::Add, e, t, a, b);
      case ast::Op::Sub:
        return arithmetic(Op::Sub, e, t, a, b);
      case ast::Op::Mul:
        return arithmetic(Op::Mul, e, t, a, b);
      case ast::Op::Div:
        return arithmetic(Op::Div, e, t, a, b);
      case ast::Op::Mod:
        return arithmetic(Op::Mod, e, t, a, b);
      default:
        break;
    }
    throw Unsupported{fmt::format("the operator `{}`", ast::op_spelling(e.op))};
  }

  NodeId arithmetic(Op op, const ast::Expr& e, const Type& t, NodeId a, NodeId b) {
    NodeId id = add(op, t, {a, b});
    bool divides = op == Op::Div || op == Op::Mod;
    // Division by zero and overflow share a node; the message names the failure (abi.h).
    policy_.nodes[id].site = site(fmt::format("`{}` overflows", ast::print_expr(e)),
                                  divides ? fmt::format("`{}` divides by zero", ast::print_expr(e)) : std::string());
    return id;
  }

  NodeId lower_in(NodeId item, NodeId collection) {
    const Node& c = node(collection);
    Type bool_type = Type::boolean();
    if (c.rep == Rep::Window) return add(Op::InWindow, bool_type, {item, collection});
    Rep r = node(item).rep;
    if (r != Rep::Str && r != Rep::Int && r != Rep::Bool) {
      throw Unsupported{fmt::format("`in` on values of type `{}`", policy_.type_of(node(item)).name())};
    }
    // A list of literals becomes a constant set, searched by hashing or bisection.
    bool constant = c.op == Op::ListLit && (r == Rep::Str || r == Rep::Int);
    for (NodeId k : c.kids) constant = constant && (node(k).op == Op::ConstStr || node(k).op == Op::ConstInt);
    if (!constant) return add(Op::InList, bool_type, {item, collection});
    ConstSet set;
    set.ints = r == Rep::Int;
    for (NodeId k : c.kids) {
      if (set.ints)
        set.numbers.push_back(node(k).imm);
      else
        set.strings.push_back(policy_.text(node(k)));
    }
    std::sort(set.strings.begin(), set.strings.end());
    set.strings.erase(std::unique(set.strings.begin(), set.strings.end()), set.strings.end());
    std::sort(set.numbers.begin(), set.numbers.end());
    set.numbers.erase(std::unique(set.numbers.begin(), set.numbers.end()), set.numbers.end());
    policy_.sets.push_back(std::move(set));
    return add(Op::InSet, bool_type, {item}, static_cast<std::int64_t>(policy_.sets.size() - 1));
  }

  NodeId lower_call(const ast::Expr& e, const Type& t) {
    const Builtin b = e.builtin;
    if (b == Builtin::Has) {
      const ast::Expr& arg = *e.operands[0];
      if (arg.kind != ast::ExprKind::Field) throw Unsupported{"`has` on something other than a field"};
      return add(Op::Has, Type::boolean(), {lower(*arg.operands[0])}, field_index(arg), arg.text);
    }
    if (b == Builtin::Window) return lower_window(e);
    std::vector<NodeId> args;
    for (const auto& a : e.operands) args.push_back(lower(*a));
    if (b != Builtin::None) {
      if (std::optional<Op> op = kLowersTo[static_cast<std::size_t>(b)]) return add(*op, t, args);
    }
    auto first_rep = [&] { return node(args[0]).rep; };
    auto with_site = [&](NodeId id, std::string message) {
      policy_.nodes[id].site = site(std::move(message));
      return id;
    };
    switch (b) {
      case Builtin::Contains: {
        if (first_rep() == Rep::List) {
          Rep item = node(args[1]).rep;
          if (item != Rep::Str && item != Rep::Int && item != Rep::Bool)
            throw Unsupported{"`contains` on a list of records or lists"};
          return add(Op::ContainsList, t, args);
        }
        return add(Op::ContainsStr, t, args);
      }
      case Builtin::Split:
        return with_site(add(Op::Split, t, args), "the separator of `split` is empty");
      case Builtin::Size:
        return add(first_rep() == Rep::List ? Op::SizeList : Op::SizeStr, t, args);
      case Builtin::String:
        return add(Op::ToString, t, args, static_cast<std::int64_t>(to_string_kind(policy_.type_of(node(args[0])))));
      default:
        break;
    }
    throw Unsupported{fmt::format("the function `{}`", e.text)};
  }

  static ToStringKind to_string_kind(const Type& t) {
    switch (t.kind()) {
      case TypeKind::String:
      case TypeKind::Enum:
        return ToStringKind::Str;
      case TypeKind::Int:
        return ToStringKind::Int;
      case TypeKind::Bool:
        return ToStringKind::Bool;
      case TypeKind::Duration:
        return ToStringKind::Duration;
      case TypeKind::Timestamp:
        return ToStringKind::Timestamp;
      default:
        throw Unsupported{fmt::format("`string` of a `{}`", t.name())};
    }
  }

  NodeId lower_window(const ast::Expr& e) {
    WindowSpec w;
    auto day_index = [](const ast::Expr& d) {
      return static_cast<int>(std::find(std::begin(kWeekdays), std::end(kWeekdays), d.text) - std::begin(kWeekdays));
    };
    std::vector<const ast::Expr*> items;
    if (e.operands[0]->kind == ast::ExprKind::List) {
      for (const auto& d : e.operands[0]->operands) items.push_back(d.get());
    } else {
      items.push_back(e.operands[0].get());
    }
    for (const ast::Expr* d : items) {
      int from = day_index(d->kind == ast::ExprKind::Range ? *d->operands[0] : *d);
      int to = day_index(d->kind == ast::ExprKind::Range ? *d->operands[1] : *d);
      if (from > 6 || to > 6) throw Unsupported{"a window with an unknown weekday"};
      for (int k = from;; k = (k + 1) % 7) {  // a range may wrap around the week: fri..mon
        w.days |= 1u << k;
        if (k == to) break;
      }
    }
    const ast::Expr& hours = *e.operands[1];
    if (hours.kind != ast::ExprKind::Range) throw Unsupported{"a window whose hours are not a range"};
    w.start_minute = hours.operands[0]->int_value;
    w.end_minute = hours.operands[1]->int_value;
    if (e.operands.size() == 3) {
      auto zone = const_string(lower(*e.operands[2]));
      if (!zone) throw Unsupported{"a window whose time zone is not constant"};
      w.zone = *zone;
    }
    policy_.windows.push_back(std::move(w));
    return add(Op::ConstWindow, Type::window(), {}, static_cast<std::int64_t>(policy_.windows.size() - 1));
  }

  const Program& program_;
  const ConstantValues* constants_;  // may be null: every constant is then inlined
  std::size_t max_nodes_;
  std::size_t inlined_bytes_ = 0;  // constant strings put in the code so far (limits.h)
  Policy policy_;
  std::unordered_map<std::string, std::uint32_t> text_index_;  // Policy::texts, each once
  std::map<Type::Identity, std::uint32_t> type_index_;         // Policy::types, each once
  std::map<std::string, std::uint32_t> site_index_;            // message (and its second) -> site
  std::vector<std::pair<std::string, std::uint32_t>> scope_;   // lets and quantifier variables
  std::vector<std::string> root_names_;
  std::uint32_t locals_ = 0;
};

}  // namespace

Result<Policy> lower(const Program& program, const ConstantValues* constants, std::size_t max_nodes) {
  Lowerer lowerer(program, constants, max_nodes);
  try {
    return lowerer.run();
  } catch (const Unsupported& u) {
    return Error{fmt::format("native code does not support {} yet", u.what)};
  } catch (const TooLarge&) {
    return Error{fmt::format("the policy is too large to compile: it lowers to more than {} IR nodes", max_nodes)};
  }
}

}  // namespace writ::ir
