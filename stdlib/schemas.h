// The built-in schema files (stdlib/schemas/*.writ), embedded into the binary at build time.
#pragma once

#include <string_view>
#include <vector>

namespace writ::stdlib {

struct EmbeddedFile {
  std::string_view path;  // shown in diagnostics, e.g. "<stdlib>/github_actions.writ"
  std::string_view text;
};

const std::vector<EmbeddedFile>& builtin_schema_files();

}  // namespace writ::stdlib
