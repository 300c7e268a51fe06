// The fast path from JSON text to a native request: simdjson parses, and the claims go straight
// into cells, checked as strictly as the interpreter's reader and binder. Anything this path does
// not accept (an invalid or unusual request) is left to the exact slow path, which explains it.
#pragma once

#include <memory>
#include <string_view>

namespace writ {

class NativePolicy;
struct NativeIssueRequest;

// One per thread: it reuses its parser, buffers and arena from one request to the next.
class JsonBinder {
 public:
  JsonBinder();
  ~JsonBinder();
  JsonBinder(const JsonBinder&) = delete;
  JsonBinder& operator=(const JsonBinder&) = delete;

  // An issuance request whose token checks pass and whose parts all bind, or nullptr. The
  // request's views stay valid until the next call.
  const NativeIssueRequest* bind_issue(const NativePolicy& policy, std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace writ
