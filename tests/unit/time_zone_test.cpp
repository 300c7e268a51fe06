// Tests for IANA time-zone name validation against the tz database.
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

}  // namespace
}  // namespace writ::stdlib
