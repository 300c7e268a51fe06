// The C ABI (include/writ/writ.h) over the C++ API: handles own C++ objects, every entry point
// catches what could escape and turns it into an error out-parameter or a deny.
#include "writ/writ.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "stdlib/ed25519.h"
#include "stdlib/printable.h"
#include "writ/engine.h"

struct writ_options {
  writ::EngineOptions options;
};

struct writ_engine {
  std::unique_ptr<writ::Engine> engine;
};

struct writ_context {
  writ::DecisionContext context;
};

struct writ_decision {
  writ::Decision decision;
  std::string reason;  // the code, NUL-terminated
  std::string detail;  // escaped: it may echo request bytes, and callers log it
  std::string json;
};

namespace {

// A copy the caller frees with writ_string_free (malloc, so C can free it too).
char* copy_string(std::string_view text) noexcept {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

void set_error(char** error, std::string_view message) noexcept {
  if (error != nullptr) *error = copy_string(message);
}

std::string joined(const std::vector<writ::Diagnostic>& diagnostics) {
  std::string out;
  for (const writ::Diagnostic& d : diagnostics) {
    if (d.severity != writ::Diagnostic::Severity::Error) continue;
    if (!out.empty()) out += '\n';
    out += writ::to_string(d);
  }
  return out.empty() ? std::string("the policy could not be loaded") : out;
}

writ_engine* loaded(writ::PolicySource source, const writ_options* options, char** error) noexcept {
  try {
    writ::LoadResult result = writ::Engine::load(std::move(source), options ? options->options : writ::EngineOptions{});
    if (!result) {
      set_error(error, joined(result.diagnostics));
      return nullptr;
    }
    return new writ_engine{std::move(result.engine)};
  } catch (...) {
    set_error(error, "out of memory");
    return nullptr;
  }
}

writ_decision* wrapped(writ::Decision decision) noexcept {
  try {
    // A raw pointer is what a C ABI hands out; writ_decision_free deletes it.
    auto* out = new writ_decision{std::move(decision), {}, {}, {}};
    out->reason = std::string(out->decision.reason_code());
    out->detail = writ::stdlib::printable(out->decision.detail);
    out->json = writ::to_json(out->decision);
    return out;
  } catch (...) {
    return nullptr;
  }
}

// What a call the ABI cannot carry out decides: a deny, never NULL (NULL means out of memory).
writ_decision* misuse(const char* what) noexcept {
  try {
    writ::Decision d;
    d.reason = writ::Reason::EngineError;
    d.detail = what;
    return wrapped(std::move(d));
  } catch (...) {
    return nullptr;
  }
}

bool parse_int(const char* value, std::int64_t& out) {
  const char* end = value + std::strlen(value);
  auto [ptr, ec] = std::from_chars(value, end, out);
  return ec == std::errc() && ptr == end && ptr != value;
}

int set_option(writ::EngineOptions& o, std::string_view name, const char* value, char** error) {
  std::int64_t number = 0;
  if (name == "tiers") {
    std::string_view v(value);
    if (v == "tiered")
      o.tiers = writ::Tiers::Tiered;
    else if (v == "fast")
      o.tiers = writ::Tiers::Fast;
    else if (v == "optimized")
      o.tiers = writ::Tiers::Optimized;
    else if (v == "interpreter")
      o.tiers = writ::Tiers::Interpreter;
    else
      return set_error(error, "`tiers` is one of tiered, fast, optimized, interpreter"), -1;
  } else if (name == "cache_directory") {
    o.cache_directory = value;
  } else if (name == "max_ttl_seconds") {
    if (!parse_int(value, number) || number <= 0)
      return set_error(error, "`max_ttl_seconds` is a positive integer"), -1;
    o.max_ttl_seconds = number;
  } else if (name == "optimizer_threads") {
    if (!parse_int(value, number) || number < 0 || number > 256)
      return set_error(error, "`optimizer_threads` is an integer from 0 to 256"), -1;
    o.optimizer_threads = static_cast<unsigned>(number);
  } else if (name == "require_native") {
    std::string_view v(value);
    if (v != "true" && v != "false") return set_error(error, "`require_native` is true or false"), -1;
    o.require_native = v == "true";
  } else if (name == "expected_policy_version") {
    o.expected_policy_version = value;
  } else if (name == "trusted_bundle_key") {
    // Refused here, as every other bad value is, rather than only when a bundle loads.
    if (auto key = writ::stdlib::Ed25519Key::from_public_pem(value); !key) {
      return set_error(error, "`trusted_bundle_key` is not an Ed25519 public key in PEM: " + key.error()), -1;
    }
    o.trusted_bundle_keys.emplace_back(value);
  } else {
    return set_error(error, "unknown option `" + std::string(name) + "`"), -1;
  }
  return 0;
}

}  // namespace

extern "C" {

const char* writ_version(void) {
  return writ::version().data();
}

void writ_string_free(char* string) {
  std::free(string);
}

writ_options* writ_options_new(void) {
  return new (std::nothrow) writ_options{};
}

int writ_options_set(writ_options* options, const char* name, const char* value, char** error) {
  if (options == nullptr || name == nullptr || value == nullptr) return set_error(error, "a null argument"), -1;
  try {
    return set_option(options->options, name, value, error);
  } catch (...) {
    return set_error(error, "out of memory"), -1;
  }
}

void writ_options_free(writ_options* options) {
  delete options;
}

writ_engine* writ_engine_load_paths(const char* const* paths, size_t count, const writ_options* options, char** error) {
  if (paths == nullptr && count > 0) return set_error(error, "a null argument"), nullptr;
  try {
    std::vector<std::string> list;
    for (size_t i = 0; i < count; ++i) {
      if (paths[i] == nullptr) return set_error(error, "a null path"), nullptr;
      list.emplace_back(paths[i]);
    }
    return loaded(writ::PolicySource::paths(std::move(list)), options, error);
  } catch (...) {
    return set_error(error, "out of memory"), nullptr;
  }
}

writ_engine* writ_engine_load_texts(const char* const* names, const char* const* texts, size_t count,
                                    const writ_options* options, char** error) {
  if ((names == nullptr || texts == nullptr) && count > 0) return set_error(error, "a null argument"), nullptr;
  try {
    std::vector<writ::PolicyText> files;
    for (size_t i = 0; i < count; ++i) {
      if (names[i] == nullptr || texts[i] == nullptr) return set_error(error, "a null name or text"), nullptr;
      files.push_back({names[i], texts[i]});
    }
    return loaded(writ::PolicySource::texts(std::move(files)), options, error);
  } catch (...) {
    return set_error(error, "out of memory"), nullptr;
  }
}

writ_engine* writ_engine_load_bundle_file(const char* path, const writ_options* options, char** error) {
  if (path == nullptr) return set_error(error, "a null path"), nullptr;
  try {
    return loaded(writ::PolicySource::bundle_file(path), options, error);
  } catch (...) {
    return set_error(error, "out of memory"), nullptr;
  }
}

void writ_engine_free(writ_engine* engine) {
  delete engine;
}

int writ_engine_reload(writ_engine* engine, char** error) {
  if (engine == nullptr) return set_error(error, "a null engine"), -1;
  writ::ReloadResult result = engine->engine->reload();
  if (result.ok) return 0;
  try {
    set_error(error, joined(result.diagnostics));
  } catch (...) {
    set_error(error, "out of memory");
  }
  return -1;
}

char* writ_engine_policy_version(const writ_engine* engine) {
  if (engine == nullptr) return nullptr;
  try {
    return copy_string(engine->engine->policy_version());
  } catch (...) {
    return nullptr;
  }
}

const char* writ_engine_serving_tier(const writ_engine* engine) {
  if (engine == nullptr) return "none";
  return writ::tier_name(engine->engine->serving_tier()).data();
}

writ_decision* writ_decide(const writ_engine* engine, const char* request_json, size_t length, int explain) {
  if (engine == nullptr) return misuse("no engine (NULL)");
  if (request_json == nullptr && length > 0) return misuse("no request (NULL) of a non-zero length");
  writ::DecideOptions options;
  options.explain = explain != 0;
  return wrapped(engine->engine->decide(std::string_view(request_json ? request_json : "", length), options));
}

writ_context* writ_context_new(void) {
  return new (std::nothrow) writ_context{};
}
void writ_context_free(writ_context* context) {
  delete context;
}

writ_decision* writ_decide_with_context(const writ_engine* engine, writ_context* context, const char* request_json,
                                        size_t length) {
  if (engine == nullptr) return misuse("no engine (NULL)");
  if (context == nullptr) return misuse("no context (NULL)");
  if (request_json == nullptr && length > 0) return misuse("no request (NULL) of a non-zero length");
  return wrapped(engine->engine->decide(std::string_view(request_json ? request_json : "", length), context->context));
}

int writ_decision_allowed(const writ_decision* decision) {
  return decision != nullptr && decision->decision.allow;
}
const char* writ_decision_reason(const writ_decision* decision) {
  return decision != nullptr ? decision->reason.c_str() : "engine.error";
}
const char* writ_decision_detail(const writ_decision* decision) {
  return decision != nullptr ? decision->detail.c_str() : "";
}
const char* writ_decision_policy_version(const writ_decision* decision) {
  return decision != nullptr ? decision->decision.policy_version.c_str() : "";
}
int64_t writ_decision_ttl(const writ_decision* decision) {
  if (decision == nullptr || !decision->decision.grant || !decision->decision.grant->ttl) return -1;
  return *decision->decision.grant->ttl;
}
const char* writ_decision_json(const writ_decision* decision) {
  return decision != nullptr ? decision->json.c_str() : "{}";
}
void writ_decision_free(writ_decision* decision) {
  delete decision;
}

}  // extern "C"
