#pragma once

#include <string>
#include <string_view>
#include <vector>

// The one terminal escaper (SPEC §15) and the secret masker: pure text functions for everything
// the launcher prints from an untrusted source (sidecar logs, file names, definition strings,
// daemon messages). Printing goes through launcher/output_guard.h, which applies both.
namespace run_anvil::sidecars {

// `text` made inert for a terminal: every C0 control (ESC, BEL, CR, ... but not '\n'), DEL, every
// C1 control (U+0080..U+009F, which UTF-8 terminals read as CSI, OSC, ...) and every byte that is
// not part of valid UTF-8 (an 8-bit terminal reads a raw 0x9B as CSI) is shown as \xNN. Valid
// UTF-8 text passes unchanged, so names and messages in any language stay readable.
std::string terminal_safe(std::string_view text);

// The same, with '\n' escaped too: for one-line items (a file name, a value in a prompt).
std::string terminal_safe_line(std::string_view text);

// `text` with every occurrence of each non-empty value replaced by "***", longest values first
// so a value that contains another is masked whole.
std::string mask_values(std::string_view text, const std::vector<std::string>& values);

}  // namespace run_anvil::sidecars
