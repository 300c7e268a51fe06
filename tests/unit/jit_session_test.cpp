// Tests for the ORC JIT session: compile IR, call it, call host helpers, report errors.
#include <gtest/gtest.h>

#include "compiler/codegen/jit_session.h"

namespace writ::codegen {
namespace {

extern "C" std::int64_t writ_test_triple(std::int64_t x) {
  return 3 * x;
}

TEST(JitSession, CompilesAndRunsIr) {
  for (bool optimize : {false, true}) {
    JitOptions options;
    options.optimize = optimize;
    auto session = JitSession::create(options);
    ASSERT_TRUE(session.ok()) << session.error();
    auto added = (*session)->add_ir(R"(
define i64 @writ_add(i64 %a, i64 %b) nounwind {
  %c = add i64 %a, %b
  ret i64 %c
}
)",
                                    "add");
    ASSERT_TRUE(added.ok()) << added.error();
    auto address = (*session)->lookup("writ_add");
    ASSERT_TRUE(address.ok()) << address.error();
    auto add = reinterpret_cast<std::int64_t (*)(std::int64_t, std::int64_t)>(*address);
    EXPECT_EQ(add(2, 3), 5);
    EXPECT_EQ(add(-7, 7), 0);
  }
}

TEST(JitSession, JitCodeCallsHostHelpers) {
  auto session = JitSession::create();
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->define_helper("writ_test_triple", reinterpret_cast<const void*>(&writ_test_triple)).ok());
  ASSERT_TRUE((*session)
                  ->add_ir(R"(
declare i64 @writ_test_triple(i64)
define i64 @writ_call(i64 %x) nounwind {
  %r = call i64 @writ_test_triple(i64 %x)
  %s = add i64 %r, 1
  ret i64 %s
}
)",
                           "call")
                  .ok());
  auto address = (*session)->lookup("writ_call");
  ASSERT_TRUE(address.ok()) << address.error();
  EXPECT_EQ(reinterpret_cast<std::int64_t (*)(std::int64_t)>(*address)(4), 13);
}

TEST(JitSession, ErrorsAreValuesNotCrashes) {
  auto session = JitSession::create();
  ASSERT_TRUE(session.ok());
  auto bad = (*session)->add_ir("define i64 @broken( {", "bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("invalid LLVM IR"), std::string::npos) << bad.error();
  auto missing = (*session)->lookup("writ_no_such_function");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("writ_no_such_function"), std::string::npos) << missing.error();
}

}  // namespace
}  // namespace writ::codegen
