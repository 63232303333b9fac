#pragma once

#include <chrono>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/operate/inventory.h"
#include "run_anvil/launcher/os/clock.h"
#include "run_anvil/launcher/os/tcp_dial.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/operate/status_model.h"

// The READY column of `status`: each running container made from a discovered definition (its
// origin is that very definition, sidecars/ownership.h) is probed once with that definition's
// readiness check (SPEC §7); `definitions` must hold only usable ones (trust_gate.h), so an
// unapproved workspace definition never probes or execs anything (SPEC §14). Each is allowed
// `budget` to succeed, all of them concurrently. A TCP probe that is impossible from here (remote
// daemon, unroutable network) is left unknown rather than degraded to a running check; status never
// starts a probe container.
namespace run_anvil::launcher {

inline constexpr std::chrono::milliseconds kStatusProbeBudget{1000};

ReadyResults probe_readiness(Engine& docker, Clock& clock, TcpDialer& dialer,
                             const std::vector<sidecars::Definition>& definitions,
                             const Inventory& inventory,
                             std::chrono::milliseconds budget = kStatusProbeBudget);

}  // namespace run_anvil::launcher
