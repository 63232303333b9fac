#pragma once

#include <string>
#include <vector>

#include "run_anvil/errors.h"

// Process control: the passthrough exec, the foreground anvil child, and signal handling
// (SPEC §3, §9).
namespace run_anvil::launcher {

// A signal arrived while the launcher itself was working (before or after the anvil ran).
class Interrupted : public Error {
 public:
  explicit Interrupted(int signo);
  int signo() const { return signo_; }

 private:
  int signo_;
};

// Replaces this process with argv[0] found on PATH: same PID, environment and descriptors.
// Returns only on failure, after printing `run-anvil: error: cannot execute ...`; the caller then
// exits 127.
void exec_replace(const std::vector<std::string>& argv);

// Installs handlers for SIGINT, SIGTERM and SIGHUP that record the first one and forward it to a
// running anvil child. Ctrl-C typed at the terminal already reaches the child through the
// foreground process group, so a SIGINT from the kernel is not forwarded twice.
void install_signal_handlers();
// The first signal recorded since install_signal_handlers (0 when none).
int pending_signal();
// Throws Interrupted when a signal is pending. Cheap; called from every wait loop.
void throw_if_interrupted();

// The launcher's exit code for a child that ended with `wait_status` (waitpid) after the
// launcher received `signo` (0: none). No signal: the child's status (128+N when it died of
// signal N). After SIGINT: the child's own non-zero status (137 when it died of SIGKILL), else
// 130. After SIGTERM/SIGHUP (forwarded): 128+N.
int exit_code_after(int wait_status, int signo);

// Runs argv as a foreground child sharing stdin/stdout/stderr and the terminal, waits for it, and
// returns exit_code_after(its status, the signal received); 127 when argv cannot be executed.
int run_foreground(const std::vector<std::string>& argv);

}  // namespace run_anvil::launcher
