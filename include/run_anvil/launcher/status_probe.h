#pragma once

#include <chrono>
#include <vector>

#include "run_anvil/launcher/clock.h"
#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/inventory.h"
#include "run_anvil/launcher/status_model.h"
#include "run_anvil/launcher/tcp_dial.h"
#include "run_anvil/sidecars/definition.h"

// The READY column of `status`: each running container of a discovered sidecar is probed once
// with its definition's readiness check (SPEC §7), allowed `budget` to succeed, all of them
// concurrently. A TCP probe that is impossible from here (remote daemon, unroutable network) is
// left unknown rather than degraded to a running check; status never starts a probe container.
namespace run_anvil::launcher {

inline constexpr std::chrono::milliseconds kStatusProbeBudget{1000};

ReadyResults probe_readiness(DockerCLI& docker, Clock& clock, TcpDialer& dialer,
                             const std::vector<sidecars::Definition>& definitions,
                             const Inventory& inventory,
                             std::chrono::milliseconds budget = kStatusProbeBudget);

}  // namespace run_anvil::launcher
