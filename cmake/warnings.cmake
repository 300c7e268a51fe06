# Project code builds with -Wall -Wextra -Werror; generated and third-party code does not.
function(writ_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
