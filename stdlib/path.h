// Segment-aware path prefix tests (`under`): `payments` covers `payments/api`, not `payments-evil`;
// and the check that a path names one place only (no dot segments, no encoded separators).
#pragma once

#include <optional>
#include <string_view>

namespace writ::stdlib {

// Whether `path` equals `prefix` or continues it with `/`. A trailing `/` on the prefix is
// ignored, so `spiffe://acme/ns/` and `spiffe://acme/ns` mean the same. No answer (nullopt) when
// either has a `.` or `..` segment: `a/b/../c` is not textually under `a/c`, yet may mean it, so
// the caller reports an error (a permit then does not match, a forbid does).
std::optional<bool> path_under(std::string_view path, std::string_view prefix);
// The evaluation error both engines report when `path_under` has no answer.
inline constexpr std::string_view kUnderDotSegment = "a path given to `under` has a `.` or `..` segment";
inline constexpr std::string_view kUnderEmptySegment =
    "the prefix given to `under` ends with `/` or has an empty segment: a value it was built from is empty";

// `path under prefix` as both engines decide it: 1 or 0, -1 for a dot segment (kUnderDotSegment),
// -2 for a prefix computed from the request (`"artifacts/" + token.repository_id`) that ends with
// `/` or has an empty segment (kUnderEmptySegment): an empty claim would otherwise make it its
// parent, covering every sibling. A written prefix may end with `/` (`"refs/heads/"`); the `//`
// after a scheme (`spiffe://`) is not an empty segment.
int under_outcome(std::string_view path, std::string_view prefix, bool computed_prefix);

// Whether `path` has a `.` or `..` segment between `/`s.
bool has_dot_segment(std::string_view path);

// What makes `path` unfit to name a resource, or nullopt: a `.` or `..` segment, or a
// percent-encoded `/`, `\` or `.` (`%2F`, `%5C`, `%2E`), any of which lets one resource be
// spelled as another, so a rule for `payments/*` could be reached by `payments/../ledger`.
std::optional<std::string_view> resource_path_problem(std::string_view path);

}  // namespace writ::stdlib
