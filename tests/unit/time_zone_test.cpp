// Tests for IANA zone validation and UTC offsets from the tz database (expected values
// cross-checked with Python's zoneinfo over the same tzdata).
#include <gtest/gtest.h>

#include "stdlib/time_zone.h"

namespace writ::stdlib {
namespace {

TEST(TimeZone, KnowsRealZones) {
  EXPECT_TRUE(is_known_time_zone("UTC"));
  EXPECT_TRUE(is_known_time_zone("Europe/Berlin"));
  EXPECT_TRUE(is_known_time_zone("America/New_York"));
}

TEST(TimeZone, RejectsUnknownAndHostileNames) {
  EXPECT_FALSE(is_known_time_zone("Mars/Olympus"));
  EXPECT_FALSE(is_known_time_zone(""));
  EXPECT_FALSE(is_known_time_zone("../../etc/passwd"));
  EXPECT_FALSE(is_known_time_zone("/etc/localtime"));
  EXPECT_FALSE(is_known_time_zone("Europe"));  // a directory, not a zone
  EXPECT_FALSE(is_known_time_zone("Europe/Berlin\n"));
}

std::int64_t offset(const char* zone, std::int64_t t) {
  auto tz = TimeZone::load(zone);
  EXPECT_TRUE(tz.ok()) << (tz.ok() ? "" : tz.error());
  return tz.ok() ? tz->utc_offset(t) : INT64_MIN;
}

TEST(TimeZone, OffsetsFollowDaylightSavingTransitions) {
  EXPECT_EQ(offset("Europe/Berlin", 1782907200), 7200);  // 2026-07-01 summer
  EXPECT_EQ(offset("Europe/Berlin", 1768478400), 3600);  // 2026-01-15 winter
  EXPECT_EQ(offset("Europe/Berlin", 1774745999), 3600);  // a second before 2026-03-29 01:00Z
  EXPECT_EQ(offset("Europe/Berlin", 1774746000), 7200);  // the switch
  EXPECT_EQ(offset("Europe/Berlin", 1792889999), 7200);
  EXPECT_EQ(offset("Europe/Berlin", 1792890000), 3600);  // back on 2026-10-25 01:00Z
  EXPECT_EQ(offset("Asia/Kolkata", 1782907200), 19800);
  EXPECT_EQ(offset("UTC", 1782907200), 0);
}

TEST(TimeZone, BeyondTheListedTransitionsTheFooterRuleApplies) {
  EXPECT_EQ(offset("America/New_York", 2540376000), -14400);  // 2050-07-01
  EXPECT_EQ(offset("America/New_York", 2524608000), -18000);  // 2050-01-01
  EXPECT_EQ(offset("Australia/Sydney", 2524608000), 39600);   // southern summer
  EXPECT_EQ(offset("Australia/Sydney", 2540376000), 36000);
}

TEST(TimeZone, ParsesPosixRules) {
  auto r = parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->std_offset, 3600);
  EXPECT_EQ(r->dst_offset, 7200);
  EXPECT_EQ(r->end.time, 3 * 3600);
  EXPECT_TRUE(parse_posix_tz("<+0530>-5:30").ok());
  EXPECT_FALSE(parse_posix_tz("CET-1CEST").ok());
  EXPECT_FALSE(parse_posix_tz("X1").ok());
}

TEST(TimeZone, RejectsMalformedTzif) {
  EXPECT_FALSE(TimeZone::from_tzif("bad", "TZif").ok());
  EXPECT_FALSE(TimeZone::from_tzif("bad", std::string(60, '\0')).ok());
  std::string header = "TZif2" + std::string(15, '\0') + std::string(24, '\xFF');
  EXPECT_FALSE(TimeZone::from_tzif("bad", header).ok());
}

}  // namespace
}  // namespace writ::stdlib
