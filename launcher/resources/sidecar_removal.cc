#include "run_anvil/launcher/resources/sidecar_removal.h"

namespace run_anvil::launcher {

void remove_sidecar(Engine& docker, const ContainerInfo& container) {
  for (const auto& [network, unused] : container.networks) {
    try {
      docker.disconnect_network(network, container.id);
    } catch (const DockerError&) {
      // A network that no longer exists cannot be left; removal below drops the stale endpoint.
    }
  }
  // The container's own stop signal and stop_timeout (SPEC §11-§12), set when it was created.
  if (container.running) docker.stop_container(container.id, std::nullopt);
  // Volumes, anonymous ones included, hold data: only `down --volumes` removes them.
  docker.remove_container_keeping_volumes(container.id);
}

}  // namespace run_anvil::launcher
