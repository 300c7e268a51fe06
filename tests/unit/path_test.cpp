// Tests for the segment-aware `under` prefix test.
#include <gtest/gtest.h>

#include "stdlib/path.h"

namespace writ::stdlib {
namespace {

TEST(PathUnder, RespectsSegmentBoundaries) {
  EXPECT_TRUE(path_under("payments", "payments"));
  EXPECT_TRUE(path_under("payments/api", "payments"));
  EXPECT_FALSE(path_under("payments-evil", "payments"));
  EXPECT_FALSE(path_under("payments-evil/api", "payments"));
  EXPECT_TRUE(path_under("spiffe://acme/ns/payments/sa/x", "spiffe://acme/ns/payments"));
  EXPECT_FALSE(path_under("spiffe://acme/ns/paymentsx", "spiffe://acme/ns/payments"));
  EXPECT_TRUE(path_under("acme/payments/x", "acme/payments/"));
  EXPECT_FALSE(path_under("pay", "payments"));
}

TEST(PathUnder, EmptyPrefixCoversNothing) {
  EXPECT_FALSE(path_under("anything", ""));
  EXPECT_TRUE(path_under("/a", "/"));
}

}  // namespace
}  // namespace writ::stdlib
