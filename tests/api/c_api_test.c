/* The C ABI (include/writ/writ.h) from C: loading, deciding, reloading, errors and frees. Exits
 * non-zero, naming the failed check, when the library does not behave as documented. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "writ/writ.h"

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

static const char* kPolicy =
    "schema ci_token extends jwt {\n  repository: string\n}\n"
    "issuer ci = \"https://ci.example\" {\n  schema: ci_token\n  audience: [\"broker\"]\n  algorithms: [RS256]\n}\n"
    "@id(\"deploy\") permit issue \"deployer\" to ci when {\n  token.repository == \"acme/payments\"\n} grant { ttl: "
    "15m }\n";

static const char* kAllowed =
    "{\"kind\":\"issue\",\"issuer\":\"ci\",\"header\":{\"alg\":\"RS256\"},\"claims\":{\"iss\":\"https://ci.example\","
    "\"sub\":\"x\",\"aud\":\"broker\",\"exp\":1767261900,\"repository\":\"acme/payments\"},"
    "\"request\":{\"role\":\"deployer\",\"time\":1767261600}}";

int main(void) {
  char* error = NULL;
  const char* names[] = {"policy.writ"};
  const char* texts[] = {kPolicy};

  writ_options* options = writ_options_new();
  CHECK(writ_options_set(options, "tiers", "fast", &error) == 0);
  CHECK(writ_options_set(options, "tiers", "turbo", &error) == -1);
  CHECK(error != NULL && strstr(error, "tiers") != NULL);
  writ_string_free(error);
  error = NULL;
  CHECK(writ_options_set(options, "max_ttl_seconds", "600", NULL) == 0);
  CHECK(writ_options_set(options, "max_ttl_seconds", "-5", NULL) == -1);
  CHECK(writ_options_set(options, "no_such_option", "1", NULL) == -1);

  writ_engine* engine = writ_engine_load_texts(names, texts, 1, options, &error);
  writ_options_free(options);
  CHECK(engine != NULL);
  if (engine == NULL) {
    fprintf(stderr, "load: %s\n", error ? error : "?");
    return 1;
  }
  CHECK(strcmp(writ_engine_serving_tier(engine), "fast") == 0);

  writ_decision* d = writ_decide(engine, kAllowed, strlen(kAllowed), 0);
  CHECK(d != NULL);
  CHECK(writ_decision_allowed(d) == 1);
  CHECK(strcmp(writ_decision_reason(d), "permit") == 0);
  CHECK(writ_decision_ttl(d) == 600); /* the cap set above */
  CHECK(strstr(writ_decision_json(d), "\"decision\":\"allow\"") != NULL);
  char* version = writ_engine_policy_version(engine);
  CHECK(version != NULL && strcmp(version, writ_decision_policy_version(d)) == 0);
  writ_decision_free(d);

  /* Hostile input: not JSON, embedded NUL, invalid UTF-8. A decision, never a crash. */
  const char hostile[] = "{\"kind\":\"issue\",\0\xff\xfe}";
  d = writ_decide(engine, hostile, sizeof hostile - 1, 1);
  CHECK(d != NULL && writ_decision_allowed(d) == 0);
  CHECK(strcmp(writ_decision_reason(d), "request.invalid") == 0);
  writ_decision_free(d);

  writ_context* context = writ_context_new();
  for (int i = 0; i < 3; ++i) {
    d = writ_decide_with_context(engine, context, kAllowed, strlen(kAllowed));
    CHECK(d != NULL && writ_decision_allowed(d) == 1);
    writ_decision_free(d);
  }
  writ_context_free(context);

  /* Reloading in-memory text reads the same text again: the same version. */
  CHECK(writ_engine_reload(engine, &error) == 0);
  char* again = writ_engine_policy_version(engine);
  CHECK(again != NULL && version != NULL && strcmp(again, version) == 0);
  writ_string_free(again);
  writ_string_free(version);
  writ_engine_free(engine);

  /* Errors name the file, line and column. */
  const char* bad[] = {"permit issue \"r\" to nowhere\n"};
  error = NULL;
  CHECK(writ_engine_load_texts(names, bad, 1, NULL, &error) == NULL);
  CHECK(error != NULL && strstr(error, "policy.writ:1:21: error[") != NULL);
  writ_string_free(error);
  error = NULL;
  const char* missing[] = {"/nonexistent/policies"};
  CHECK(writ_engine_load_paths(missing, 1, NULL, &error) == NULL);
  CHECK(error != NULL && strstr(error, "/nonexistent/policies") != NULL);
  writ_string_free(error);
  CHECK(writ_engine_load_bundle_file("/nonexistent.wbundle", NULL, NULL) == NULL);
  /* Null handles are refused, not dereferenced: a deny (engine.error), never NULL. */
  writ_decision* refused = writ_decide(NULL, kAllowed, strlen(kAllowed), 0);
  CHECK(refused != NULL && writ_decision_allowed(refused) == 0);
  CHECK(refused != NULL && strcmp(writ_decision_reason(refused), "engine.error") == 0);
  writ_decision_free(refused);
  refused = writ_decide_with_context(NULL, NULL, NULL, 5);
  CHECK(refused != NULL && writ_decision_allowed(refused) == 0);
  writ_decision_free(refused);
  CHECK(strcmp(writ_engine_serving_tier(NULL), "none") == 0);
  /* A trust key that is not an Ed25519 public key is refused when it is set. */
  writ_options* keys = writ_options_new();
  error = NULL;
  CHECK(writ_options_set(keys, "trusted_bundle_key", "garbage", &error) == -1);
  CHECK(error != NULL && strstr(error, "trusted_bundle_key") != NULL);
  writ_string_free(error);
  writ_options_free(keys);
  CHECK(writ_engine_reload(NULL, NULL) == -1);
  CHECK(writ_decision_allowed(NULL) == 0);
  writ_engine_free(NULL);
  writ_decision_free(NULL);

  if (failures == 0) printf("c_api_test: all checks passed (libwrit %s)\n", writ_version());
  return failures == 0 ? 0 : 1;
}
