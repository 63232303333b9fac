#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

// Running a short helper program and capturing what it prints, without a shell: the secret
// providers of secret-providers.toml (SPEC §10).
namespace run_anvil::launcher {

struct CaptureResult {
  enum class Status {
    Exited,         // exit_code is its status
    Signaled,       // killed by signal `signal`
    TimedOut,       // still running at the deadline: killed
    TooLarge,       // printed more than the limit: killed
    CannotExecute,  // argv[0] could not be executed; exec_errno says why
  };
  Status status = Status::Exited;
  int exit_code = 0;
  int signal = 0;
  int exec_errno = 0;
  std::string out;  // everything it wrote to stdout (complete only when Exited)
};

// Runs argv[0] (searched on PATH) with argv, stdin and the terminal inherited (a provider may
// need to ask for a passphrase), stdout captured, stderr discarded (it may echo the secret,
// and nothing the launcher prints may contain one). Waits at most `timeout`; more than
// `max_bytes` of output ends it early. `check_cancelled` is called every 100 ms while it runs;
// whatever it throws kills the program and propagates. Throws run_anvil::Error only when no
// process can be made at all (pipe/spawn resources).
CaptureResult capture_stdout(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout, std::size_t max_bytes,
                             const std::function<void()>& check_cancelled = {});

}  // namespace run_anvil::launcher
