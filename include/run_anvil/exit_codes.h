#pragma once

// Every exit status the launcher itself decides (SPEC §2). The anvil's own status is passed
// through unchanged; these are the launcher's.
namespace run_anvil::exit_codes {
inline constexpr int kSuccess = 0;
inline constexpr int kLauncherFailure = 1;  // invalid/refused definition, docker error, timeout
inline constexpr int kUsage = 2;            // bad launcher usage
inline constexpr int kCannotExecute = 127;  // the anvil command cannot be executed
inline constexpr int kSignalBase = 128;     // 128+N: terminated by signal N
inline constexpr int kInterrupted = 130;    // Ctrl-C (128 + SIGINT)
}  // namespace run_anvil::exit_codes
