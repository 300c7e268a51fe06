// Tests for the strict JSON reader: duplicates, limits, encoding.
#include <gtest/gtest.h>

#include "runtime/bind/json_reader.h"

namespace writ {
namespace {

TEST(JsonReader, ReadsOrdinaryDocuments) {
  auto j = bind::read_json_strict(R"({"a": [1, 2.5, "x", true, null, {"b": {}}]})");
  ASSERT_TRUE(j.ok()) << j.error();
  EXPECT_EQ((*j)["a"][2], "x");
  EXPECT_TRUE((*j)["a"][5]["b"].is_object());
}

TEST(JsonReader, RejectsDuplicateKeysAtAnyDepth) {
  auto top = bind::read_json_strict(R"({"sub": "a", "sub": "b"})");
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.error().find("`sub` appears twice"), std::string::npos) << top.error();
  auto nested = bind::read_json_strict(R"({"x": [{"k": 1, "k": 1}]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().find("$.x[0]"), std::string::npos) << nested.error();
}

TEST(JsonReader, RejectsInvalidUtf8AndSyntax) {
  EXPECT_FALSE(bind::read_json_strict("{\"a\": \"\xC3\x28\"}").ok());
  EXPECT_FALSE(bind::read_json_strict("{\"a\": }").ok());
  EXPECT_FALSE(bind::read_json_strict("").ok());
  EXPECT_FALSE(bind::read_json_strict("{} trailing").ok());
}

TEST(JsonReader, EnforcesLimits) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  auto d = bind::read_json_strict(deep);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().find("nesting deeper than 32"), std::string::npos);
  bind::JsonLimits small;
  small.max_bytes = 10;
  EXPECT_FALSE(bind::read_json_strict(R"({"aaaaaaaaaaaa": 1})", small).ok());
  small = bind::JsonLimits{};
  small.max_string_bytes = 3;
  EXPECT_FALSE(bind::read_json_strict(R"({"a": "abcd"})", small).ok());
  small = bind::JsonLimits{};
  small.max_array_items = 2;
  EXPECT_FALSE(bind::read_json_strict("[1, 2, 3]", small).ok());
}

}  // namespace
}  // namespace writ
