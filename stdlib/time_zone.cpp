// Time-zone lookup: TZif parsing (RFC 8536) and POSIX TZ rules, without touching the
// process-wide TZ state of the C library.
#include "stdlib/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "stdlib/strings.h"

namespace writ::stdlib {
namespace {

std::int64_t read_be(std::string_view data, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// A tiny cursor over a POSIX TZ string.
struct TzCursor {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }

  bool name() {
    if (peek() == '<') {
      std::size_t close = s.find('>', i);
      if (close == std::string_view::npos) return false;
      i = close + 1;
      return true;
    }
    std::size_t start = i;
    while (!done() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
    return i - start >= 3;
  }
  bool number(std::int64_t& out, int max_digits = 3) {
    std::size_t start = i;
    out = 0;
    while (!done() && s[i] >= '0' && s[i] <= '9' && static_cast<int>(i - start) < max_digits)
      out = out * 10 + (s[i++] - '0');
    return i > start;
  }
  // [+-]hh[:mm[:ss]] as seconds.
  bool duration(std::int64_t& out) {
    int sign = 1;
    if (peek() == '+' || peek() == '-') sign = s[i++] == '-' ? -1 : 1;
    std::int64_t h, m = 0, sec = 0;
    if (!number(h)) return false;
    if (peek() == ':') {
      ++i;
      if (!number(m, 2)) return false;
      if (peek() == ':') {
        ++i;
        if (!number(sec, 2)) return false;
      }
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool transition(PosixTzRule::Transition& t) {
    std::int64_t a, b, c;
    if (peek() == 'M') {
      ++i;
      if (!number(a, 2) || peek() != '.') return false;
      ++i;
      if (!number(b, 1) || peek() != '.') return false;
      ++i;
      if (!number(c, 1)) return false;
      if (a < 1 || a > 12 || b < 1 || b > 5 || c > 6) return false;
      t.kind = PosixTzRule::Transition::MonthWeekDay;
      t.month = static_cast<int>(a), t.week = static_cast<int>(b), t.weekday = static_cast<int>(c);
    } else if (peek() == 'J') {
      ++i;
      if (!number(a) || a < 1 || a > 365) return false;
      t.kind = PosixTzRule::Transition::Julian1;
      t.day = static_cast<int>(a);
    } else {
      if (!number(a) || a > 365) return false;
      t.kind = PosixTzRule::Transition::Julian0;
      t.day = static_cast<int>(a);
    }
    t.time = 7200;
    if (peek() == '/') {
      ++i;
      if (!duration(t.time)) return false;
    }
    return true;
  }
};

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Local-time seconds (since the epoch, as if local were UTC) when transition `t` happens in `year`.
std::int64_t transition_local(const PosixTzRule::Transition& t, std::int64_t year) {
  std::int64_t day;
  switch (t.kind) {
    case PosixTzRule::Transition::Julian1: {
      // 1..365, February 29 never counted.
      std::int64_t d = t.day - 1;
      if (is_leap(year) && t.day >= 60) ++d;
      day = days_from_civil(year, 1, 1) + d;
      break;
    }
    case PosixTzRule::Transition::Julian0:
      day = days_from_civil(year, 1, 1) + t.day;
      break;
    case PosixTzRule::Transition::MonthWeekDay:
    default: {
      std::int64_t first = days_from_civil(year, static_cast<unsigned>(t.month), 1);
      // 1970-01-01 was a Thursday (weekday 4, Sunday = 0).
      std::int64_t first_weekday = ((first % 7) + 11) % 7;
      std::int64_t d = first + (t.weekday - first_weekday + 7) % 7 + 7 * (t.week - 1);
      static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      std::int64_t month_days = kDays[t.month - 1] + (t.month == 2 && is_leap(year) ? 1 : 0);
      while (d >= first + month_days) d -= 7;  // week 5 means "the last"
      day = d;
      break;
    }
  }
  return day * 86400 + t.time;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::int64_t year_of(std::int64_t seconds) {
  // Civil year of a day count (inverse of days_from_civil, year part only).
  std::int64_t z = floor_div(seconds, 86400) + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t month = mp + (mp < 10 ? 3 : -9);
  return yoe + era * 400 + (month <= 2);
}

std::int64_t rule_offset(const PosixTzRule& rule, std::int64_t utc) {
  if (!rule.has_dst) return rule.std_offset;
  std::int64_t year = year_of(utc + rule.std_offset);
  std::int64_t start = transition_local(rule.start, year) - rule.std_offset;  // DST starts, in standard time
  std::int64_t end = transition_local(rule.end, year) - rule.dst_offset;      // DST ends, in daylight time
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? rule.dst_offset : rule.std_offset;
}

}  // namespace

std::string zoneinfo_dir() {
  // TZDIR is the conventional override (tests, other systems); read per call, nothing cached.
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

namespace {

bool plausible_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
           c == '-' || c == '+';
  });
}

Result<std::string> read_zone_file(std::string_view name) {
  if (!plausible_zone_name(name)) return Error{"`" + std::string(name) + "` is not an IANA time zone name"};
  std::string path = zoneinfo_dir() + "/" + std::string(name);
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);  // fails for directories and missing files
  if (ec || !std::filesystem::is_regular_file(path, ec) || size > (1u << 20)) {
    return Error{"time zone `" + std::string(name) + "` is not in the tz database"};
  }
  std::ifstream in(path, std::ios::binary);
  std::string data(size, '\0');
  if (!in.read(data.data(), static_cast<std::streamsize>(size))) {
    return Error{"time zone `" + std::string(name) + "` cannot be read"};
  }
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) {
    return Error{"time zone `" + std::string(name) + "` is not a TZif file"};
  }
  return data;
}

}  // namespace

bool is_known_time_zone(std::string_view name) {
  if (name == "UTC") return true;
  return read_zone_file(name).ok();
}

Result<PosixTzRule> parse_posix_tz(std::string_view text) {
  Error bad{"unsupported POSIX TZ rule `" + std::string(text) + "`"};
  TzCursor c{text};
  PosixTzRule rule;
  std::int64_t offset;
  if (!c.name() || !c.duration(offset)) return bad;
  rule.std_offset = -offset;  // POSIX offsets count west of UTC
  if (c.done()) return rule;
  if (!c.name()) return bad;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (c.peek() != ',' && !c.done()) {
    if (!c.duration(offset)) return bad;
    rule.dst_offset = -offset;
  }
  if (c.peek() != ',') return bad;  // a DST zone without rules: not in the tz database
  ++c.i;
  if (!c.transition(rule.start) || c.peek() != ',') return bad;
  ++c.i;
  if (!c.transition(rule.end) || !c.done()) return bad;
  return rule;
}

TimeZone TimeZone::utc() {
  auto data = std::make_shared<Data>();
  data->name = "UTC";
  return TimeZone(std::move(data));
}

Result<TimeZone> TimeZone::load(std::string_view name) {
  if (name == "UTC") return utc();
  auto data = read_zone_file(name);
  if (!data) return std::move(data).take_error();
  return from_tzif(name, *data);
}

Result<TimeZone> TimeZone::from_tzif(std::string_view name, std::string_view data) {
  Error bad{"time zone `" + std::string(name) + "`: malformed TZif data"};
  auto counts = [&](std::size_t at, std::int64_t out[6]) {
    if (at + 44 > data.size() || data.compare(at, 4, "TZif") != 0) return false;
    for (int k = 0; k < 6; ++k) {
      out[k] = read_be(data, at + 20 + static_cast<std::size_t>(k) * 4, 4);
      if (out[k] < 0 || out[k] > 100000) return false;
    }
    return true;
  };
  std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!counts(0, c)) return bad;
  char version = data[4];
  std::size_t at = 44;
  int time_size = 4;
  if (version >= '2') {
    // Skip the 32-bit block; use the 64-bit one that follows.
    at += static_cast<std::size_t>(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (!counts(at, c)) return bad;
    at += 44;
    time_size = 8;
  }
  std::int64_t timecnt = c[3], typecnt = c[4];
  std::size_t need =
      static_cast<std::size_t>(timecnt * (time_size + 1) + typecnt * 6 + c[5] + c[2] * (time_size + 4) + c[1] + c[0]);
  if (typecnt < 1 || at + need > data.size()) return bad;
  auto out = std::make_shared<Data>();
  out->name = std::string(name);
  std::size_t types_at = at + static_cast<std::size_t>(timecnt * (time_size + 1));
  auto type_offset = [&](std::int64_t index) {
    return read_be(data, types_at + static_cast<std::size_t>(index) * 6, 4);
  };
  for (std::int64_t k = 0; k < timecnt; ++k) {
    std::int64_t t = read_be(data, at + static_cast<std::size_t>(k * time_size), time_size);
    std::int64_t index = static_cast<unsigned char>(data[at + static_cast<std::size_t>(timecnt * time_size + k)]);
    if (index >= typecnt || (!out->transitions.empty() && t <= out->transitions.back())) return bad;
    out->transitions.push_back(t);
    out->offsets.push_back(type_offset(index));
  }
  out->initial_offset = type_offset(0);
  if (version >= '2') {
    std::size_t footer = at + need;
    if (footer < data.size() && data[footer] == '\n') {
      std::size_t close = data.find('\n', footer + 1);
      if (close != std::string_view::npos && close > footer + 1) {
        auto rule = parse_posix_tz(data.substr(footer + 1, close - footer - 1));
        if (!rule) return std::move(rule).take_error();
        out->has_rule = true;
        out->rule = *rule;
      }
    }
  }
  return TimeZone(std::move(out));
}

std::int64_t TimeZone::utc_offset(std::int64_t utc_seconds) const {
  const Data& d = *data_;
  if (d.transitions.empty() || utc_seconds < d.transitions.front()) {
    if (d.transitions.empty() && d.has_rule) return rule_offset(d.rule, utc_seconds);
    return d.initial_offset;
  }
  if (utc_seconds >= d.transitions.back() && d.has_rule) return rule_offset(d.rule, utc_seconds);
  auto it = std::upper_bound(d.transitions.begin(), d.transitions.end(), utc_seconds);
  return d.offsets[static_cast<std::size_t>(it - d.transitions.begin()) - 1];
}

}  // namespace writ::stdlib

namespace writ::stdlib {

bool window_contains(unsigned days, std::int64_t start_minute, std::int64_t end_minute, const TimeZone& zone,
                     std::int64_t utc_seconds) {
  std::int64_t local = utc_seconds + zone.utc_offset(utc_seconds);
  std::int64_t days_since_epoch = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t minute = (local - days_since_epoch * 86400) / 60;
  // 1970-01-01 was a Thursday: Monday-based weekday index 3.
  std::int64_t weekday = ((days_since_epoch % 7) + 7 + 3) % 7;
  return (days & (1u << weekday)) != 0 && minute >= start_minute && minute < end_minute;
}

}  // namespace writ::stdlib
