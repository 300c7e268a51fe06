# Project code builds with -Wall -Wextra -Werror; generated and third-party code does not.
function(writ_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O3 reports `"literal" + std::string` as an overlapping memcpy (GCC bug
    # 105329, a false positive inside libstdc++); every other warning stays an error.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
