#pragma once

#include <string>
#include <string_view>

// Shell completions and the man page, generated from the option tables (cli_spec.h) so they
// always list what the parser accepts. `run-anvil completion bash|zsh|fish` and
// `run-anvil manpage` print them; the build writes them next to the binaries and
// `cmake --install` installs them.
namespace run_anvil::launcher {

// The completion script for "bash", "zsh" or "fish"; "" for any other shell.
std::string completion_script(std::string_view shell);

// run-anvil(1) in roff (man -l run-anvil.1).
std::string man_page();

}  // namespace run_anvil::launcher
