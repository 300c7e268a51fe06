// Encoding and decoding the runtime image (byte_codec.h). Named schemas are written once and
// referred to by name, so record identities survive the round trip; inline records are written
// where they occur.
#include "runtime/bundle/policy_image.h"

#include <set>

#include <fmt/format.h>

#include "compiler/ir/claim_test.h"
#include "runtime/bundle/byte_codec.h"

namespace writ::engine {
namespace {

constexpr std::uint32_t kImageMagic = 0x47414d49;  // "IMAG"
constexpr int kMaxTypeDepth = 64;

// Rebuilds the one step the claim index reads: `token.<name> == "<value>"`.
void add_first_claim_test(ir::Policy& ir, ir::Rule& rule, std::int64_t field, std::string name, std::string value) {
  auto add = [&](ir::Op op, std::int64_t imm, std::string str, std::vector<ir::NodeId> kids) {
    ir::Node n;
    n.op = op;
    n.imm = imm;
    n.text = ir.add_text(std::move(str));
    n.kids = std::move(kids);
    return ir.add(std::move(n));
  };
  ir::NodeId root = add(ir::Op::Root, ir::kRootToken, {}, {});
  ir::NodeId claim = add(ir::Op::Field, field, std::move(name), {root});
  ir::NodeId constant = add(ir::Op::ConstStr, 0, std::move(value), {});
  rule.steps.push_back({false, 0, add(ir::Op::Eq, 0, {}, {claim, constant}), 0});
}

// A grant's tags: a node that carries only their record type (NativePolicy reads its fields).
ir::NodeId add_tags_node(ir::Policy& ir, Type type) {
  ir::Node node;
  node.rep = ir::Rep::Record;
  node.type = ir.add_type(std::move(type));
  return ir.add(std::move(node));
}

// ----- Writing --------------------------------------------------------------------------

void write_type(ByteWriter& w, const Type& type);

void write_record_body(ByteWriter& w, const RecordType& record) {
  w.bytes(record.name);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(record.fields.size()));
  for (const FieldInfo& f : record.fields) {
    w.bytes(f.name);
    write_type(w, f.type);
    w.put<std::uint8_t>(f.optional ? 1 : 0);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(f.provenance));
  }
}

void write_type(ByteWriter& w, const Type& type) {
  w.put<std::uint8_t>(static_cast<std::uint8_t>(type.kind()));
  switch (type.kind()) {
    case TypeKind::List:
      w.put<std::uint8_t>(type.one_or_many() ? 1 : 0);
      write_type(w, type.element());
      break;
    case TypeKind::Enum:
      w.strings(type.enum_values());
      break;
    case TypeKind::Record:
      // Named records are schemas, written once up front; inline records are written here.
      w.put<std::uint8_t>(type.record().name.empty() ? 0 : 1);
      if (type.record().name.empty()) {
        write_record_body(w, type.record());
      } else {
        w.bytes(type.record().name);
      }
      break;
    default:
      break;
  }
}

void write_patterns(ByteWriter& w, const interp::NamePatterns& p) {
  w.put<std::uint8_t>(p.any ? 1 : 0);
  w.strings(p.items);
}

void write_runtime_policy(ByteWriter& w, const interp::RuntimePolicy& policy) {
  w.bytes(policy.version);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(policy.schemas.size()));
  for (const auto& [name, record] : policy.schemas) w.bytes(name);
  for (const auto& [name, record] : policy.schemas) write_record_body(w, *record);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(policy.issuers.size()));
  for (const auto& [name, issuer] : policy.issuers) {
    w.bytes(issuer.name);
    w.bytes(issuer.iss);
    w.bytes(issuer.trust_domain);
    w.bytes(issuer.schema);
    write_type(w, issuer.token_type);
    w.strings(issuer.audiences);
    w.put<std::int64_t>(issuer.leeway_seconds);
    w.strings(issuer.algorithms);
    w.strings(issuer.types);
    w.put<std::uint8_t>(issuer.require_type ? 1 : 0);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(policy.rules.size()));
  for (const interp::RuleHead& r : policy.rules) {
    w.bytes(r.id);
    w.put<std::uint8_t>(r.forbid ? 1 : 0);
    w.put<std::uint8_t>(r.access ? 1 : 0);
    write_patterns(w, r.roles);
    w.strings(r.issuers);
    write_patterns(w, r.actions);
    write_patterns(w, r.resources);
    w.bytes(r.principal_kind);
    write_patterns(w, r.principals);
    w.bytes(r.location);
  }
}

void write_ir_skeleton(ByteWriter& w, const ir::Policy& ir) {
  w.strings(ir.sites);
  w.strings(ir.patterns);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(ir.windows.size()));
  for (const ir::WindowSpec& s : ir.windows) {
    w.put<std::uint32_t>(s.days);
    w.put<std::int64_t>(s.start_minute);
    w.put<std::int64_t>(s.end_minute);
    w.bytes(s.zone);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(ir.sets.size()));
  for (const ir::ConstSet& s : ir.sets) {
    w.put<std::uint8_t>(s.ints ? 1 : 0);
    w.strings(s.strings);
    w.put<std::uint32_t>(static_cast<std::uint32_t>(s.numbers.size()));
    for (std::int64_t n : s.numbers) w.put<std::int64_t>(n);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(ir.rules.size()));
  for (const ir::Rule& rule : ir.rules) {
    w.put<std::uint8_t>(rule.forbid ? 1 : 0);
    w.put<std::uint8_t>(rule.access ? 1 : 0);
    // The rule's first condition when the claim index can use it (NativePolicy::CandidateSet).
    auto test = ir::first_claim_test(ir, rule);
    w.put<std::uint8_t>(test ? 1 : 0);
    if (test) {
      w.put<std::int64_t>(test->field);
      w.bytes(test->name);
      w.bytes(test->value);
    }
    w.put<std::uint32_t>(static_cast<std::uint32_t>(rule.grant.size()));
    for (const ir::GrantOutput& out : rule.grant) {
      w.put<std::uint8_t>(static_cast<std::uint8_t>(out.key));
      if (out.key == ir::GrantKey::Tags) write_type(w, ir.type_of(ir.node(out.expr)));
    }
  }
}

void write_layout(ByteWriter& w, const codegen::FunctionLayout& layout) {
  w.put<std::uint64_t>(layout.function_count);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(layout.function_of.size()));
  for (std::size_t i = 0; i < layout.function_of.size(); ++i) {
    w.put<std::uint32_t>(layout.function_of[i]);
    const auto& constants = i < layout.constants.size() ? layout.constants[i] : std::vector<codegen::ShapeConstant>{};
    w.put<std::uint32_t>(static_cast<std::uint32_t>(constants.size()));
    for (const codegen::ShapeConstant& c : constants) {
      w.put<std::uint8_t>(static_cast<std::uint8_t>(c.kind));
      w.bytes(c.text);
      w.put<std::int64_t>(c.value);
    }
  }
}

// ----- Reading --------------------------------------------------------------------------

class ImageReader {
 public:
  explicit ImageReader(std::string_view bytes) : in_(bytes) {}

  Result<PolicyImage> read() {
    if (in_.get<std::uint32_t>() != kImageMagic) return Error{"the bundle's runtime image is not one"};
    auto policy = std::make_shared<interp::RuntimePolicy>();
    read_runtime_policy(*policy);
    PolicyImage image;
    read_ir_skeleton(image.ir);
    read_layout(image.layout);
    if (!in_.ok() || !error_.empty() || !in_.at_end()) {
      return Error{"the bundle's runtime image is damaged" + (error_.empty() ? std::string() : ": " + error_)};
    }
    if (image.ir.rules.size() != policy->rules.size()) return Error{"the bundle's runtime image is inconsistent"};
    for (std::size_t i = 0; i < image.ir.rules.size(); ++i) {
      image.ir.rules[i].id = policy->rules[i].id;
      if (image.ir.rules[i].forbid != policy->rules[i].forbid || image.ir.rules[i].access != policy->rules[i].access)
        return Error{"the bundle's runtime image is inconsistent"};
    }
    image.policy = std::move(policy);
    return image;
  }

 private:
  bool flag() { return in_.get<std::uint8_t>() != 0; }

  Type read_type(int depth = 0) {
    if (depth > kMaxTypeDepth) return invalid("types nest too deeply");
    auto kind = static_cast<TypeKind>(in_.get<std::uint8_t>());
    switch (kind) {
      case TypeKind::String:
        return Type::string();
      case TypeKind::Int:
        return Type::integer();
      case TypeKind::Bool:
        return Type::boolean();
      case TypeKind::Timestamp:
        return Type::timestamp();
      case TypeKind::Duration:
        return Type::duration();
      case TypeKind::TimeOfDay:
        return Type::time_of_day();
      case TypeKind::Weekday:
        return Type::weekday();
      case TypeKind::Window:
        return Type::window();
      case TypeKind::List: {
        bool one_or_many = flag();
        return Type::list(read_type(depth + 1), one_or_many);
      }
      case TypeKind::Enum:
        return Type::enumeration(in_.strings());
      case TypeKind::Record: {
        if (!flag()) {
          auto record = std::make_shared<RecordType>();
          read_record_body(*record, depth + 1);
          return Type::record(std::move(record));
        }
        auto it = schemas_.find(in_.string());
        if (it == schemas_.end()) return invalid("a record type names an unknown schema");
        return Type::record(it->second);
      }
      default:
        return invalid("an unknown type");
    }
  }

  Type invalid(const char* why) {
    if (error_.empty()) error_ = why;
    return Type::error();
  }

  void read_record_body(RecordType& record, int depth) {
    record.name = in_.string();
    std::uint32_t n = in_.count(11);
    for (std::uint32_t i = 0; i < n && in_.ok() && error_.empty(); ++i) {
      FieldInfo f;
      f.name = in_.string();
      f.type = read_type(depth);
      f.optional = flag();
      auto provenance = in_.get<std::uint8_t>();
      if (provenance > static_cast<std::uint8_t>(Provenance::Untrusted)) invalid("an unknown provenance");
      f.provenance = static_cast<Provenance>(provenance);
      record.fields.push_back(std::move(f));
    }
  }

  interp::NamePatterns read_patterns() {
    interp::NamePatterns p;
    p.any = flag();
    p.items = in_.strings();
    return p;
  }

  void read_runtime_policy(interp::RuntimePolicy& policy) {
    policy.version = in_.string();
    std::uint32_t schemas = in_.count(8);
    std::vector<std::shared_ptr<RecordType>> records;
    for (std::uint32_t i = 0; i < schemas; ++i) {
      records.push_back(std::make_shared<RecordType>());
      schemas_[in_.string()] = records.back();
    }
    if (schemas_.size() != records.size()) invalid("two schemas have one name");
    for (auto& [name, record] : schemas_) {
      if (!in_.ok() || !error_.empty()) break;
      read_record_body(*record, 0);
      if (record->name != name) invalid("a schema is stored under another name");
    }
    for (const auto& [name, record] : schemas_) policy.schemas.emplace(name, record);
    std::uint32_t issuers = in_.count(40);
    for (std::uint32_t i = 0; i < issuers && in_.ok() && error_.empty(); ++i) {
      IssuerInfo issuer;
      issuer.name = in_.string();
      issuer.iss = in_.string();
      issuer.trust_domain = in_.string();
      issuer.schema = in_.string();
      issuer.token_type = read_type();
      issuer.audiences = in_.strings();
      issuer.leeway_seconds = in_.get<std::int64_t>();
      issuer.algorithms = in_.strings();
      issuer.types = in_.strings();
      issuer.require_type = flag();
      if (!issuer.token_type.is(TypeKind::Record)) invalid("an issuer's token type is not a record");
      policy.issuers.emplace(issuer.name, std::move(issuer));
    }
    std::uint32_t rules = in_.count(40);
    for (std::uint32_t i = 0; i < rules && in_.ok(); ++i) {
      interp::RuleHead r;
      r.id = in_.string();
      r.forbid = flag();
      r.access = flag();
      r.roles = read_patterns();
      r.issuers = in_.strings();
      r.actions = read_patterns();
      r.resources = read_patterns();
      r.principal_kind = in_.string();
      r.principals = read_patterns();
      r.location = in_.string();
      // A kind no evaluator knows would select nothing, or (read as `*`) everything.
      static const std::set<std::string> kKinds = {"", "spiffe", "role", "token"};
      if (r.access && kKinds.count(r.principal_kind) == 0) invalid("an access rule has an unknown principal kind");
      for (const std::string& issuer : r.issuers)
        if (policy.issuers.count(issuer) == 0) invalid("a rule names an issuer the image does not declare");
      policy.rules.push_back(std::move(r));
    }
    for (const char* required :
         {"writ_issue_request", "writ_jose_header", "writ_token_exchange", "writ_access_request"}) {
      if (policy.schemas.count(required) == 0) invalid("a built-in schema is missing");
    }
  }

  void read_ir_skeleton(ir::Policy& ir) {
    ir.sites = in_.strings();
    ir.patterns = in_.strings();
    std::uint32_t windows = in_.count(28);
    for (std::uint32_t i = 0; i < windows && in_.ok(); ++i) {
      ir::WindowSpec s;
      s.days = in_.get<std::uint32_t>();
      s.start_minute = in_.get<std::int64_t>();
      s.end_minute = in_.get<std::int64_t>();
      s.zone = in_.string();
      ir.windows.push_back(std::move(s));
    }
    std::uint32_t sets = in_.count(9);
    for (std::uint32_t i = 0; i < sets && in_.ok(); ++i) {
      ir::ConstSet s;
      s.ints = flag();
      s.strings = in_.strings();
      std::uint32_t numbers = in_.count(8);
      for (std::uint32_t k = 0; k < numbers; ++k) s.numbers.push_back(in_.get<std::int64_t>());
      ir.sets.push_back(std::move(s));
    }
    // Node 0 stands for every grant output but tags, whose record type NativePolicy reads.
    ir.add({});
    std::uint32_t rules = in_.count(6);
    for (std::uint32_t i = 0; i < rules && in_.ok() && error_.empty(); ++i) {
      ir::Rule rule;
      rule.index = i;
      rule.forbid = flag();
      rule.access = flag();
      if (flag()) {
        std::int64_t field = in_.get<std::int64_t>();
        std::string name = in_.string();
        add_first_claim_test(ir, rule, field, std::move(name), in_.string());
      }
      std::uint32_t outputs = in_.count(1);
      for (std::uint32_t k = 0; k < outputs && in_.ok(); ++k) {
        auto key = in_.get<std::uint8_t>();
        if (key > static_cast<std::uint8_t>(ir::GrantKey::Tags)) invalid("an unknown grant output");
        ir::GrantOutput out{static_cast<ir::GrantKey>(key), 0};
        if (out.key == ir::GrantKey::Tags) {
          Type tags = read_type();
          if (!tags.is(TypeKind::Record)) invalid("grant tags are not a record");
          out.expr = add_tags_node(ir, std::move(tags));
        }
        rule.grant.push_back(out);
      }
      ir.rules.push_back(std::move(rule));
    }
  }

  void read_layout(codegen::FunctionLayout& layout) {
    layout.function_count = in_.get<std::uint64_t>();
    std::uint32_t rules = in_.count(8);
    layout.function_of.resize(rules);
    layout.constants.resize(rules);
    for (std::uint32_t i = 0; i < rules && in_.ok(); ++i) {
      layout.function_of[i] = in_.get<std::uint32_t>();
      std::uint32_t constants = in_.count(17);
      for (std::uint32_t k = 0; k < constants && in_.ok(); ++k) {
        codegen::ShapeConstant c;
        auto kind = in_.get<std::uint8_t>();
        if (kind > static_cast<std::uint8_t>(codegen::ShapeConstant::Kind::Set)) invalid("an unknown constant");
        c.kind = static_cast<codegen::ShapeConstant::Kind>(kind);
        c.text = in_.string();
        c.value = in_.get<std::int64_t>();
        layout.constants[i].push_back(std::move(c));
      }
    }
  }

  ByteReader in_;
  std::string error_;
  std::map<std::string, std::shared_ptr<RecordType>> schemas_;
};

}  // namespace

std::string encode_policy_image(const interp::RuntimePolicy& policy, const ir::Policy& ir,
                                const codegen::FunctionLayout& layout) {
  ByteWriter w;
  w.put<std::uint32_t>(kImageMagic);
  write_runtime_policy(w, policy);
  write_ir_skeleton(w, ir);
  write_layout(w, layout);
  return std::move(w.out());
}

Result<PolicyImage> decode_policy_image(std::string_view bytes) {
  return ImageReader(bytes).read();
}

ir::Policy runtime_skeleton(ir::Policy full) {
  ir::Policy out;
  out.add({});  // node 0 stands for every grant output but tags, as in an image
  for (ir::Rule& rule : full.rules) {
    ir::Rule kept;
    kept.id = std::move(rule.id);
    kept.index = rule.index;
    kept.forbid = rule.forbid;
    kept.access = rule.access;
    kept.locals = rule.locals;
    if (auto test = ir::first_claim_test(full, rule)) {
      add_first_claim_test(out, kept, test->field, std::move(test->name), std::move(test->value));
    }
    for (const ir::GrantOutput& grant : rule.grant) {
      ir::GrantOutput output{grant.key, 0};
      if (grant.key == ir::GrantKey::Tags) output.expr = add_tags_node(out, full.type_of(full.node(grant.expr)));
      kept.grant.push_back(output);
    }
    out.rules.push_back(std::move(kept));
  }
  out.sites = std::move(full.sites);
  out.patterns = std::move(full.patterns);
  out.windows = std::move(full.windows);
  out.sets = std::move(full.sets);
  return out;
}

}  // namespace writ::engine
