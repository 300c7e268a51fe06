# Finds every third-party dependency; a missing one stops the build naming its Debian package.

macro(writ_require_package name debian_package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "Writ needs ${name}: install the Debian package `${debian_package}` "
                        "(or run scripts/install-deps.sh).")
  endif()
endmacro()

writ_require_package(antlr4-runtime libantlr4-runtime-dev 4.9 CONFIG)
writ_require_package(nlohmann_json nlohmann-json3-dev CONFIG)
writ_require_package(fmt libfmt-dev CONFIG)
writ_require_package(CLI11 libcli11-dev CONFIG)
writ_require_package(OpenSSL libssl-dev)
writ_require_package(simdjson libsimdjson-dev CONFIG)

# LLVM 19 (ORC LLJIT). The version must be given as major.minor; Debian installs it aside.
find_package(LLVM 19.1 CONFIG QUIET PATHS /usr/lib/llvm-19/lib/cmake/llvm NO_DEFAULT_PATH)
if(NOT LLVM_FOUND)
  message(FATAL_ERROR "Writ needs LLVM 19: install the Debian packages `llvm-19-dev` and `libzstd-dev` "
                      "(or run scripts/install-deps.sh).")
endif()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "Writ needs pkg-config: install the Debian package `pkg-config`.")
endif()
pkg_check_modules(RE2 QUIET IMPORTED_TARGET re2)
if(NOT RE2_FOUND)
  message(FATAL_ERROR "Writ needs RE2: install the Debian package `libre2-dev`.")
endif()

find_program(ANTLR4_TOOL antlr4)
if(NOT ANTLR4_TOOL)
  message(FATAL_ERROR "Writ needs the antlr4 tool to generate its parser: install the Debian package `antlr4`.")
endif()

if(WRIT_TESTS)
  writ_require_package(GTest libgtest-dev CONFIG)
endif()
if(WRIT_BENCH AND NOT WRIT_FUZZ)
  writ_require_package(benchmark libbenchmark-dev CONFIG)
endif()
