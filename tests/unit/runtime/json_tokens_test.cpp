// Tests for the JSON fast path's tokenizer: stage 1's token extents and strings, and JSON's
// number grammar read exactly as nlohmann (the strict reader) reads numbers.
#include <gtest/gtest.h>

#include <limits>

#include "runtime/fast_json/json_tokens.h"

namespace writ::engine {
namespace {

TEST(JsonNumber, IntegersInInt64ReadExactly) {
  EXPECT_EQ(read_json_number("0").integer, 0);
  EXPECT_EQ(read_json_number("-0").kind, JsonNumber::Int64);
  EXPECT_EQ(read_json_number("1767261900").integer, 1767261900);
  EXPECT_EQ(read_json_number("-42").integer, -42);
  EXPECT_EQ(read_json_number("999999999999999999").integer, 999999999999999999);  // 18 digits
  EXPECT_EQ(read_json_number("9223372036854775807").integer, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(read_json_number("-9223372036854775808").integer, std::numeric_limits<std::int64_t>::min());
}

TEST(JsonNumber, LargerIntegersAndFractionsAreOtherNumbers) {
  EXPECT_EQ(read_json_number("9223372036854775808").kind, JsonNumber::Other);
  EXPECT_EQ(read_json_number("-9223372036854775809").kind, JsonNumber::Other);
  EXPECT_EQ(read_json_number("18446744073709551616").kind, JsonNumber::Other);
  EXPECT_EQ(read_json_number("99999999999999999999999").kind, JsonNumber::Other);
  EXPECT_EQ(read_json_number("1.5").kind, JsonNumber::Other);
  EXPECT_EQ(read_json_number("2e3").kind, JsonNumber::Other);
  EXPECT_EQ(read_json_number("-0.0E-7").kind, JsonNumber::Other);
  EXPECT_EQ(read_json_number("1e+5").kind, JsonNumber::Other);
}

TEST(JsonNumber, RefusesWhatJsonDoesNotAllow) {
  for (const char* bad : {"", "-", "01", "-01", "00", "1.", ".5", "1e", "1e+", "+1", "0x10", "1_000", "1 ", "--1",
                          "1.2.3", "Infinity", "NaN", "1e5e5"}) {
    EXPECT_EQ(read_json_number(bad).kind, JsonNumber::Invalid) << bad;
  }
}

TEST(JsonNumber, DoublesAreCorrectlyRoundedAndFinite) {
  double d = 0;
  ASSERT_TRUE(json_number_as_double("2000.9", d));
  EXPECT_EQ(d, 2000.9);
  ASSERT_TRUE(json_number_as_double("-1.5e3", d));
  EXPECT_EQ(d, -1500.0);
  EXPECT_FALSE(json_number_as_double("1e400", d));  // beyond double: left to the slow path
  EXPECT_FALSE(json_number_as_double("01", d));
}

TEST(JsonTokens, WalksTokensAndStrings) {
  JsonTokens t;
  ASSERT_TRUE(t.index(R"( { "a" : "x\"y" , "b":[ true ,null] , "c": -1.5e2 }  )"));
  EXPECT_EQ(t.peek(), '{');
  t.advance();
  std::string_view s;
  ASSERT_TRUE(t.string(s));
  EXPECT_EQ(s, "a");
  t.advance();
  EXPECT_EQ(t.peek(), ':');
  t.advance();
  ASSERT_TRUE(t.string(s));
  EXPECT_EQ(s, "x\"y");  // unescaped
  t.advance();
  EXPECT_EQ(t.peek(), ',');
  t.advance();
  EXPECT_TRUE(t.string(s));
  t.advance();
  t.advance();  // :
  EXPECT_EQ(t.peek(), '[');
  t.advance();
  EXPECT_EQ(t.token(), "true");
  EXPECT_FALSE(t.string(s));  // not a string
  t.advance();
  t.advance();  // ,
  EXPECT_EQ(t.token(), "null");
  t.advance();
  t.advance();  // ]
  t.advance();  // ,
  t.advance();  // "c"
  t.advance();  // :
  EXPECT_EQ(t.token(), "-1.5e2");
  t.advance();
  EXPECT_EQ(t.peek(), '}');
  t.advance();
  EXPECT_TRUE(t.at_end());
  EXPECT_EQ(t.peek(), '\0');  // past the last token
  EXPECT_EQ(t.token(), "");
  EXPECT_FALSE(t.string(s));
}

TEST(JsonTokens, StageOneRefusesBrokenText) {
  JsonTokens t;
  EXPECT_FALSE(t.index(""));
  EXPECT_FALSE(t.index("   "));
  EXPECT_FALSE(t.index(R"({"a": "unterminated})"));
  EXPECT_FALSE(t.index("[\"\x01\"]"));      // a control character in a string
  EXPECT_FALSE(t.index("[\"\xc3\x28\"]"));  // invalid UTF-8
  EXPECT_TRUE(t.index(R"(["\u00e9"])"));    // valid: escapes are read with the string
  t.advance();
  std::string_view s;
  ASSERT_TRUE(t.string(s));
  EXPECT_EQ(s, "\xc3\xa9");
  ASSERT_TRUE(t.index(R"(["\ud800"])"));  // a lone surrogate: refused when read
  t.advance();
  EXPECT_FALSE(t.string(s));
}

TEST(JsonTokens, GluedScalarsAreSeparateTokens) {
  JsonTokens t;
  ASSERT_TRUE(t.index(R"(["ab"cd, tr ue])"));
  t.advance();
  std::string_view s;
  ASSERT_TRUE(t.string(s));
  EXPECT_EQ(s, "ab");
  t.advance();
  EXPECT_EQ(t.token(), "cd");  // not part of the string: the reader then sees no comma
  t.advance();
  t.advance();
  EXPECT_EQ(t.token(), "tr");
}

}  // namespace
}  // namespace writ::engine
