#pragma once

#include <chrono>
#include <string>

#include "run_anvil/launcher/docker_cli.h"

// TCP readiness from inside the network, for daemons whose container networks the launcher
// cannot dial (a remote DOCKER_HOST, a VM-backed engine). One throwaway container from the
// image given with --anvil-image loops `nc`/`/dev/tcp` until the port accepts or its lifetime
// ends; the launcher polls its state. It is labelled managed-by=run-anvil and removed when the
// object goes away, whatever happened.
namespace run_anvil::launcher {

class ProbeContainer {
 public:
  enum class State { Waiting, Succeeded, Unusable };

  // Creates and starts the probe. Throws DockerError when the daemon refuses (e.g. the image is
  // not present); callers then fall back to a running-container check.
  ProbeContainer(DockerCLI& docker, const std::string& image, const std::string& network,
                 const std::string& host, int port, std::chrono::milliseconds lifetime);
  ~ProbeContainer();
  ProbeContainer(const ProbeContainer&) = delete;
  ProbeContainer& operator=(const ProbeContainer&) = delete;

  // Succeeded once the port accepted; Unusable when the probe could not run in that image (no
  // shell, no nc) or its lifetime ran out; Waiting otherwise.
  State poll();

 private:
  DockerCLI& docker_;
  std::string id_;
};

// The probe's shell loop, exposed for tests.
const char* probe_script();

}  // namespace run_anvil::launcher
