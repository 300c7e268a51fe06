// Tests for line/column mapping and UTF-8 validation.
#include <gtest/gtest.h>

#include "compiler/source/source.h"

namespace writ {
namespace {

TEST(SourceFile, MapsOffsetsToLinesAndCodePointColumns) {
  SourceFile f("x.writ", "ab\nc\xC3\xA9x\n\nlast");
  EXPECT_EQ(f.line_column(0).line, 1u);
  EXPECT_EQ(f.line_column(1).column, 2u);
  EXPECT_EQ(f.line_column(3).line, 2u);
  // `é` is two bytes but one column, so `x` after it is column 3.
  EXPECT_EQ(f.line_column(6).column, 3u);
  EXPECT_EQ(f.line_column(9).line, 4u);
  EXPECT_EQ(f.line_text(2), "c\xC3\xA9x");
  EXPECT_EQ(f.line_text(3), "");
  EXPECT_EQ(f.line_text(4), "last");
  EXPECT_EQ(f.line_count(), 4u);
}

TEST(SourceFile, ClampsOffsetsPastTheEnd) {
  SourceFile f("x.writ", "abc");
  EXPECT_EQ(f.line_column(100).column, 4u);
  EXPECT_EQ(f.line_text(0), "");
  EXPECT_EQ(f.line_text(9), "");
}

TEST(Utf8, AcceptsValidText) {
  EXPECT_EQ(find_invalid_utf8("plain"), std::string::npos);
  EXPECT_EQ(find_invalid_utf8("\xE2\x82\xAC \xF0\x9F\x98\x80"), std::string::npos);
}

TEST(Utf8, RejectsBrokenSequences) {
  EXPECT_EQ(find_invalid_utf8("ab\xFFz"), 2u);           // invalid lead byte
  EXPECT_EQ(find_invalid_utf8("a\xC3"), 1u);             // truncated
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);          // overlong `/`
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);      // surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(find_invalid_utf8("x\xE2\x28\xA1"), 1u);     // bad continuation
}

}  // namespace
}  // namespace writ
