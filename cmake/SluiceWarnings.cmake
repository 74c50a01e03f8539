# Warnings are errors for our own code (STYLE.md rule 16); third-party headers
# come in as SYSTEM includes and are not affected.
function(sluice_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Woverloaded-virtual -Werror)
endfunction()
