// Every size, depth, count and budget Writ enforces on its inputs, in one place. docs/security.md
// lists them; tests/regression/limits_test.cpp checks each at and just past its value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace writ::limits {

// ----- Files ------------------------------------------------------------------------------------
inline constexpr std::size_t kMaxPolicyFileBytes = 8u << 20;  // one .writ file (E0005 beyond)
inline constexpr std::size_t kMaxPolicyFiles = 10000;         // .writ files found under the paths given
inline constexpr std::size_t kMaxBundleBytes = 256u << 20;    // a compiled bundle
inline constexpr std::size_t kMaxTestFileBytes = 8u << 20;    // a `writ test` file
inline constexpr std::size_t kMaxKeyFileBytes = 64u << 10;    // a bundle signing or trust key (PEM)

// ----- Policy source ----------------------------------------------------------------------------
inline constexpr int kMaxSourceNesting = 64;  // brackets and prefix operators (E0006 beyond)

// ----- Requests and claims (JSON) ---------------------------------------------------------------
inline constexpr std::size_t kMaxRequestBytes = 1u << 20;      // a whole request
inline constexpr std::size_t kMaxJsonDepth = 32;               // nesting of objects and arrays
inline constexpr std::size_t kMaxJsonStringBytes = 64u << 10;  // a string, keys included
inline constexpr std::size_t kMaxJsonArrayItems = 10000;       // items of one array

// ----- Identities -------------------------------------------------------------------------------
inline constexpr std::size_t kMaxSpiffeIdBytes = 2048;    // the SPIFFE ID spec's limit
inline constexpr std::size_t kMaxTrustDomainBytes = 255;  // likewise

// ----- Compilation ------------------------------------------------------------------------------
// The IR nodes one policy may lower to: a bound on native compile time and memory, far above any
// policy written by hand (10,000 generated rules lower to about 150,000). Beyond it the policy is
// not compiled, with an error naming the limit, and the interpreter serves it.
inline constexpr std::size_t kMaxIrNodes = 4u << 20;

// ----- Evaluation -------------------------------------------------------------------------------
// The longest string `+` may build, in a constant or a rule (an evaluation error beyond): a chain
// of `const s2 = s1 + s1` doubles at each step.
inline constexpr std::size_t kMaxComputedStringBytes = 1u << 20;
// The values one constant may hold once expanded (list items and record fields, nested ones
// counted each time they appear): `const c2 = [c1, c1]` doubles at each step. Beyond it the policy
// does not load.
inline constexpr std::size_t kMaxConstantValues = 1u << 20;
// The IR nodes one use of a list or record constant may expand to in native code (the
// interpreter shares such values; native code builds them). Beyond it the interpreter serves.
inline constexpr std::size_t kMaxInlinedConstantNodes = 10000;
// The bytes of constant strings native code may hold in all, every use of a constant counted:
// a large list used by many rules is copied into each. Beyond it the interpreter serves.
inline constexpr std::size_t kMaxInlinedConstantBytes = 64u << 20;
// The evaluation error both engines report beyond kMaxComputedStringBytes.
inline constexpr std::string_view kConcatTooLong = "`+` would build a string longer than 1048576 bytes";

}  // namespace writ::limits
