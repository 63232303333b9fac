#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"

// TCP readiness from inside the network, for daemons whose container networks the launcher
// cannot dial (a remote DOCKER_HOST, a VM-backed engine). One throwaway container on the
// sidecar's network, from run-anvil's own probe image (probe_image.h) or the image given with
// --anvil-image (looping `nc`/`/dev/tcp`), dials the alias until the port accepts or its
// lifetime ends; the launcher polls its state. It is labelled managed-by=run-anvil and removed when
// the object goes away, whatever happened.
namespace run_anvil::launcher {

class ProbeContainer {
 public:
  enum class State { Waiting, Succeeded, Unusable };

  // Creates and starts the probe. Throws DockerError when the daemon refuses (e.g. the image is
  // not present); callers then fall back to a running-container check.
  // `probe` empty: the image's sh runs probe_script() (an --anvil-image); else `probe` is an
  // entrypoint taking host, port and seconds (the built-in probe image, probe_image.h), then
  // `more` (the built-in probe's http path and statuses).
  ProbeContainer(Engine& docker, const std::string& image, const std::string& network,
                 const std::string& host, int port, std::chrono::milliseconds lifetime,
                 const std::vector<std::string>& probe = {},
                 const std::vector<std::string>& more = {});
  ~ProbeContainer();
  ProbeContainer(const ProbeContainer&) = delete;
  ProbeContainer& operator=(const ProbeContainer&) = delete;

  // Succeeded once the port accepted; Unusable when the probe could not run in that image (no
  // shell, no nc) or its lifetime ran out; Waiting otherwise.
  State poll();

  // The last line the probe printed ("HTTP 503" from the built-in probe's http mode); "" when
  // none or the daemon cannot say.
  std::string last_line();

 private:
  Engine& docker_;
  std::string id_;
};

// The probe's shell loop, exposed for tests.
const char* probe_script();

}  // namespace run_anvil::launcher
