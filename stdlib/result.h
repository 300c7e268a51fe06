// Result<T>: a value or an error message, for operations that can fail at run time.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace writ {

struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const { return std::get<1>(state_).message; }
  Error take_error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace writ

// Evaluates `expr` (a Result); on error returns that error from the enclosing function,
// otherwise binds its value to `var`.
#define WRIT_TRY(var, expr)                                  \
  auto var##_result = (expr);                                \
  if (!var##_result.ok()) return std::move(var##_result).take_error(); \
  auto var = std::move(var##_result).value()
