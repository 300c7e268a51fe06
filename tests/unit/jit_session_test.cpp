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

// Host objects are defined in one batch: JIT code reads them by name, and a name given twice
// (in the batch or again later) is an error, not a silent redefinition.
TEST(JitSession, HostSymbolsAreDefinedInOneBatch) {
  auto session = JitSession::create();
  ASSERT_TRUE(session.ok());
  static const std::int64_t kFirst = 41;
  static const std::int64_t kSecond = 1;
  auto defined =
      (*session)->define_host_symbols({{"writ_test_first", &kFirst},
                                       {"writ_test_second", &kSecond},
                                       {"writ_test_triple", reinterpret_cast<const void*>(&writ_test_triple), true}});
  ASSERT_TRUE(defined.ok()) << defined.error();
  ASSERT_TRUE((*session)
                  ->add_ir(R"(
@writ_test_first = external global i64
@writ_test_second = external global i64
declare i64 @writ_test_triple(i64)
define i64 @writ_sum() nounwind {
  %a = load i64, ptr @writ_test_first
  %b = load i64, ptr @writ_test_second
  %c = add i64 %a, %b
  %d = call i64 @writ_test_triple(i64 %c)
  ret i64 %d
}
)",
                           "sum")
                  .ok());
  auto address = (*session)->lookup("writ_sum");
  ASSERT_TRUE(address.ok()) << address.error();
  EXPECT_EQ(reinterpret_cast<std::int64_t (*)()>(*address)(), 126);

  auto twice_in_batch = (*session)->define_host_symbols({{"writ_test_x", &kFirst}, {"writ_test_x", &kSecond}});
  ASSERT_FALSE(twice_in_batch.ok());
  EXPECT_NE(twice_in_batch.error().find("`writ_test_x` twice"), std::string::npos) << twice_in_batch.error();
  auto again = (*session)->define_host_symbols({{"writ_test_first", &kSecond}});
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("writ_test_first"), std::string::npos) << again.error();
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
