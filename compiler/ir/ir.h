// The decision IR: each rule as a sequence of typed steps over request roots, lowered from the
// checked program with constants folded. Code generation reads only this, never the AST.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "compiler/ir/node_kids.h"
#include "compiler/types/types.h"

namespace writ::ir {

// How a value is represented in native code (compiler/codegen/abi.h).
enum class Rep : std::uint8_t {
  Bool,    // i1
  Int,     // i64: int, duration (seconds), timestamp (seconds since the epoch)
  Str,     // pointer + length
  List,    // pointer to cells + count
  Record,  // pointer to a record block (presence bytes, then one cell per field)
  Window,  // a compiled time window (a host object)
};

enum class Op : std::uint8_t {
  // Leaves. imm: the value (ConstBool, ConstInt), root index (Root), local index (Local),
  // window index (ConstWindow); str: the text (ConstStr).
  ConstBool,
  ConstInt,
  ConstStr,
  Root,
  Local,
  ConstWindow,
  // Records and lists. Field/Has: imm = field index in kids[0]'s record type, str = name.
  Field,
  Has,
  Index,
  ListLit,
  RecordLit,
  // Logic: And/Or stop early; an error in a stopped operand is never seen.
  Not,
  And,
  Or,
  // Comparisons (Eq/Ne on Bool, Int, Str; list and record equality are not lowered).
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  InList,    // kids[0] in kids[1] (a list)
  InSet,     // kids[0] (Str or Int) in the constant set `sets[imm]`
  InWindow,  // kids[0] (a timestamp) in kids[1] (a window)
  Like,      // kids[0] like the constant glob `str`
  Matches,   // kids[0] fully matches regular expression `patterns[imm]`
  Under,     // kids[0] under kids[1]; imm = 1 when the prefix is computed (stdlib::under_outcome)
  // Arithmetic on Int, checked for overflow and division by zero; Concat on Str.
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Neg,
  Concat,
  // Built-in functions (docs/language.md).
  StartsWith,
  EndsWith,
  ContainsStr,
  ContainsList,
  Lower,
  Upper,
  Split,
  SizeStr,
  SizeList,
  ParseInt,
  ToString,  // imm: the kind of kids[0] (ToStringKind)
  Min,
  Max,
  ParseTimestamp,
  Spiffe,
  IsSpiffeId,
  GithubSub,
  // Quantifiers: imm = the local bound to each item of kids[0]; kids[1] is the predicate.
  All,
  Any,
  // `if kids[0] then kids[1] else kids[2]`: only the branch taken is evaluated.
  Cond,
};

const char* op_name(Op op);

enum class ToStringKind : std::uint8_t { Str, Int, Bool, Duration, Timestamp };

struct Node {
  Op op = Op::ConstBool;
  Rep rep = Rep::Bool;
  NodeId id = 0;  // its index in Policy::nodes (set by Policy::add)
  std::int64_t imm = 0;
  NodeKids kids;
  std::uint32_t site = 0;  // index into Policy::sites: the error message if this node fails
  std::uint32_t text = 0;  // index into Policy::texts: a ConstStr's value, a Field's name, a pattern
  std::uint32_t type = 0;  // index into Policy::types: the Writ type (record layouts, list items)
};

// One step of a rule, in source order: bind a local, or require a condition.
struct Step {
  bool is_let = false;
  std::uint32_t local = 0;  // for a let
  NodeId expr = 0;
  std::uint32_t condition = 0;  // index of the condition in the rule as written
};

enum class GrantKey : std::uint8_t { Ttl, Audience, Scopes, Tags };

struct GrantOutput {
  GrantKey key;
  NodeId expr;
};

struct Rule {
  std::string id;
  std::size_t index = 0;  // in Program::rules
  bool forbid = false;
  bool access = false;
  std::vector<Step> steps;
  std::vector<GrantOutput> grant;
  std::uint32_t locals = 0;
};

// A constant window: weekdays (bit 0 = Monday), minutes of the day [start, end), a zone name.
struct WindowSpec {
  unsigned days = 0;
  std::int64_t start_minute = 0;
  std::int64_t end_minute = 0;
  std::string zone;  // empty = UTC
};

// A constant set for membership tests: strings, or integers.
struct ConstSet {
  bool ints = false;
  std::vector<std::string> strings;   // sorted, unique
  std::vector<std::int64_t> numbers;  // sorted, unique
};

// Roots (Root imm): token, request, header, exchange. Access requests have no exchange, and a
// token and header only when the caller presented a token (only `by token` rules read them).
inline constexpr std::int64_t kRootToken = 0, kRootRequest = 1, kRootHeader = 2, kRootExchange = 3;
inline constexpr std::int64_t kRootCount = 4;

struct Policy {
  // A deque, not a vector: a large policy has hundreds of thousands of nodes, and a vector's
  // growth would hold the old and the new copy at once (the peak of loading from source).
  std::deque<Node> nodes;
  std::vector<Rule> rules;            // lowered rules, in Program::rules order
  std::vector<std::string> sites;     // error messages, as the interpreter words them
  std::vector<std::string> patterns;  // regular expressions
  std::vector<WindowSpec> windows;
  std::vector<ConstSet> sets;

  // The strings and types nodes carry, each once; texts[0] is "", types[0] the error type. Kept
  // apart so that a node is 56 bytes (a large policy has hundreds of thousands).
  std::vector<std::string> texts{std::string()};
  std::vector<Type> types{Type()};

  const Node& node(NodeId id) const { return nodes[id]; }
  const std::string& text(const Node& n) const { return texts[n.text]; }
  const Type& type_of(const Node& n) const { return types[n.type]; }
  std::uint32_t add_type(Type t) {
    types.push_back(std::move(t));
    return static_cast<std::uint32_t>(types.size() - 1);
  }
  std::uint32_t add_text(std::string s) {
    if (s.empty()) return 0;
    texts.push_back(std::move(s));
    return static_cast<std::uint32_t>(texts.size() - 1);
  }
  NodeId add(Node n) {
    n.id = static_cast<NodeId>(nodes.size());
    nodes.push_back(std::move(n));
    return nodes.back().id;
  }
};

// The IR in text form, for tests, `writ compile --emit-ir` and docs/architecture.md.
std::string to_text(const Policy& policy);
std::string to_text(const Policy& policy, const Rule& rule);

}  // namespace writ::ir
