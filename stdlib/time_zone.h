// IANA time-zone names, validated against the system's tz database (Debian package tzdata).
#pragma once

#include <string>
#include <string_view>

namespace writ::stdlib {

// The directory holding the compiled tz database.
std::string zoneinfo_dir();

// True if `name` is UTC or names a zone file in the tz database (e.g. "Europe/Berlin").
bool is_known_time_zone(std::string_view name);

}  // namespace writ::stdlib
