#include "run_anvil/launcher/sidecar_removal.h"

namespace run_anvil::launcher {

void remove_sidecar(DockerCLI& docker, const ContainerInfo& container) {
  for (const auto& [network, unused] : container.networks) {
    try {
      docker.disconnect_network(network, container.id);
    } catch (const DockerError&) {
      // A network that no longer exists cannot be left; removal below drops the stale endpoint.
    }
  }
  if (container.running) docker.stop_container(container.id, kStopGrace);
  docker.remove_container(container.id);
}

}  // namespace run_anvil::launcher
