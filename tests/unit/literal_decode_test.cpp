// Tests for string, integer and duration literal decoding.
#include <gtest/gtest.h>

#include "stdlib/literals.h"

namespace writ {
namespace {

std::optional<std::string> decode(std::string_view token) {
  stdlib::StringDecodeError error{};
  return stdlib::decode_string_literal(token, error);
}

TEST(StringLiteral, DecodesEscapes) {
  EXPECT_EQ(decode(R"("a\"b\\c\/d\n\t")"), std::string("a\"b\\c/d\n\t"));
  EXPECT_EQ(decode(R"("\u{48}\u{e9}\u{1F600}")"), std::string("H\xC3\xA9\xF0\x9F\x98\x80"));
  EXPECT_EQ(decode(R"("")"), std::string(""));
}

TEST(StringLiteral, RejectsBadEscapesWithTheirPosition) {
  stdlib::StringDecodeError error{};
  EXPECT_FALSE(stdlib::decode_string_literal(R"("ab\qc")", error));
  EXPECT_EQ(error.offset, 3u);
  EXPECT_EQ(error.length, 2u);
  EXPECT_FALSE(decode(R"("\u{D800}")"));    // surrogate
  EXPECT_FALSE(decode(R"("\u{110000}")"));  // past the last code point
  EXPECT_FALSE(decode(R"("\u{}")"));
  EXPECT_FALSE(decode(R"("\u0041")"));
  EXPECT_FALSE(decode(R"("\u{12345678}")"));
}

TEST(StringLiteral, QuoteRoundTrips) {
  for (std::string value : {std::string("plain"), std::string("q\"b\\s"), std::string("nl\n\ttab"),
                            std::string("ctl\x01"), std::string("nul\0x", 5), std::string("\xC3\xA9")}) {
    EXPECT_EQ(decode(stdlib::quote_string_literal(value)), value) << stdlib::quote_string_literal(value);
  }
}

TEST(IntLiteral, DecodesAndDetectsOverflow) {
  EXPECT_EQ(stdlib::decode_int("0"), 0);
  EXPECT_EQ(stdlib::decode_int("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(stdlib::decode_int("9223372036854775808"));
  EXPECT_FALSE(stdlib::decode_int(""));
}

TEST(Duration, DecodesUnitsInOrder) {
  EXPECT_EQ(stdlib::decode_duration("15m"), 900);
  EXPECT_EQ(stdlib::decode_duration("1h30m"), 5400);
  EXPECT_EQ(stdlib::decode_duration("2d"), 172800);
  EXPECT_EQ(stdlib::decode_duration("1d2h3m4s"), 93784);
  EXPECT_EQ(stdlib::decode_duration("0s"), 0);
}

TEST(Duration, RejectsUnitsOutOfOrderRepeatedOrOverflowing) {
  EXPECT_FALSE(stdlib::decode_duration("30m1h"));
  EXPECT_FALSE(stdlib::decode_duration("1m1m"));
  EXPECT_FALSE(stdlib::decode_duration("99999999999999999999s"));
  EXPECT_FALSE(stdlib::decode_duration("m"));
  EXPECT_FALSE(stdlib::decode_duration(""));
}

TEST(Duration, FormatsCanonically) {
  EXPECT_EQ(stdlib::format_duration(5400), "1h30m");
  EXPECT_EQ(stdlib::format_duration(0), "0s");
  EXPECT_EQ(stdlib::format_duration(-90), "-1m30s");
}

}  // namespace
}  // namespace writ
