// What loading a policy says: errors, warnings and notes, each with its code and place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "writ/export.h"

namespace writ {

struct Diagnostic {
  enum class Severity : std::uint8_t { Note, Warning, Error };
  Severity severity = Severity::Error;
  std::string code;          // "E2001", documented in docs/diagnostics.md; empty for an I/O or usage error
  std::string message;       // lowercase, user input in backticks
  std::string file;          // empty when it concerns no file
  std::uint32_t line = 0;    // 1-based; 0 when it concerns no place in a file
  std::uint32_t column = 0;  // 1-based, in code points
};

// "file:line:col: error[E2001]: message", as `writ check` prints its first line.
WRIT_API std::string to_string(const Diagnostic& diagnostic);
// Whether any of them is an error.
WRIT_API bool has_errors(const std::vector<Diagnostic>& diagnostics) noexcept;

}  // namespace writ
