#!/usr/bin/env python3
"""The stage boundaries of docs/architecture.md, checked over the include graph.

Each rule forbids one folder from including another (or a third-party library). A violation that
is not in KNOWN_VIOLATIONS fails the test. A known violation that is gone fails it too, so the list
only shrinks (it held the runtime's front-end dependencies until issue 13 removed them).

    check_boundaries.py SOURCE_DIR
"""
import os
import re
import sys

# (folder whose files are checked, included prefix it must not include, why)
RULES = [
    ("include/writ/", "", "public headers include only <writ/...> and the standard library"),
    ("runtime/", "compiler/syntax/", "the runtime never depends on the parser"),
    ("runtime/bundle/", "runtime/engine/", "bundles come before the engine that loads them"),
    ("runtime/native/", "runtime/engine/", "native decisions come before the engine"),
    ("runtime/fast_json/", "runtime/engine/", "the fast JSON path comes before the engine"),
    ("runtime/fast_json/", "runtime/bundle/", "the fast JSON path knows nothing of bundles"),
    ("runtime/fast_json/", "runtime/native/", "the fast JSON path comes before native decisions"),
    ("runtime/bundle/", "runtime/native/", "bundles come before the native decisions that load them"),
    ("runtime/", "compiler/driver/", "the runtime never depends on the driver"),
    ("runtime/", "compiler/fmt/", "the runtime never depends on the formatter"),
    ("library/", "compiler/syntax/", "libwrit reaches the parser only through the driver"),
    ("compiler/types/", "compiler/", "the type model depends on no other stage (no AST, no spans)"),
    ("compiler/types/", "runtime/", "the type model depends on no other stage"),
    ("compiler/builtins/", "compiler/", "the built-in table depends on no other stage"),
    ("compiler/builtins/", "runtime/", "the built-in table depends on no other stage"),
    ("compiler/check/", "compiler/syntax/", "the checker reads the AST, not the parser"),
    ("compiler/ir/", "compiler/syntax/", "lowering reads the checked program, not the parser"),
    ("compiler/ir/", "compiler/fmt/", "lowering does not format"),
    ("compiler/codegen/", "compiler/syntax/", "code generation reads the IR, not the parser"),
    ("compiler/codegen/", "runtime/", "code generation comes before the runtime"),
    ("compiler/", "runtime/", "the compiler comes before the runtime"),
    ("compiler/", "library/", "the compiler comes before the library"),
    ("runtime/", "library/", "the runtime comes before the library"),
    ("runtime/", "cli/", "nothing depends on the CLI"),
    ("library/", "cli/", "nothing depends on the CLI"),
    ("stdlib/", "compiler/", "the standard library depends on no stage"),
    ("stdlib/", "runtime/", "the standard library depends on no stage"),
]

# Third-party headers and the one folder allowed to include each.
THIRD_PARTY = [
    ("llvm/", ["compiler/codegen/"]),
    ("antlr4", ["compiler/syntax/"]),
    ("simdjson", ["runtime/fast_json/", "runtime/native/json_binder"]),
]

KNOWN_VIOLATIONS = set()  # none left: a new one fails the test

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
SOURCES = (".h", ".cpp", ".c", ".def")


def includes(root):
    for top in ("include", "compiler", "runtime", "stdlib", "library", "cli"):
        for directory, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith(SOURCES):
                    continue
                path = os.path.join(directory, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, encoding="utf-8") as f:
                    for kind, header in INCLUDE.findall(f.read()):
                        yield rel, kind, header


def main(root):
    found = set()
    problems = []
    for source, kind, header in includes(root):
        if source.startswith("include/writ/"):
            if kind == '"' and not header.startswith("writ/"):
                problems.append(f"{source}: includes \"{header}\": public headers include only writ/ headers")
            if kind == "<" and "/" in header and not header.startswith("writ/"):
                problems.append(f"{source}: includes <{header}>: no third-party header in the public API")
            continue
        for folder, allowed in THIRD_PARTY:
            if kind == "<" and header.startswith(folder) and not any(source.startswith(a) for a in allowed):
                problems.append(f"{source}: includes <{header}>: only {', '.join(allowed)} may")
        for checked, forbidden, why in RULES:
            if forbidden and source.startswith(checked) and header.startswith(forbidden):
                if header.startswith(checked):
                    continue  # a stage includes its own headers
                if (source, header) in KNOWN_VIOLATIONS:
                    found.add((source, header))
                else:
                    problems.append(f"{source}: includes \"{header}\": {why}")
    for source, header in sorted(KNOWN_VIOLATIONS - found):
        problems.append(f"{source} no longer includes {header}: remove it from KNOWN_VIOLATIONS")
    for p in problems:
        print(p)
    print(f"boundaries: {len(problems)} problem(s), {len(found)} known violation(s) left")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
