# Warnings are errors for our own code (STYLE.md rule 16); third-party headers
# come in as SYSTEM includes and are not affected.
function(sluice_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Woverloaded-virtual -Werror)
  # GCC 12 at -O3 reports std::string's `"literal" + std::string` as an
  # overlapping memcpy (GCC bug 105329, fixed in 13); the warning is false.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
