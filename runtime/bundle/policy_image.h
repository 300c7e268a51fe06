// The runtime image of a compiled policy: its RuntimePolicy (issuers, schemas, rule heads,
// version), the skeleton of its decision IR that native code reports through (rules' effects and
// grant outputs, error messages, host objects) and its function layout, in a compact binary
// form. A bundle carries it so a broker serves native code without parsing or checking sources.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "compiler/codegen/compiled_policy.h"
#include "compiler/ir/ir.h"
#include "runtime/interp/runtime_policy.h"
#include "stdlib/result.h"

namespace writ::engine {

struct PolicyImage {
  std::shared_ptr<const interp::RuntimePolicy> policy;
  // Rules without steps; nodes only for the types of grant tags. Enough for NativePolicy and
  // CompiledPolicy::load, not for code generation.
  ir::Policy ir;
  codegen::FunctionLayout layout;
};

std::string encode_policy_image(const interp::RuntimePolicy& policy, const ir::Policy& ir,
                                const codegen::FunctionLayout& layout);
// Fails, never crashes, on bytes that are not an image this Writ wrote.
Result<PolicyImage> decode_policy_image(std::string_view bytes);

// The skeleton an image keeps (PolicyImage::ir) of a whole lowered policy, once its code is
// generated: an engine compiled from source then holds what one loaded from a bundle holds, not
// every rule's expressions.
ir::Policy runtime_skeleton(ir::Policy full);

}  // namespace writ::engine
