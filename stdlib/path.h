// Segment-aware path prefix tests (`under`): `payments` covers `payments/api`, not `payments-evil`.
#pragma once

#include <string_view>

namespace writ::stdlib {

// True if `path` equals `prefix` or continues it with `/`. A trailing `/` on the prefix is
// ignored, so `spiffe://acme/ns/` and `spiffe://acme/ns` mean the same.
bool path_under(std::string_view path, std::string_view prefix);

}  // namespace writ::stdlib
