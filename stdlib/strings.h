// Run-time string built-ins: int(), split(), size(), lower(), upper(), contains and friends.
#pragma once

#include <cstdint>
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

// RFC 3339 date-time to seconds since the epoch (fractions discarded, rounding down).
Result<std::int64_t> parse_rfc3339(std::string_view text);

// Seconds since the epoch as RFC 3339 in UTC: `2026-01-31T09:00:00Z`.
std::string format_rfc3339(std::int64_t seconds);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace writ::stdlib
