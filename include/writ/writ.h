/* The C ABI of libwrit: opaque handles, explicit free functions and error out-parameters, for
 * embedding Writ from C and from other languages (examples/embedding/ has C++ and Python).
 *
 * Conventions: a function that can fail takes `char** error`; on failure it returns NULL (or -1)
 * and, when `error` is not NULL, sets `*error` to a message the caller frees with
 * writ_string_free. Nothing here throws or aborts on bad input. Strings returned as `const char*`
 * belong to the handle they came from and live as long as it does.
 * Threads: an engine may decide from any number of threads at once, also during
 * writ_engine_reload; a writ_context is used by one thread at a time. */
#ifndef WRIT_WRIT_H
#define WRIT_WRIT_H

#include <stddef.h>
#include <stdint.h>

#include "writ/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct writ_options writ_options;
typedef struct writ_engine writ_engine;
typedef struct writ_context writ_context;
typedef struct writ_decision writ_decision;

/* "0.1.0" */
WRIT_API const char* writ_version(void);
WRIT_API void writ_string_free(char* string);

/* Engine options, set by name: "tiers" (tiered, fast, optimized, interpreter), "cache_directory",
 * "max_ttl_seconds", "optimizer_threads", "require_native" (true/false),
 * "expected_policy_version", "trusted_bundle_key" (a PEM public key; each call adds one).
 * Returns 0, or -1 for an unknown name or a value it cannot take. */
WRIT_API writ_options* writ_options_new(void);
WRIT_API int writ_options_set(writ_options* options, const char* name, const char* value, char** error);
WRIT_API void writ_options_free(writ_options* options);

/* Loading (options may be NULL). The error names every diagnostic, one per line. */
WRIT_API writ_engine* writ_engine_load_paths(const char* const* paths, size_t count, const writ_options* options,
                                             char** error);
WRIT_API writ_engine* writ_engine_load_texts(const char* const* names, const char* const* texts, size_t count,
                                             const writ_options* options, char** error);
WRIT_API writ_engine* writ_engine_load_bundle_file(const char* path, const writ_options* options, char** error);
WRIT_API void writ_engine_free(writ_engine* engine);

/* Loads the engine's source again and swaps it in: 0 when it serves, -1 when it did not load (the
 * previous version keeps serving). */
WRIT_API int writ_engine_reload(writ_engine* engine, char** error);
/* "sha256:…" of what serves now; free with writ_string_free. */
WRIT_API char* writ_engine_policy_version(const writ_engine* engine);
/* "interpreter", "fast" or "optimized" ("none" for a NULL engine). */
WRIT_API const char* writ_engine_serving_tier(const writ_engine* engine);

/* Decides a request in the JSON form of docs/semantics.md §5. Returns NULL only when memory ran
 * out; anything wrong with the request is a deny with its reason, and so is a NULL engine, context
 * or request (reason "engine.error"). `explain` non-zero: the decision's JSON explains each
 * candidate rule. */
WRIT_API writ_decision* writ_decide(const writ_engine* engine, const char* request_json, size_t length, int explain);
/* The same with a per-thread context: no allocation once warm but the decision itself. */
WRIT_API writ_context* writ_context_new(void);
WRIT_API void writ_context_free(writ_context* context);
WRIT_API writ_decision* writ_decide_with_context(const writ_engine* engine, writ_context* context,
                                                 const char* request_json, size_t length);

/* 1 for allow, 0 for deny. */
WRIT_API int writ_decision_allowed(const writ_decision* decision);
/* The reason's stable code ("permit", "token.expired"; docs/semantics.md §5.4). */
WRIT_API const char* writ_decision_reason(const writ_decision* decision);
WRIT_API const char* writ_decision_detail(const writ_decision* decision);
WRIT_API const char* writ_decision_policy_version(const writ_decision* decision);
/* The granted lifetime in seconds, or -1 when nothing is granted. */
WRIT_API int64_t writ_decision_ttl(const writ_decision* decision);
/* The whole decision as JSON (docs/semantics.md §5.3). */
WRIT_API const char* writ_decision_json(const writ_decision* decision);
WRIT_API void writ_decision_free(writ_decision* decision);

#ifdef __cplusplus
}
#endif

#endif /* WRIT_WRIT_H */
