// Tests for the segment-aware `under` prefix test.
#include <gtest/gtest.h>

#include "stdlib/path.h"

namespace writ::stdlib {
namespace {

TEST(PathUnder, RespectsSegmentBoundaries) {
  EXPECT_EQ(path_under("payments", "payments"), true);
  EXPECT_EQ(path_under("payments/api", "payments"), true);
  EXPECT_EQ(path_under("payments-evil", "payments"), false);
  EXPECT_EQ(path_under("payments-evil/api", "payments"), false);
  EXPECT_EQ(path_under("spiffe://acme/ns/payments/sa/x", "spiffe://acme/ns/payments"), true);
  EXPECT_EQ(path_under("spiffe://acme/ns/paymentsx", "spiffe://acme/ns/payments"), false);
  EXPECT_EQ(path_under("acme/payments/x", "acme/payments/"), true);
  EXPECT_EQ(path_under("pay", "payments"), false);
}

TEST(PathUnder, EmptyPrefixCoversNothing) {
  EXPECT_EQ(path_under("anything", ""), false);
  EXPECT_EQ(path_under("/a", "/"), true);
}

// Issue 12, finding 8: a dot segment on either side gives no answer (an evaluation error).
TEST(PathUnder, DotSegmentsHaveNoAnswer) {
  EXPECT_EQ(path_under("spiffe://td/ns/payments/../orders", "spiffe://td/ns/payments"), std::nullopt);
  EXPECT_EQ(path_under("a/./b", "a"), std::nullopt);
  EXPECT_EQ(path_under("..", "a"), std::nullopt);
  EXPECT_EQ(path_under("a/b", "a/.."), std::nullopt);
  EXPECT_EQ(path_under("a/..b/c", "a"), true);  // `..b` is an ordinary segment
  EXPECT_EQ(path_under("a/b.", "a"), true);
}

TEST(ResourcePath, RefusesWhatCanSpellOneResourceAsAnother) {
  EXPECT_EQ(resource_path_problem("payments/intents/42"), std::nullopt);
  EXPECT_EQ(resource_path_problem("a..b/c.d/.e"), std::nullopt);
  EXPECT_EQ(resource_path_problem("%41%2"), std::nullopt);
  EXPECT_NE(resource_path_problem("payments/intents/../../ledger/exports/2026-11"), std::nullopt);
  EXPECT_NE(resource_path_problem("./ledger"), std::nullopt);
  EXPECT_NE(resource_path_problem("ledger/."), std::nullopt);
  EXPECT_NE(resource_path_problem(".."), std::nullopt);
  EXPECT_NE(resource_path_problem("payments/intents/%2e%2e/x"), std::nullopt);
  EXPECT_NE(resource_path_problem("payments%2Fintents"), std::nullopt);
  EXPECT_NE(resource_path_problem("payments%5cx"), std::nullopt);
}

}  // namespace
}  // namespace writ::stdlib
