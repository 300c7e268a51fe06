// Writ literals: decoding string escapes, integers and durations, and spelling them back. Shared
// by the parser, the checker, the formatter, lowering and both engines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace writ::stdlib {

struct StringDecodeError {
  std::size_t offset;  // byte offset of the bad escape inside the token
  std::size_t length;
  std::string message;
};

// Decodes a quoted string token (with its quotes). Escapes: \" \\ \/ \n \r \t \0 \u{1F600}.
// On error returns nullopt and fills `error`.
std::optional<std::string> decode_string_literal(std::string_view token, StringDecodeError& error);

// Re-escapes a value so that decode_string_literal gives it back (used by the formatter).
std::string quote_string_literal(std::string_view value);

// Decimal digits to int64; nullopt on overflow.
std::optional<std::int64_t> decode_int(std::string_view digits);

// `15m`, `1h30m`, `2d`, `45s` to seconds; nullopt on overflow or units out of order.
std::optional<std::int64_t> decode_duration(std::string_view text);
// Whether `text` is well formed as a duration but too large for decode_duration.
bool duration_too_large(std::string_view text);

// Spells seconds as the canonical duration literal (`1h30m`, `0s`).
std::string format_duration(std::int64_t seconds);

}  // namespace writ::stdlib
