#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "run_anvil/launcher/clock.h"
#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/progress.h"
#include "run_anvil/launcher/session.h"
#include "run_anvil/launcher/status_output.h"
#include "run_anvil/launcher/tcp_dial.h"
#include "run_anvil/sidecars/layers.h"

// The cores of `status`, `doctor` and `down` (issue 4), behind the seams so every branch is
// tested against FakeDocker. command_status.cc & co. wrap them with the real daemon, clock and
// streams. Each returns the process exit code.
namespace run_anvil::launcher {

struct OperateDeps {
  DockerCLI& docker;
  Clock& clock;  // readiness probes
  TcpDialer& dialer;
  std::ostream& out;  // the report (stdout)
  std::ostream& err;  // progress and warnings (stderr)
  Verbosity verbosity = Verbosity::Normal;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  LivenessCheck liveness = liveness_on_this_host;  // whose sessions are stale (session.h)
};

// Says on `err` (unless quiet) that some definitions could not be read: the report covers only
// the others.
void note_definition_problems(OperateDeps& deps, const sidecars::Discovery& discovery);

// Always 0: status reports, it does not judge (doctor does).
int show_status(OperateDeps& deps, const sidecars::Discovery& discovery, StatusFormat format);

// 0 when healthy; 1 when something was found (with `fix`: when something remains unfixed).
int run_doctor(OperateDeps& deps, const sidecars::Discovery& discovery, bool fix);

// 0 when everything asked for is gone (or was not there); 1 when anything was refused or failed.
int take_down(OperateDeps& deps, const sidecars::Discovery& discovery,
              const std::vector<std::string>& names, bool force);

}  // namespace run_anvil::launcher
