// simdjson's stage 1 through its implementation interface (runtime-dispatched to the best SIMD
// code this CPU has), and the few checks stage 1 leaves to a parser: token extents, strings,
// numbers.
#include "runtime/fast_json/json_tokens.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <simdjson.h>

namespace writ::engine {

JsonNumber read_json_number(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  {  // The common case first: up to 18 digits (never beyond int64), no sign, no leading zero.
    std::uint64_t value = 0;
    const char* d = p;
    while (d != end && static_cast<unsigned>(*d - '0') < 10) value = value * 10 + static_cast<unsigned>(*d++ - '0');
    std::ptrdiff_t digits = d - p;
    if (d == end && digits > 0 && digits <= 18 && (digits == 1 || *p != '0'))
      return {JsonNumber::Int64, static_cast<std::int64_t>(value)};
  }
  auto digit = [&] { return p != end && static_cast<unsigned>(*p - '0') < 10; };
  bool negative = p != end && *p == '-';
  if (negative) ++p;
  const char* digits = p;
  if (p != end && *p == '0') {
    ++p;
  } else if (digit()) {
    while (digit()) ++p;
  } else {
    return {};
  }
  const char* digits_end = p;
  bool integer = true;
  if (p != end && *p == '.') {
    ++p;
    if (!digit()) return {};
    while (digit()) ++p;
    integer = false;
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-')) ++p;
    if (!digit()) return {};
    while (digit()) ++p;
    integer = false;
  }
  if (p != end) return {};
  if (!integer) return {JsonNumber::Other, 0};
  // An integer: exact when it fits int64 (as nlohmann reads it); anything larger is "other".
  if (digits_end - digits > 19) return {JsonNumber::Other, 0};
  std::uint64_t value = 0;
  for (const char* d = digits; d != digits_end; ++d) value = value * 10 + static_cast<std::uint64_t>(*d - '0');
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!negative) {
    if (value > kMax) return {JsonNumber::Other, 0};  // 19 digits never overflow uint64
    return {JsonNumber::Int64, static_cast<std::int64_t>(value)};
  }
  if (value > kMax + 1) return {JsonNumber::Other, 0};
  return {JsonNumber::Int64,
          value == kMax + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(value)};
}

bool json_number_as_double(std::string_view s, double& out) {
  if (read_json_number(s).kind == JsonNumber::Invalid) return false;
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);  // correctly rounded
  return error == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

JsonTokens::JsonTokens() = default;
JsonTokens::~JsonTokens() = default;

bool JsonTokens::index(std::string_view text) {
  offsets_ = cursor_ = end_ = nullptr;
  std::size_t n = text.size();
  if (n == 0 || n > simdjson::SIMDJSON_MAXSIZE_BYTES) return false;
  if (parser_ == nullptr || n > capacity_) {
    std::size_t capacity = std::max<std::size_t>(4096, std::bit_ceil(n));
    auto error = parser_ == nullptr ? simdjson::get_active_implementation()->create_dom_parser_implementation(
                                          capacity, simdjson::DEFAULT_MAX_DEPTH, parser_)
                                    : parser_->set_capacity(capacity);
    if (error != simdjson::SUCCESS) {
      parser_.reset();
      return false;
    }
    capacity_ = capacity;
  }
  buffer_.resize(n + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer_.data(), text.data(), n);
  buffer_[n] = '\0';  // what the cursor reads past the last token
  if (parser_->stage1(reinterpret_cast<const std::uint8_t*>(buffer_.data()), n, simdjson::stage1_mode::regular) !=
      simdjson::SUCCESS) {
    return false;
  }
  offsets_ = parser_->structural_indexes.get();
  std::uint32_t count = parser_->n_structural_indexes;
  // Stage 1 ends the index with the document's length: the cursor relies on it.
  if (count == 0 || offsets_[count] != n) return false;
  text_ = buffer_.data();
  cursor_ = offsets_;
  end_ = offsets_ + count;
  has_escapes_ = std::memchr(buffer_.data(), '\\', n) != nullptr;
  unescaped_.resize(n + simdjson::SIMDJSON_PADDING);
  unescaped_end_ = unescaped_.data();
  return true;
}

// Unescapes `text` (a string's content in the buffer) if it has a backslash.
bool JsonTokens::unescape(std::string_view& text) {
  if (std::memchr(text.data(), '\\', text.size()) == nullptr) return true;
  // The buffer holds the document once over (unescaped text is never longer than escaped), but a
  // string read twice (after a `seek`) takes space twice: refuse rather than write past the end.
  // simdjson writes in blocks, up to its padding past the string's end.
  auto left = static_cast<std::size_t>(unescaped_.data() + unescaped_.size() - unescaped_end_);
  if (left < text.size() + simdjson::SIMDJSON_PADDING) return false;
  std::uint8_t* end = parser_->parse_string(reinterpret_cast<const std::uint8_t*>(text.data()), unescaped_end_);
  if (end == nullptr) return false;
  text = {reinterpret_cast<const char*>(unescaped_end_), static_cast<std::size_t>(end - unescaped_end_)};
  unescaped_end_ = end;
  return true;
}

}  // namespace writ::engine
