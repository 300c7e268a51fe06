// The fast path from JSON text to a native request: simdjson parses, and the claims go straight
// into cells, checked as strictly as the interpreter's reader and binder. Anything this path does
// not accept (an invalid or unusual request) is left to the exact slow path, which explains it.
#pragma once

#include <memory>
#include <string_view>

namespace writ::engine {

class NativePolicy;
struct NativeIssueRequest;
struct NativeAccessRequest;

// One per thread: it reuses its parser, buffers and arena from one request to the next.
class JsonBinder {
 public:
  JsonBinder();
  ~JsonBinder();
  JsonBinder(const JsonBinder&) = delete;
  JsonBinder& operator=(const JsonBinder&) = delete;

  // An issuance request whose token checks pass and whose parts all bind, or an access request
  // that binds; at most one is set, and neither if the request is left to the slow path. The
  // request's views stay valid until the next call.
  struct Bound {
    const NativeIssueRequest* issue = nullptr;
    const NativeAccessRequest* access = nullptr;
  };
  Bound bind(const NativePolicy& policy, std::string_view text);
  // Issuance requests only.
  const NativeIssueRequest* bind_issue(const NativePolicy& policy, std::string_view text) {
    return bind(policy, text).issue;
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace writ::engine
