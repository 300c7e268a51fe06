// Tests for SPIFFE ID parsing against the SPIFFE-ID standard's rules.
#include <gtest/gtest.h>

#include "stdlib/spiffe_id.h"

namespace writ::stdlib {
namespace {

bool valid(std::string_view s) {
  return std::holds_alternative<SpiffeId>(parse_spiffe_id(s));
}

TEST(SpiffeId, ParsesTrustDomainAndPath) {
  auto result = parse_spiffe_id("spiffe://prod.acme.internal/ns/payments/sa/api");
  ASSERT_TRUE(std::holds_alternative<SpiffeId>(result));
  const auto& id = std::get<SpiffeId>(result);
  EXPECT_EQ(id.trust_domain, "prod.acme.internal");
  EXPECT_EQ(id.path, "/ns/payments/sa/api");
  EXPECT_EQ(id.segments, (std::vector<std::string>{"ns", "payments", "sa", "api"}));
  EXPECT_TRUE(valid("spiffe://example.org"));
  EXPECT_TRUE(valid("spiffe://1.2.3.4/x"));
  EXPECT_TRUE(valid("spiffe://td/Upper.Case_path-ok"));
}

TEST(SpiffeId, RejectsWhatTheStandardForbids) {
  EXPECT_FALSE(valid("SPIFFE://example.org"));
  EXPECT_FALSE(valid("https://example.org"));
  EXPECT_FALSE(valid("spiffe://"));
  EXPECT_FALSE(valid("spiffe://Example.org"));
  EXPECT_FALSE(valid("spiffe://example.org:443"));
  EXPECT_FALSE(valid("spiffe://user@example.org"));
  EXPECT_FALSE(valid("spiffe://example.org/"));
  EXPECT_FALSE(valid("spiffe://example.org//a"));
  EXPECT_FALSE(valid("spiffe://example.org/a/./b"));
  EXPECT_FALSE(valid("spiffe://example.org/a/.."));
  EXPECT_FALSE(valid("spiffe://example.org/a%20b"));
  EXPECT_FALSE(valid("spiffe://example.org/a?x=1"));
  EXPECT_FALSE(valid("spiffe://example.org/a#f"));
  EXPECT_FALSE(valid("spiffe://[::1]/a"));
  EXPECT_FALSE(valid("spiffe://" + std::string(256, 'a')));
  EXPECT_FALSE(valid("spiffe://td/" + std::string(2100, 'a')));
  // One trust domain, one spelling (issue 12, finding 12).
  EXPECT_FALSE(valid("spiffe://example.org./a"));
  EXPECT_FALSE(valid("spiffe://.example.org/a"));
  EXPECT_FALSE(valid("spiffe://example..org/a"));
  EXPECT_FALSE(valid("spiffe://."));
  EXPECT_TRUE(valid("spiffe://a.b-c_d.example/a"));
}

TEST(SpiffeId, ErrorsSayWhereAndWhy) {
  auto result = parse_spiffe_id("spiffe://td/ok/bad seg");
  ASSERT_TRUE(std::holds_alternative<SpiffeError>(result));
  EXPECT_EQ(std::get<SpiffeError>(result).offset, 18u);
  EXPECT_NE(std::get<SpiffeError>(result).message.find("path segment"), std::string::npos);
}

TEST(SpiffePattern, AllowsPathWildcardsButNotTrustDomainOnes) {
  EXPECT_TRUE(std::holds_alternative<SpiffeId>(validate_spiffe_pattern("spiffe://prod.acme/ns/*/sa/?")));
  EXPECT_TRUE(std::holds_alternative<SpiffeError>(validate_spiffe_pattern("spiffe://*.acme/ns/x")));
  EXPECT_TRUE(std::holds_alternative<SpiffeError>(validate_spiffe_pattern("spiffe://acme/ns//*")));
}

}  // namespace
}  // namespace writ::stdlib
