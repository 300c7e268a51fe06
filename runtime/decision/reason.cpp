// The reason table (include/writ/reasons.def) as functions: codes, meanings, lookup by code.
#include <array>

#include "writ/decision.h"

namespace writ {
namespace {

struct ReasonEntry {
  std::string_view code;
  std::string_view meaning;
};

constexpr std::array kReasons = {
#define WRIT_REASON(name, code, meaning) ReasonEntry{code, meaning},
#include "writ/reasons.def"
#undef WRIT_REASON
};

}  // namespace

std::string_view reason_code(Reason reason) noexcept {
  auto index = static_cast<std::size_t>(reason);
  return index < kReasons.size() ? kReasons[index].code : std::string_view("engine.error");
}

std::string_view reason_meaning(Reason reason) noexcept {
  auto index = static_cast<std::size_t>(reason);
  return index < kReasons.size() ? kReasons[index].meaning : std::string_view();
}

std::optional<Reason> reason_from_code(std::string_view code) noexcept {
  for (std::size_t i = 0; i < kReasons.size(); ++i) {
    if (kReasons[i].code == code) return static_cast<Reason>(i);
  }
  return std::nullopt;
}

std::string_view tier_name(Tier tier) noexcept {
  switch (tier) {
    case Tier::Interpreter:
      return "interpreter";
    case Tier::Fast:
      return "fast";
    case Tier::Optimized:
      return "optimized";
  }
  return "interpreter";
}

}  // namespace writ
