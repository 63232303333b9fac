#pragma once

#include <functional>
#include <vector>

#include "run_anvil/launcher/clock.h"
#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/progress.h"
#include "run_anvil/launcher/tcp_dial.h"
#include "run_anvil/sidecars/definition.h"
#include "run_anvil/sidecars/plan.h"

// Carries out a plan's sidecar steps through the Docker seam: independent sidecars concurrently
// (bounded), each sidecar only after everything it depends on is ready.
namespace run_anvil::launcher {

struct ExecutorDeps {
  DockerCLI& docker;
  Clock& clock;
  TcpDialer& dialer;
  Progress& progress;
  // Throws (e.g. Interrupted) when the user asked to stop; polled in every wait.
  std::function<void()> check_interrupted;
  int max_parallel = 8;
};

// Brings every sidecar of `plan` up and ready. On the first failure nothing new starts, work
// already running finishes, and one Error listing every failure is thrown once all workers
// stopped.
// An interruption is rethrown as is. `definitions` must contain every step's name.
void execute_plan(ExecutorDeps& deps, const sidecars::Plan& plan,
                  const std::vector<sidecars::Definition>& definitions);

}  // namespace run_anvil::launcher
