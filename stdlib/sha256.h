// SHA-256 digests (OpenSSL) for checksums and content keys.
#pragma once

#include <string>
#include <string_view>

namespace writ::stdlib {

// The 32-byte digest of `data`.
std::string sha256(std::string_view data);
// Lower-case hexadecimal of any bytes.
std::string hex(std::string_view bytes);

}  // namespace writ::stdlib
