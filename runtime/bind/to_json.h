// Values back to JSON (for requests built by `test` blocks): timestamps and durations as seconds.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/value/value.h"

namespace writ::bind {

nlohmann::json value_to_json(const Value& value);

}  // namespace writ::bind
