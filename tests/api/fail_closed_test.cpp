// What escapes a decision becomes a deny, `engine.error` (library/fail_closed.h).
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

#include "library/fail_closed.h"

namespace writ::library {
namespace {

TEST(FailClosed, AnExceptionWhileDecidingIsADenyNamingTheVersion) {
  const std::string version = "sha256:abc";
  Decision d = fail_closed([]() -> Decision { throw std::runtime_error("boom"); }, [&] { return &version; });
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.reason, Reason::EngineError);
  EXPECT_EQ(d.reason_code(), "engine.error");
  EXPECT_EQ(d.detail, "the engine failed: boom");
  EXPECT_EQ(d.policy_version, version);
  EXPECT_FALSE(d.grant.has_value());
}

TEST(FailClosed, OutOfMemoryAndUnknownExceptionsDenyToo) {
  Decision oom = fail_closed([]() -> Decision { throw std::bad_alloc(); }, [] { return nullptr; });
  EXPECT_EQ(oom.reason, Reason::EngineError);
  EXPECT_EQ(oom.detail, "the engine ran out of memory");
  Decision odd = fail_closed([]() -> Decision { throw 42; }, []() -> const std::string* { throw 1; });
  EXPECT_EQ(odd.reason, Reason::EngineError);
  EXPECT_TRUE(odd.policy_version.empty());
}

TEST(FailClosed, ADecisionPassesThrough) {
  Decision allow;
  allow.allow = true;
  allow.reason = Reason::Permit;
  Decision d = fail_closed([&] { return allow; }, [] { return nullptr; });
  EXPECT_TRUE(d.allow);
  EXPECT_EQ(d.reason, Reason::Permit);
}

}  // namespace
}  // namespace writ::library
