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

// A prefix built from the request must not become its parent when a part of it is empty.
TEST(UnderOutcome, ComputedPrefixesWithEmptySegmentsErr) {
  EXPECT_EQ(under_outcome("artifacts/5006/x", "artifacts/5005", true), 0);
  EXPECT_EQ(under_outcome("artifacts/5005/x", "artifacts/5005", true), 1);
  EXPECT_EQ(under_outcome("artifacts/5006/x", "artifacts/", true), -2);   // "artifacts/" + ""
  EXPECT_EQ(under_outcome("artifacts/5006/x", "artifacts//", true), -2);  // "artifacts/" + "" + "/"
  EXPECT_EQ(under_outcome("a/x//y", "a/x//y", true), -2);
  EXPECT_EQ(under_outcome("x", "", true), -2);
  EXPECT_EQ(under_outcome("spiffe://acme/ns/a", "spiffe://acme/ns", true), 1);  // a scheme's `//`
  EXPECT_EQ(under_outcome("spiffe://acme/ns/a", "spiffe:///ns", true), -2);     // an empty authority
  EXPECT_EQ(under_outcome("a/../b", "a", true), -1);
  // Written prefixes keep their meaning: a trailing `/` is allowed.
  EXPECT_EQ(under_outcome("artifacts/5006/x", "artifacts/", false), 1);
  EXPECT_EQ(under_outcome("refs/heads/main", "refs/heads/", false), 1);
  EXPECT_EQ(under_outcome("a/../b", "a", false), -1);
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
