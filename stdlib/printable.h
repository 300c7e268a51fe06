// Text from untrusted input made safe to echo in messages, logs and terminals.
#pragma once

#include <string>
#include <string_view>

namespace writ::stdlib {

// `text` with every byte that could corrupt a message or a terminal written as an escape: ASCII
// control characters and DEL as `\n`, `\t` or `\xNN`, bytes that are not valid UTF-8 as `\xNN`.
// Valid UTF-8 stays, backslashes too, so `printable(printable(t)) == printable(t)`: a message may
// pass through it at its source and again at the engine's boundary.
std::string printable(std::string_view text);

// Whether `text` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view text);

}  // namespace writ::stdlib
