#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/os/clock.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/launcher/os/tcp_dial.h"
#include "run_anvil/sidecars/plan/plan.h"

// Waiting until one sidecar is really ready (SPEC §7).
namespace run_anvil::launcher {

struct ReadinessDeps {
  Engine& docker;
  Clock& clock;
  TcpDialer& dialer;
  Progress& progress;
  // Throws to abandon the wait (a signal, or another sidecar failed). Called between polls.
  std::function<void()> check_cancelled;
  // Guards the one warning printed when TCP probing degrades to a running-container check.
  std::once_flag* degrade_warning;
  // --anvil-image: when set, TCP readiness the launcher cannot dial from the host is probed from
  // a throwaway container of this image on the sidecar's network (probe_container.h).
  std::string probe_image = {};
};

// Returns once the step's probe succeeds. Throws Error naming the sidecar, what was probed, for
// how long, and the tail of its logs when the timeout passes or the container stops.
// `ip` is the container's address on step.network when already known ("" otherwise).
void wait_ready(ReadinessDeps& deps, const sidecars::SidecarStep& step,
                const std::string& container_id, std::string ip);

// Poll interval before the n-th check (n from 0): the definition's fixed interval, else a short
// start that backs off, so fast sidecars are noticed within milliseconds without hammering
// the daemon for slow ones.
std::chrono::milliseconds poll_interval(const sidecars::Probe& probe, int n);

// The ports in LISTEN state in the text of /proc/net/tcp and /proc/net/tcp6, sorted, unique;
// Docker's embedded DNS resolver (127.0.0.11) left out.
std::vector<int> listening_ports(std::string_view proc_net_tcp);

}  // namespace run_anvil::launcher
