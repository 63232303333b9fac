#pragma once

#include <memory>
#include <optional>
#include <string>

// The terminal seam: the only place the launcher talks to a human. Everything goes through the
// controlling terminal (/dev/tty), never stdout (which belongs to the anvil) and never a pipe that
// happens to be on stdin, so a script cannot answer a trust prompt on the user's behalf.
namespace run_anvil::launcher {

class Terminal {
 public:
  virtual ~Terminal() = default;

  // True when a human can be asked: stdin is a tty and the controlling terminal (/dev/tty) can be
  // opened for reading and writing. False in CI, under `ssh host cmd`, with stdin redirected.
  virtual bool interactive() = 0;

  // Writes `prompt` verbatim (no newline added) to the controlling terminal and reads one line
  // from it. Returns the line without its trailing newline (and without a trailing '\r'), or
  // nullopt on EOF before any byte, on a read error, or when no terminal can be opened.
  virtual std::optional<std::string> ask(const std::string& prompt) = 0;
};

// The real terminal: opens /dev/tty per call and closes it afterwards.
std::unique_ptr<Terminal> make_tty_terminal();

}  // namespace run_anvil::launcher
