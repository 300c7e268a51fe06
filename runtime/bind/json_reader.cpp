// Strict JSON reading on nlohmann's SAX interface, building the document ourselves so that
// duplicate keys and limits are enforced while parsing.
#include "runtime/bind/json_reader.h"

#include <limits>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "stdlib/printable.h"
#include "stdlib/strings.h"

namespace writ::bind {
namespace {

using nlohmann::json;

class StrictBuilder : public nlohmann::json_sax<json> {
 public:
  explicit StrictBuilder(const JsonLimits& limits) : limits_(limits) {}

  json result;
  std::string error;
  std::string error_at;  // where() when the first error was found

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool v) override { return add(json(v)); }
  bool number_integer(number_integer_t v) override { return add(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(json(v)); }
  // Writ has no floating-point type: a number with a fraction or an exponent binds only as a
  // NumericDate, whose value is the decimal's exact floor. The nearest double can round up across an
  // integer (`1767261899.99999999999999999999`), so it is kept as floor + 0.5 (exact), or NaN when
  // out of the range (docs/semantics.md §3), which binding refuses.
  bool number_float(number_float_t, const string_t& text) override {
    std::optional<std::int64_t> floor = stdlib::numeric_date_floor(text);
    return add(json(floor ? static_cast<double>(*floor) + 0.5 : std::numeric_limits<double>::quiet_NaN()));
  }
  bool string(string_t& v) override {
    if (v.size() > limits_.max_string_bytes)
      return fail(fmt::format("a string at {} is longer than {} bytes", where(), limits_.max_string_bytes));
    return add(json(std::move(v)));
  }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (k.size() > limits_.max_string_bytes)
      return fail(fmt::format("a key at {} is longer than {} bytes", where(), limits_.max_string_bytes));
    json& object = *stack_.back();
    if (object.contains(k))
      return fail(fmt::format("the key `{}` appears twice in the object at {}", stdlib::printable(k), where()));
    keys_.back() = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    std::string what = e.what();
    // nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, column 7: ".
    auto colon = what.find(": ", what.find("parse error"));
    // Its "last read" part echoes input bytes: escaped, so the message is valid UTF-8 with no controls.
    return fail(fmt::format("invalid JSON at byte {}: {}", position,
                            stdlib::printable(colon == std::string::npos ? what : what.substr(colon + 2))));
  }

 private:
  bool fail(std::string message) {
    if (error.empty()) {
      error = std::move(message);
      error_at = where();
    }
    return false;
  }

 public:
  // A JSONPath-like location of the value being read: `$.claims.aud[2]`.
  std::string where() const {
    std::string path = "$";
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      bool innermost = i + 1 == stack_.size();
      if (stack_[i]->is_object()) {
        if (!innermost && !keys_[i].empty()) path += "." + stdlib::printable(keys_[i]);
      } else {
        // An enclosing array already holds the open child; the innermost one is about to grow.
        path += fmt::format("[{}]", innermost ? stack_[i]->size() : stack_[i]->size() - 1);
      }
    }
    return path;
  }

 private:
  bool add(json value) {
    if (stack_.empty()) {
      result = std::move(value);
      return true;
    }
    json& parent = *stack_.back();
    if (parent.is_object()) {
      parent[keys_.back()] = std::move(value);
    } else {
      if (parent.size() >= limits_.max_array_items)
        return fail(fmt::format("the array at {} has more than {} items", where(), limits_.max_array_items));
      parent.push_back(std::move(value));
    }
    return true;
  }

  bool open(json container) {
    if (stack_.size() >= limits_.max_depth)
      return fail(fmt::format("nesting deeper than {} levels at {}", limits_.max_depth, where()));
    json* slot;
    if (stack_.empty()) {
      result = std::move(container);
      slot = &result;
    } else {
      json& parent = *stack_.back();
      if (parent.is_object()) {
        parent[keys_.back()] = std::move(container);
        slot = &parent[keys_.back()];
      } else {
        if (parent.size() >= limits_.max_array_items)
          return fail(fmt::format("the array at {} has more than {} items", where(), limits_.max_array_items));
        parent.push_back(std::move(container));
        slot = &parent.back();
      }
    }
    stack_.push_back(slot);
    keys_.emplace_back();
    return true;
  }

  bool close() {
    stack_.pop_back();
    keys_.pop_back();
    return true;
  }

  const JsonLimits& limits_;
  std::vector<json*> stack_;  // pointers stay valid: a container is complete before its parent grows again
  std::vector<std::string> keys_;
};

}  // namespace

Reason unreadable_request_reason(std::string_view error_at) {
  constexpr std::string_view kClaims = "$.claims";
  bool in_claims =
      error_at.substr(0, kClaims.size()) == kClaims &&
      (error_at.size() == kClaims.size() || error_at[kClaims.size()] == '.' || error_at[kClaims.size()] == '[');
  return in_claims ? Reason::TokenInvalidClaims : Reason::RequestInvalid;
}

Result<nlohmann::json> read_json_strict(std::string_view text, JsonLimits limits, std::string* error_at) {
  if (text.size() > limits.max_bytes)
    return Error{fmt::format("the JSON document is larger than the limit of {} bytes", limits.max_bytes)};
  // A NUL byte is never JSON (strings escape it, and it is not whitespace): refused wherever it is,
  // so nothing after one can be ignored.
  if (auto nul = text.find('\0'); nul != std::string_view::npos)
    return Error{fmt::format("invalid JSON at byte {}: a NUL byte", nul)};
  StrictBuilder builder(limits);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json, true);
  } catch (const std::exception& e) {  // a number out of range
    if (error_at != nullptr) *error_at = builder.where();
    return Error{fmt::format("invalid JSON at {}: {}", builder.where(), stdlib::printable(e.what()))};
  }
  if (!ok) {
    if (error_at != nullptr) *error_at = builder.error_at;
    return Error{builder.error.empty() ? std::string("invalid JSON") : builder.error};
  }
  return std::move(builder.result);
}

}  // namespace writ::bind
