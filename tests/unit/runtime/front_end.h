// Engine options with the front end's source checker, as libwrit and the CLI set them: bundles
// loaded with these can explain and serve with the interpreter.
#pragma once

#include "compiler/driver/policy_set.h"
#include "runtime/engine/engine.h"

namespace writ::testing {

inline engine::EngineOptions with_front_end(engine::EngineOptions options = {}) {
  options.check_sources = driver::check_sources;
  return options;
}

}  // namespace writ::testing
