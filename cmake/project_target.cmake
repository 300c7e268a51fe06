# Every target built from Writ's own code: its include directory (the source tree, for
# `#include "compiler/..."`) and its warnings: -Wall -Wextra, and -Werror with WRIT_WERROR.
# Generated and third-party code does not take these.
function(writ_project_target target)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(WRIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O3 reports `"literal" + std::string` as an overlapping memcpy (GCC bug
    # 105329, a false positive inside libstdc++); every other warning stays an error.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
