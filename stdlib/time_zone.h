// IANA time zones: names validated against the system tz database (Debian package tzdata),
// and UTC offsets computed from its TZif files (RFC 8536), including the POSIX TZ rule
// that covers instants after the last listed transition.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/result.h"

namespace writ::stdlib {

// The directory holding the compiled tz database (TZDIR, or /usr/share/zoneinfo).
std::string zoneinfo_dir();

// True if `name` is UTC or names a zone file in the tz database (e.g. "Europe/Berlin").
bool is_known_time_zone(std::string_view name);

// A POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`): standard offset and optional DST rule.
struct PosixTzRule {
  struct Transition {
    enum Kind { MonthWeekDay, Julian1, Julian0 } kind = MonthWeekDay;
    int month = 0, week = 0, weekday = 0, day = 0;
    std::int64_t time = 7200;  // seconds after local midnight
  };
  std::int64_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  std::int64_t dst_offset = 0;
  Transition start, end;
};

// Parses a POSIX TZ string; returns an error for forms it does not know.
Result<PosixTzRule> parse_posix_tz(std::string_view text);

// An immutable, thread-safe zone: offset from UTC at any instant.
class TimeZone {
 public:
  static TimeZone utc();
  // Loads `name` from the tz database.
  static Result<TimeZone> load(std::string_view name);
  // Parses TZif data (for tests and for zones read elsewhere).
  static Result<TimeZone> from_tzif(std::string_view name, std::string_view data);

  const std::string& name() const { return data_->name; }
  // Seconds east of UTC in effect at `utc_seconds`.
  std::int64_t utc_offset(std::int64_t utc_seconds) const;

 private:
  struct Data {
    std::string name;
    std::vector<std::int64_t> transitions;  // UTC instants, ascending
    std::vector<std::int64_t> offsets;      // offset in effect from each transition on
    std::int64_t initial_offset = 0;        // before the first transition
    bool has_rule = false;
    PosixTzRule rule;  // after the last transition
  };
  explicit TimeZone(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// True if `utc_seconds` falls, in `zone`, on a weekday in `days` (bit 0 = Monday) between
// `start_minute` (inclusive) and `end_minute` (exclusive) of the day: `window(...)` membership.
bool window_contains(unsigned days, std::int64_t start_minute, std::int64_t end_minute, const TimeZone& zone,
                     std::int64_t utc_seconds);

}  // namespace writ::stdlib
