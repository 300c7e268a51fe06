// Tests for `like` glob validation and matching.
#include <gtest/gtest.h>

#include "stdlib/glob.h"

namespace writ::stdlib {
namespace {

TEST(Glob, MatchesAnchoredAndCaseSensitive) {
  EXPECT_TRUE(glob_match("acme/*", "acme/payments"));
  EXPECT_FALSE(glob_match("acme/*", "xacme/payments"));
  EXPECT_FALSE(glob_match("acme/payments", "acme/payments-evil"));
  EXPECT_FALSE(glob_match("acme/*", "ACME/payments"));
  EXPECT_TRUE(glob_match("refs/heads/*", "refs/heads/feature/x"));
  EXPECT_FALSE(glob_match("refs/heads/*", "refs/tags/v1"));
}

TEST(Glob, QuestionMarkIsOneCodePoint) {
  EXPECT_TRUE(glob_match("v?", "v1"));
  EXPECT_FALSE(glob_match("v?", "v12"));
  EXPECT_TRUE(glob_match("caf?", "caf\xC3\xA9"));  // é is one character
  EXPECT_FALSE(glob_match("?", ""));
}

TEST(Glob, StarsBacktrack) {
  EXPECT_TRUE(glob_match("*a*b", "xxaxxb"));
  EXPECT_TRUE(glob_match("a*b*c", "abbbc"));
  EXPECT_FALSE(glob_match("a*b*c", "abbb"));
  EXPECT_TRUE(glob_match("**", ""));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("", "x"));
  EXPECT_TRUE(glob_match("", ""));
}

TEST(Glob, EscapesMakeWildcardsLiteral) {
  EXPECT_TRUE(glob_match(R"(a\*b)", "a*b"));
  EXPECT_FALSE(glob_match(R"(a\*b)", "axb"));
  EXPECT_TRUE(glob_match(R"(a\?)", "a?"));
  EXPECT_TRUE(glob_match(R"(a\\)", "a\\"));
}

TEST(Glob, LongInputsStayFast) {
  // A pathological pattern for naive backtracking: must finish immediately.
  std::string text(5000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*b", text));
}

TEST(Glob, Validation) {
  EXPECT_FALSE(validate_glob("ok/*"));
  EXPECT_TRUE(validate_glob(R"(bad\)"));
  EXPECT_TRUE(glob_matches_everything("*"));
  EXPECT_TRUE(glob_matches_everything("***"));
  EXPECT_FALSE(glob_matches_everything("*?"));
  EXPECT_FALSE(glob_matches_everything(""));
}

TEST(Glob, LiteralPrefixAndLiteralness) {
  EXPECT_EQ(glob_literal_prefix("acme/*/x"), "acme/");
  EXPECT_EQ(glob_literal_prefix(R"(a\*b*)"), "a*b");
  std::string literal;
  EXPECT_TRUE(glob_is_literal(R"(a\*b)", &literal));
  EXPECT_EQ(literal, "a*b");
  EXPECT_FALSE(glob_is_literal("a?"));
}

}  // namespace
}  // namespace writ::stdlib
