// Run-time string built-ins: int(), split(), size(), lower(), upper(), contains and friends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/result.h"

namespace writ::stdlib {

// `int("...")`: optional `-`, 1 to 19 decimal digits, no leading zeros but `0`, in int64 range.
Result<std::int64_t> parse_int(std::string_view text);

// `split(s, sep)`: the pieces between occurrences of a non-empty `sep`.
std::vector<std::string> split(std::string_view text, std::string_view separator);

// Unicode code points in valid UTF-8 text.
std::int64_t code_point_count(std::string_view text);

// ASCII-only case mapping (locale independent).
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

// A NumericDate written with a fraction or an exponent (a JSON number's text, `1767261900.5`,
// `1.7e9`): the exact floor of the decimal, so `1767261899.99999999999999999999` is 1767261899
// (the nearest double would round it up). Nullopt if the text is not a JSON number or the floor
// lies outside [-2^52, 2^52 - 2], where every such value and `floor + 0.5` are exact doubles
// (about 142 million years either side of 1970).
std::optional<std::int64_t> numeric_date_floor(std::string_view json_number);
inline constexpr std::int64_t kMaxFractionalNumericDate = (std::int64_t{1} << 52) - 2;

// RFC 3339 date-time to seconds since the epoch (fractions discarded, rounding down).
Result<std::int64_t> parse_rfc3339(std::string_view text);

// Why `token` is not an RFC 6749 §3.3 scope token (1 or more of %x21 / %x23-5B / %x5D-7E:
// printable ASCII but space, `"` and `\`), or nullopt.
std::optional<std::string> scope_token_problem(std::string_view token);

// The scope tokens of an OAuth `scope` parameter (RFC 6749 §3.3: tokens separated by single
// spaces), or why it is not one: an empty token (leading, trailing or doubled spaces) or a
// character no scope token has. The empty parameter has no tokens.
Result<std::vector<std::string>> split_scope(std::string_view scope);

// Seconds since the epoch as RFC 3339 in UTC: `2026-01-31T09:00:00Z`.
std::string format_rfc3339(std::int64_t seconds);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace writ::stdlib
