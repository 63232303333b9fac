#pragma once

#include <string>
#include <string_view>

// Everything the launcher prints passes through here (SPEC §15): secret values are masked, then
// control characters escaped (sidecars/terminal_text.h). Secret values are registered by the
// resolver the moment they are known; every later message is masked, whichever thread prints it.
namespace run_anvil::launcher {

// Registers a resolved secret value for masking (the value, and each of its lines of 4 bytes or
// more, so a multi-line value printed line by line is masked too). Thread-safe.
void register_secret_value(const std::string& value);

// A message for the terminal: masked, control characters escaped, '\n' kept.
std::string printable(std::string_view text);
// The same for one-line items: '\n' escaped too.
std::string printable_line(std::string_view text);

// Replaces the buffers of std::cout and std::cerr with line-buffered ones that pass every line
// through printable(). Call once, early in main; the originals stay in place for the process.
void guard_standard_streams();

}  // namespace run_anvil::launcher
