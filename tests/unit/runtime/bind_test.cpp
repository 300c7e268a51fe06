// Tests for binding JSON to schema types: every JSON type edge case, missing vs null.
#include <gtest/gtest.h>

#include "runtime/bind/bind.h"
#include "runtime/bind/json_reader.h"
#include "tests/unit/test_support.h"

namespace writ {
namespace {

using nlohmann::json;

class Bind : public ::testing::Test {
 protected:
  void SetUp() override {
    set_ = testing::check_text(R"(
schema sample {
  s: string
  i: int
  b: bool
  t: timestamp
  e: "a" | "b"
  l: list<string>
  aud: one_or_many<string>
  opt: string?
  nested: { n: int, m: string? }
}
)");
    ASSERT_FALSE(set_.diagnostics.has_errors());
    type_ = Type::record(set_.program.schemas.at("sample"));
  }

  json valid() const {
    return json::parse(R"({"s": "x", "i": 7, "b": true, "t": 1767261600, "e": "a", "l": [], "aud": "one",
                           "nested": {"n": 1}, "unknown": {"anything": [1, {"x": null}]}})");
  }

  Result<Value> bind(const json& j) const { return bind::bind_json(j, type_, "token"); }

  LoadedPolicySet set_;
  Type type_;
};

TEST_F(Bind, BindsEveryType) {
  auto v = bind(valid());
  ASSERT_TRUE(v.ok()) << v.error();
  const auto& f = v->as_record().fields;
  EXPECT_EQ(f.at("s").as_string(), "x");
  EXPECT_EQ(f.at("i").as_int(), 7);
  EXPECT_EQ(f.at("t").kind(), ValueKind::Timestamp);
  EXPECT_EQ(f.at("aud").as_list().size(), 1u);  // a bare string becomes a one-item list
  EXPECT_EQ(f.count("opt"), 0u);
  EXPECT_EQ(f.at("nested").as_record().fields.count("m"), 0u);
}

TEST_F(Bind, MissingAndNullMeanAbsentForOptionalClaims) {
  json j = valid();
  j["opt"] = nullptr;
  auto v = bind(j);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_record().fields.count("opt"), 0u);
  j["opt"] = "";
  v = bind(j);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_record().fields.at("opt").as_string(), "");  // empty string is present
}

TEST_F(Bind, RequiredClaimsMustBePresentAndNotNull) {
  json j = valid();
  j.erase("s");
  auto missing = bind(j);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "`token.s` is required but missing");
  j = valid();
  j["nested"]["n"] = nullptr;
  auto null = bind(j);
  ASSERT_FALSE(null.ok());
  EXPECT_EQ(null.error(), "`token.nested.n` is required but null");
}

TEST_F(Bind, WrongJsonTypesAreErrorsNamingTheClaim) {
  struct Case {
    const char* key;
    json value;
    const char* message;
  };
  for (const Case& c :
       {Case{"s", 5, "`token.s` must be a string, found an integer"},
        Case{"i", "5", "`token.i` must be an integer, found a string"},
        Case{"i", 1.5, "`token.i` must be an integer, found a number"},
        Case{"i", 18446744073709551615ull, "`token.i` is out of the 64-bit integer range"},
        Case{"b", "true", "`token.b` must be a boolean, found a string"},
        Case{"t", "1767261600", "`token.t` must be a NumericDate (seconds since the epoch), found a string"},
        Case{"e", "c", "`token.e` is `c`, which is not one of \"a\" | \"b\""},
        Case{"l", "x", "`token.l` must be an array, found a string"},
        Case{"l", json::array({1}), "`token.l[0]` must be a string, found an integer"},
        Case{"aud", json::array({"a", 2}), "`token.aud[1]` must be a string, found an integer"},
        Case{"nested", json::array(), "`token.nested` must be an object, found an array"}}) {
    json j = valid();
    j[c.key] = c.value;
    auto v = bind(j);
    ASSERT_FALSE(v.ok()) << c.key;
    EXPECT_EQ(v.error(), c.message);
  }
}

TEST_F(Bind, NumericDatesMayHaveFractionsRoundedDown) {
  json j = valid();
  j["t"] = 1767261600.9;
  auto v = bind(j);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_record().fields.at("t").as_int(), 1767261600);
  j["t"] = 1e300;
  EXPECT_FALSE(bind(j).ok());
}

}  // namespace
}  // namespace writ
