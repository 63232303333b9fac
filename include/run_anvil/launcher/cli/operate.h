#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/operate/status_output.h"
#include "run_anvil/launcher/os/clock.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/launcher/os/tcp_dial.h"
#include "run_anvil/launcher/resources/session.h"
#include "run_anvil/launcher/run/trust_gate.h"
#include "run_anvil/sidecars/define/layers.h"

// The cores of `status`, `doctor` and `down` (issue 4), behind the seams so every branch is
// tested against FakeDocker. command_status.cc & co. wrap them with the real daemon, clock and
// streams. Each returns the process exit code.
namespace run_anvil::launcher {

struct OperateDeps {
  Engine& docker;
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

// Which managed containers status lists: with `project_dirs` (absolute layer directories), only
// this project's (status_model.h scope_to_project); without, every one (`status --all`).
struct StatusScope {
  std::optional<std::vector<std::string>> project_dirs;
};

// Prints "run-anvil: warning: <message>" on `err` unless quiet.
std::function<void(const std::string&)> warner(OperateDeps& deps);

// Each takes the gated discovery (trust_gate.h): only `usable` definitions are probed or used to
// judge and remove containers; `unapproved` ones are listed. The Discovery overloads are the
// same with nothing awaiting approval.

// Always 0: status reports, it does not judge (doctor does). Probes only containers whose origin
// is the definition probed with (sidecars/ownership.h).
int show_status(OperateDeps& deps, const GatedDiscovery& gated, StatusFormat format,
                const StatusScope& scope = {});
int show_status(OperateDeps& deps, const sidecars::Discovery& discovery, StatusFormat format,
                const StatusScope& scope = {});

// 0 when healthy; 1 when something was found (with `fix`: when something remains unfixed).
int run_doctor(OperateDeps& deps, const GatedDiscovery& gated, bool fix);
int run_doctor(OperateDeps& deps, const sidecars::Discovery& discovery, bool fix);

// 0 when everything asked for is gone (or was not there); 1 when anything was refused or failed.
// Removes only containers whose origin is this project's definition or provably gone, unless
// `force` (and the user named them). Volumes are kept (and named) unless `remove_volumes`
// (`down --volumes`, SPEC §11).
int take_down(OperateDeps& deps, const GatedDiscovery& gated, const std::vector<std::string>& names,
              bool force, bool remove_volumes = false);
int take_down(OperateDeps& deps, const sidecars::Discovery& discovery,
              const std::vector<std::string>& names, bool force, bool remove_volumes = false);

}  // namespace run_anvil::launcher

namespace run_anvil::launcher {

enum class ControlVerb { Stop, Start, Restart };

// `stop`, `start`, `restart NAME...` (SPEC §17): acts on the managed containers of each named
// sidecar (its shared container, or every session container of that name), never removing or
// recreating anything. A name that is neither declared here nor managed makes it exit 1 before
// anything is touched. Exit 1 also when a named sidecar has no container to act on (start) or
// a daemon call fails.
int control_sidecars(OperateDeps& deps, const sidecars::Discovery& discovery, ControlVerb verb,
                     const std::vector<std::string>& names);

struct LogsOptions {
  int tail = -1;        // -1: all
  bool follow = false;  // keep printing until the container stops or `interrupted` says so
  std::chrono::milliseconds poll{500};
  std::function<bool()> interrupted = [] { return false; };
};

// `logs NAME`: the sidecar's logs on `deps.out`. Exit 1 (nothing printed) for an unknown name, a
// sidecar with no container, or one with several containers (session sidecars of several
// anvils: name the container instead).
int show_logs(OperateDeps& deps, const sidecars::Discovery& discovery, const std::string& name,
              const LogsOptions& options);

}  // namespace run_anvil::launcher
