// Expression evaluation for the reference interpreter.
#include "runtime/interp/evaluator.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/ast/print.h"
#include "stdlib/github_sub.h"
#include "stdlib/glob.h"
#include "stdlib/limits.h"
#include "stdlib/literals.h"
#include "stdlib/path.h"
#include "stdlib/spiffe_id.h"
#include "stdlib/strings.h"

namespace writ::interp {
namespace {

constexpr const char* kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

Error fail(std::string message) {
  return Error{std::move(message)};
}

bool is_integral(const Value& v) {
  return v.kind() == ValueKind::Int || v.kind() == ValueKind::Timestamp || v.kind() == ValueKind::Duration;
}

Value spiffe_record(const stdlib::SpiffeId& id) {
  RecordValue r;
  r.fields.emplace("trust_domain", Value::string(id.trust_domain));
  r.fields.emplace("path", Value::string(id.path));
  std::vector<Value> segments;
  for (const auto& s : id.segments) segments.push_back(Value::string(s));
  r.fields.emplace("segments", Value::list(std::move(segments)));
  return Value::record(std::move(r));
}

Value github_subject_record(const stdlib::GithubSubject& s) {
  RecordValue r;
  r.fields.emplace("owner", Value::string(s.owner));
  r.fields.emplace("name", Value::string(s.name));
  r.fields.emplace("repository", Value::string(s.repository));
  if (s.owner_id) r.fields.emplace("owner_id", Value::string(*s.owner_id));
  if (s.repository_id) r.fields.emplace("repository_id", Value::string(*s.repository_id));
  r.fields.emplace("context", Value::string(s.context));
  if (s.environment) r.fields.emplace("environment", Value::string(*s.environment));
  if (s.ref) r.fields.emplace("ref", Value::string(*s.ref));
  return Value::record(std::move(r));
}

}  // namespace

Result<std::shared_ptr<const Evaluator>> Evaluator::create(const Program& program) {
  auto evaluator = std::shared_ptr<Evaluator>(new Evaluator(program));
  if (auto error = evaluator->prepare()) return Error{*error};
  return std::shared_ptr<const Evaluator>(std::move(evaluator));
}

namespace {

// The constants `e` refers to (a quantifier variable spelled like one is counted too: harmless).
void constants_used(const ast::Expr& e, const Program& program, std::vector<std::string>& out) {
  if (e.kind == ast::ExprKind::Name && program.constants.count(e.text) != 0) out.push_back(e.text);
  for (const auto& operand : e.operands) constants_used(*operand, program, out);
}

// The values `v` holds, nested lists and records counted each time they appear, saturating past
// the limit; `sizes` remembers shared parts, so `[c, c]` of a deep `c` costs its depth, not its size.
std::size_t expanded_size(const Value& v, std::map<const void*, std::size_t>& sizes) {
  const void* key = nullptr;
  if (v.kind() == ValueKind::List) key = &v.as_list();
  if (v.kind() == ValueKind::Record) key = &v.as_record();
  if (key == nullptr) return 1;
  if (auto it = sizes.find(key); it != sizes.end()) return it->second;
  std::size_t total = 1;
  auto add = [&](const Value& item) {
    total = std::min(total + expanded_size(item, sizes), limits::kMaxConstantValues + 1);
  };
  if (v.kind() == ValueKind::List) {
    for (const Value& item : v.as_list()) add(item);
  } else {
    for (const auto& [field, item] : v.as_record().fields) add(item);
  }
  sizes.emplace(key, total);
  return total;
}

}  // namespace

// Each constant is evaluated once, after the constants it uses: `const b2 = max(b1, b1)` must not
// evaluate `b1` twice (a chain of them would take exponential time).
std::optional<std::string> Evaluator::prepare_constant(const std::string& name, std::set<std::string>& in_progress) {
  if (constants_.count(name) != 0 || !in_progress.insert(name).second) return std::nullopt;  // a cycle: E1004
  const ConstInfo& info = program_.constants.at(name);
  std::vector<std::string> used;
  constants_used(*info.decl->value, program_, used);
  for (const std::string& dependency : used) {
    if (auto error = prepare_constant(dependency, in_progress)) return error;
  }
  Env env;
  auto v = eval(*info.decl->value, env);
  if (!v) return fmt::format("constant `{}`: {}", name, v.error());
  std::map<const void*, std::size_t> sizes;
  if (expanded_size(*v, sizes) > limits::kMaxConstantValues) {
    return fmt::format("constant `{}` is too large: it holds more than {} values once expanded", name,
                       limits::kMaxConstantValues);
  }
  constants_.emplace(name, std::move(v).value());
  return std::nullopt;
}

std::optional<std::string> Evaluator::prepare() {
  std::set<std::string> in_progress;
  for (const auto& [name, info] : program_.constants) {
    if (auto error = prepare_constant(name, in_progress)) return error;
  }
  for (const RuleInfo& rule : program_.rules) {
    for (const ast::Condition& c : rule.decl->conditions) {
      if (auto e = prepare_expr(*c.expr)) return e;
    }
    for (const ast::Setting& s : rule.decl->grant) {
      if (auto e = prepare_expr(*s.value)) return e;
    }
  }
  return std::nullopt;
}

std::optional<std::string> Evaluator::prepare_expr(const ast::Expr& e) {
  Env env;
  if (e.kind == ast::ExprKind::Binary && e.op == ast::Op::Matches) {
    auto pattern = eval(*e.operands[1], env);
    if (!pattern || pattern->kind() != ValueKind::String) return "a `matches` pattern is not a constant string";
    if (regexes_.count(pattern->as_string()) == 0) {
      RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_shared<const RE2>(pattern->as_string(), options);
      if (!re->ok()) return fmt::format("regular expression `{}`: {}", pattern->as_string(), re->error());
      regexes_.emplace(pattern->as_string(), std::move(re));
    }
  }
  if (e.kind == ast::ExprKind::Call && e.builtin == Builtin::Window && e.operands.size() == 3) {
    auto zone = eval(*e.operands[2], env);
    if (!zone || zone->kind() != ValueKind::String) return "a window's time zone is not a constant string";
    if (zones_.count(zone->as_string()) == 0) {
      auto tz = stdlib::TimeZone::load(zone->as_string());
      if (!tz) return tz.error();
      zones_.emplace(zone->as_string(), std::move(tz).value());
    }
  }
  for (const auto& op : e.operands) {
    if (auto err = prepare_expr(*op)) return err;
  }
  return std::nullopt;
}

Result<Value> Evaluator::eval(const ast::Expr& e, Env& env) const {
  switch (e.kind) {
    case ast::ExprKind::String:
      return Value::string(e.text);
    case ast::ExprKind::Int:
      return Value::integer(e.int_value);
    case ast::ExprKind::Bool:
      return Value::boolean(e.int_value != 0);
    case ast::ExprKind::Duration:
      return Value::duration(e.int_value);
    case ast::ExprKind::Name:
      return eval_name(e, env);
    case ast::ExprKind::Field:
      return eval_field(e, env);
    case ast::ExprKind::Index: {
      WRIT_TRY(list, eval(*e.operands[0], env));
      WRIT_TRY(index, eval(*e.operands[1], env));
      std::int64_t i = index.as_int();
      if (i < 0 || static_cast<std::size_t>(i) >= list.as_list().size()) {
        return fail(fmt::format("index {} is outside the list of {} items", i, list.as_list().size()));
      }
      return list.as_list()[static_cast<std::size_t>(i)];
    }
    case ast::ExprKind::Call:
      return eval_call(e, env);
    case ast::ExprKind::Unary: {
      WRIT_TRY(v, eval(*e.operands[0], env));
      if (e.op == ast::Op::Not) return Value::boolean(!v.as_bool());
      if (v.as_int() == INT64_MIN) return fail("negation overflows");
      return v.kind() == ValueKind::Duration ? Value::duration(-v.as_int()) : Value::integer(-v.as_int());
    }
    case ast::ExprKind::Binary:
      return eval_binary(e, env);
    case ast::ExprKind::List: {
      std::vector<Value> items;
      for (const auto& item : e.operands) {
        WRIT_TRY(v, eval(*item, env));
        items.push_back(std::move(v));
      }
      return Value::list(std::move(items));
    }
    case ast::ExprKind::Record: {
      RecordValue r;
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        WRIT_TRY(v, eval(*e.operands[i], env));
        r.fields.emplace(e.details().keys[i], std::move(v));
      }
      return Value::record(std::move(r));
    }
    case ast::ExprKind::Quantifier:
      return eval_quantifier(e, env);
    case ast::ExprKind::Conditional: {
      // Only the branch taken is evaluated.
      WRIT_TRY(condition, eval(*e.operands[0], env));
      return eval(*e.operands[condition.as_bool() ? 1 : 2], env);
    }
    case ast::ExprKind::TimeOfDay:
    case ast::ExprKind::Range:
    case ast::ExprKind::Error:
      break;
  }
  return fail(fmt::format("`{}` cannot be evaluated here", ast::print_expr(e)));
}

Result<Value> Evaluator::eval_name(const ast::Expr& e, Env& env) const {
  if (const Value* v = env.find(e.text)) return *v;
  auto it = constants_.find(e.text);
  if (it != constants_.end()) return it->second;
  // During prepare(), constants are evaluated on demand, in dependency order.
  auto info = program_.constants.find(e.text);
  if (info != program_.constants.end()) {
    Env empty;
    return eval(*info->second.decl->value, empty);
  }
  return fail(fmt::format("`{}` has no value", e.text));
}

Result<Value> Evaluator::eval_field(const ast::Expr& e, Env& env) const {
  WRIT_TRY(base, eval(*e.operands[0], env));
  if (base.kind() != ValueKind::Record)
    return fail(fmt::format("`{}` is not a record", ast::print_expr(*e.operands[0])));
  const auto& fields = base.as_record().fields;
  auto it = fields.find(e.text);
  if (it == fields.end()) return fail(fmt::format("`{}` is absent", ast::print_expr(e)));
  return it->second;
}

Result<Value> Evaluator::eval_has(const ast::Expr& e, Env& env) const {
  const ast::Expr& arg = *e.operands[0];
  WRIT_TRY(base, eval(*arg.operands[0], env));
  if (base.kind() != ValueKind::Record)
    return fail(fmt::format("`{}` is not a record", ast::print_expr(*arg.operands[0])));
  return Value::boolean(base.as_record().fields.count(arg.text) != 0);
}

Result<Value> Evaluator::eval_binary(const ast::Expr& e, Env& env) const {
  if (e.op == ast::Op::And || e.op == ast::Op::Or) {
    WRIT_TRY(a, eval(*e.operands[0], env));
    // `&&` stops at false, `||` at true.
    if (a.as_bool() == (e.op == ast::Op::Or)) return a;
    WRIT_TRY(b, eval(*e.operands[1], env));
    return b;
  }
  WRIT_TRY(a, eval(*e.operands[0], env));
  WRIT_TRY(b, eval(*e.operands[1], env));
  switch (e.op) {
    case ast::Op::Eq:
      return Value::boolean(values_equal(a, b));
    case ast::Op::Ne:
      return Value::boolean(!values_equal(a, b));
    case ast::Op::Lt:
      return Value::boolean(a.as_int() < b.as_int());
    case ast::Op::Le:
      return Value::boolean(a.as_int() <= b.as_int());
    case ast::Op::Gt:
      return Value::boolean(a.as_int() > b.as_int());
    case ast::Op::Ge:
      return Value::boolean(a.as_int() >= b.as_int());
    case ast::Op::In:
      if (b.kind() == ValueKind::Window) return Value::boolean(b.as_window().contains(a.as_int()));
      return Value::boolean(std::any_of(b.as_list().begin(), b.as_list().end(),
                                        [&](const Value& item) { return values_equal(a, item); }));
    case ast::Op::Like:
      return Value::boolean(stdlib::glob_match(b.as_string(), a.as_string()));
    case ast::Op::Matches: {
      auto it = regexes_.find(b.as_string());
      if (it == regexes_.end()) return fail(fmt::format("the pattern `{}` was not compiled", b.as_string()));
      return Value::boolean(RE2::FullMatch(a.as_string(), *it->second));
    }
    case ast::Op::Under: {
      int under = stdlib::under_outcome(a.as_string(), b.as_string(), e.computed_prefix);
      if (under == -1) return fail(std::string(stdlib::kUnderDotSegment));
      if (under == -2) return fail(std::string(stdlib::kUnderEmptySegment));
      return Value::boolean(under == 1);
    }
    default:
      return eval_arithmetic(e, a, b);
  }
}

Result<Value> Evaluator::eval_arithmetic(const ast::Expr& e, const Value& a, const Value& b) const {
  if (a.kind() == ValueKind::String && b.kind() == ValueKind::String && e.op == ast::Op::Add) {
    if (a.as_string().size() + b.as_string().size() > limits::kMaxComputedStringBytes)
      return fail(std::string(limits::kConcatTooLong));
    return Value::string(a.as_string() + b.as_string());
  }
  if (!is_integral(a) || !is_integral(b))
    return fail(fmt::format("`{}` has operands of the wrong type", ast::print_expr(e)));
  std::int64_t x = a.as_int(), y = b.as_int(), r = 0;
  bool overflow = false;
  switch (e.op) {
    case ast::Op::Add:
      overflow = __builtin_add_overflow(x, y, &r);
      break;
    case ast::Op::Sub:
      overflow = __builtin_sub_overflow(x, y, &r);
      break;
    case ast::Op::Mul:
      overflow = __builtin_mul_overflow(x, y, &r);
      break;
    case ast::Op::Div:
    case ast::Op::Mod:
      if (y == 0) return fail(fmt::format("`{}` divides by zero", ast::print_expr(e)));
      if (x == INT64_MIN && y == -1)
        overflow = true;
      else
        r = e.op == ast::Op::Div ? x / y : x % y;
      break;
    default:
      return fail("unknown operator");
  }
  if (overflow) return fail(fmt::format("`{}` overflows", ast::print_expr(e)));
  // The result's kind follows the checker's typing rules.
  ValueKind ka = a.kind(), kb = b.kind();
  if (ka == ValueKind::Timestamp && kb == ValueKind::Timestamp) return Value::duration(r);
  if (ka == ValueKind::Timestamp || kb == ValueKind::Timestamp) return Value::timestamp(r);
  if (ka == ValueKind::Duration || kb == ValueKind::Duration) return Value::duration(r);
  return Value::integer(r);
}

Result<Value> Evaluator::eval_quantifier(const ast::Expr& e, Env& env) const {
  WRIT_TRY(list, eval(*e.operands[0], env));
  bool is_all = e.builtin == Builtin::All;
  for (const Value& item : list.as_list()) {
    env.push(e.details().var, item);
    auto p = eval(*e.operands[1], env);
    env.pop();
    if (!p) return p;
    if (p->as_bool() != is_all) return Value::boolean(!is_all);
  }
  return Value::boolean(is_all);
}

Result<Value> Evaluator::eval_window(const ast::Expr& e, Env& env) const {
  WindowValue w;
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
    if (from > 6 || to > 6) return fail("a window names an unknown weekday");
    // A range may wrap around the week: fri..mon.
    for (int k = from;; k = (k + 1) % 7) {
      w.days |= 1u << k;
      if (k == to) break;
    }
  }
  const ast::Expr& hours = *e.operands[1];
  w.start_minute = hours.operands[0]->int_value;
  w.end_minute = hours.operands[1]->int_value;
  if (e.operands.size() == 3) {
    WRIT_TRY(zone, eval(*e.operands[2], env));
    auto it = zones_.find(zone.as_string());
    if (it == zones_.end()) return fail(fmt::format("time zone `{}` was not loaded", zone.as_string()));
    w.zone = it->second;
  }
  return Value::window(std::move(w));
}

Result<Value> Evaluator::eval_call(const ast::Expr& e, Env& env) const {
  if (e.builtin == Builtin::Has) return eval_has(e, env);
  if (e.builtin == Builtin::Window) return eval_window(e, env);
  std::vector<Value> args;
  args.reserve(e.operands.size());
  for (const auto& arg : e.operands) {
    WRIT_TRY(v, eval(*arg, env));
    args.push_back(std::move(v));
  }
  return eval_builtin(e, args);
}

Result<Value> Evaluator::eval_builtin(const ast::Expr& e, const std::vector<Value>& args) const {
  Builtin b = e.builtin;
  if (b == Builtin::StartsWith) return Value::boolean(args[0].as_string().rfind(args[1].as_string(), 0) == 0);
  if (b == Builtin::EndsWith) {
    const auto& s = args[0].as_string();
    const auto& suffix = args[1].as_string();
    return Value::boolean(s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0);
  }
  if (b == Builtin::Contains) {
    if (args[0].kind() == ValueKind::List) {
      const auto& list = args[0].as_list();
      return Value::boolean(
          std::any_of(list.begin(), list.end(), [&](const Value& v) { return values_equal(v, args[1]); }));
    }
    return Value::boolean(args[0].as_string().find(args[1].as_string()) != std::string::npos);
  }
  if (b == Builtin::Lower) return Value::string(stdlib::ascii_lower(args[0].as_string()));
  if (b == Builtin::Upper) return Value::string(stdlib::ascii_upper(args[0].as_string()));
  if (b == Builtin::Split) {
    if (args[1].as_string().empty()) return fail("the separator of `split` is empty");
    std::vector<Value> parts;
    for (auto& p : stdlib::split(args[0].as_string(), args[1].as_string()))
      parts.push_back(Value::string(std::move(p)));
    return Value::list(std::move(parts));
  }
  if (b == Builtin::Size) {
    if (args[0].kind() == ValueKind::List) return Value::integer(static_cast<std::int64_t>(args[0].as_list().size()));
    return Value::integer(stdlib::code_point_count(args[0].as_string()));
  }
  if (b == Builtin::Int) {
    auto v = stdlib::parse_int(args[0].as_string());
    if (!v) return std::move(v).take_error();
    return Value::integer(*v);
  }
  if (b == Builtin::String) {
    const Value& v = args[0];
    switch (v.kind()) {
      case ValueKind::String:
        return v;
      case ValueKind::Int:
        return Value::string(std::to_string(v.as_int()));
      case ValueKind::Bool:
        return Value::string(v.as_bool() ? "true" : "false");
      case ValueKind::Duration:
        return Value::string(stdlib::format_duration(v.as_int()));
      case ValueKind::Timestamp:
        return Value::string(stdlib::format_rfc3339(v.as_int()));
      default:
        return fail("`string` cannot convert this value");
    }
  }
  if (b == Builtin::Min || b == Builtin::Max) {
    const Value* best = &args[0];
    for (const Value& v : args) {
      if (b == Builtin::Min ? v.as_int() < best->as_int() : v.as_int() > best->as_int()) best = &v;
    }
    return *best;
  }
  if (b == Builtin::Timestamp) {
    auto v = stdlib::parse_rfc3339(args[0].as_string());
    if (!v) return std::move(v).take_error();
    return Value::timestamp(*v);
  }
  if (b == Builtin::Spiffe || b == Builtin::IsSpiffeId) {
    auto parsed = stdlib::parse_spiffe_id(args[0].as_string());
    if (b == Builtin::IsSpiffeId) return Value::boolean(std::holds_alternative<stdlib::SpiffeId>(parsed));
    if (auto* err = std::get_if<stdlib::SpiffeError>(&parsed)) {
      return fail(fmt::format("`{}` is not a SPIFFE ID: {}", args[0].as_string(), err->message));
    }
    return spiffe_record(std::get<stdlib::SpiffeId>(parsed));
  }
  if (b == Builtin::GithubSub) {
    auto parsed = stdlib::parse_github_sub(args[0].as_string());
    if (auto* err = std::get_if<stdlib::GithubSubError>(&parsed)) {
      return fail(fmt::format("`{}` is not a GitHub subject: {}", args[0].as_string(), err->message));
    }
    return github_subject_record(std::get<stdlib::GithubSubject>(parsed));
  }
  return fail(fmt::format("unknown function `{}`", e.text));
}

}  // namespace writ::interp
