// Runs a decision so that nothing escapes the public API: any exception becomes a deny,
// `engine.error`, naming the policy version that was asked.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "writ/decision.h"

namespace writ::library {

inline Decision engine_error(std::string detail, const std::string* policy_version) noexcept {
  Decision d;
  d.allow = false;
  d.reason = Reason::EngineError;
  try {
    d.detail = std::move(detail);
    if (policy_version != nullptr) d.policy_version = *policy_version;
  } catch (...) {  // out of memory for the strings: the deny itself still stands
  }
  return d;
}

// `decide` returns a Decision; `version_of` returns (a pointer to) the policy version that
// would have decided, or null; it is asked only when `decide` failed.
template <typename Decide, typename VersionOf>
Decision fail_closed(Decide&& decide, VersionOf&& version_of) noexcept {
  const char* what = "the engine failed";
  std::string message;
  try {
    return std::forward<Decide>(decide)();
  } catch (const std::bad_alloc&) {
    what = "the engine ran out of memory";
  } catch (const std::exception& e) {
    try {
      message = std::string("the engine failed: ") + e.what();
    } catch (...) {
    }
  } catch (...) {
  }
  const std::string* version = nullptr;
  try {
    version = version_of();
  } catch (...) {
  }
  return engine_error(message.empty() ? std::string(what) : std::move(message), version);
}

}  // namespace writ::library
