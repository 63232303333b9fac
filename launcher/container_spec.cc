#include "run_anvil/launcher/container_spec.h"

#include "run_anvil/launcher/definition_origin.h"
#include "run_anvil/sidecars/naming.h"

namespace run_anvil::launcher {

ContainerSpec make_container_spec(const sidecars::Definition& definition,
                                  const sidecars::SidecarStep& step) {
  ContainerSpec spec;
  spec.name = step.container;
  spec.image = definition.image;
  spec.cmd = definition.command;
  spec.entrypoint = definition.entrypoint;
  for (const auto& [key, value] : definition.env) {
    // A value holding a ${secret:...} reference reaches the process through the secrets file
    // (secret_delivery.h), never Config.Env, which `docker inspect` shows to anyone.
    if (value.find("${secret:") == std::string::npos) spec.env.push_back(key + "=" + value);
  }
  spec.labels = sidecars::container_labels(definition, step.config_hash, step.image_id);
  spec.labels[sidecars::kLabelDefinition] = definition_origin(definition);
  for (const auto& [key, value] : step.labels) spec.labels[key] = value;
  spec.restart_policy = definition.restart;
  spec.memory_bytes = definition.resources.memory_bytes;
  spec.nano_cpus = definition.resources.nano_cpus;
  for (const auto& m : definition.mounts) {
    if (m.kind == sidecars::Mount::Kind::DockerSocket) {
      spec.binds.push_back(std::string("/var/run/docker.sock:/var/run/docker.sock") +
                           (m.read_only ? ":ro" : ""));
    } else if (!step.workspace.empty()) {
      spec.binds.push_back(step.workspace + ":/workspace" + (m.read_only ? ":ro" : ""));
    }
  }
  if (!step.volume.empty()) {
    spec.binds.push_back(step.volume + ":" + definition.interface.mountpoint);
  }
  spec.network = step.network;
  spec.aliases = step.aliases;
  return spec;
}

}  // namespace run_anvil::launcher
