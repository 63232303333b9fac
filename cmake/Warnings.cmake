# Warnings for our own targets, as an INTERFACE target linked PRIVATE (never to third-party code).
# They are errors only in developer/CI mode (RUN_ANVIL_DEVELOPER=ON, which tests/lib/setup.sh and
# tests/lib/hardening.sh pass): a user's or a distribution's build with a newer or older compiler
# must not fail on a warning we have not seen yet (the model is ccache's StandardWarnings.cmake).
add_library(run_anvil_warnings INTERFACE)
target_compile_options(run_anvil_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(RUN_ANVIL_DEVELOPER)
  target_compile_options(run_anvil_warnings INTERFACE -Werror)
  # GCC 12 reports -Wrestrict falsely inside libstdc++'s std::string at -O2/-O3 (GCC bug 105329):
  # it stays a warning so a Release build in developer mode still goes through.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(run_anvil_warnings INTERFACE -Wno-error=restrict)
    # With ASan it also reports -Wmaybe-uninitialized falsely inside <regex>'s std::function
    # (image references, `import`, log patterns): silenced in the sanitizer build only.
    if(RUN_ANVIL_SANITIZE)
      target_compile_options(run_anvil_warnings INTERFACE -Wno-maybe-uninitialized)
    endif()
  endif()
endif()
