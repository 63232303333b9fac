#include "run_anvil/sidecars/plan/container_spec.h"

#include "run_anvil/sidecars/define/definition_origin.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/define/secret_ref.h"

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
    if (!sidecars::mentions_secret(value)) spec.env.push_back(key + "=" + value);
  }
  // User labels first: run-anvil's own are written over them (validation already refuses any
  // swarmforge.* key; this order keeps ownership labels authoritative regardless).
  spec.labels = definition.service.labels;
  for (auto& [key, value] :
       sidecars::container_labels(definition, step.config_hash, step.image_id)) {
    spec.labels[key] = value;
  }
  for (auto& [key, value] : origin_labels(definition)) spec.labels[key] = value;
  for (const auto& [key, value] : step.labels) spec.labels[key] = value;
  spec.restart_policy = definition.restart;
  spec.memory_bytes = definition.resources.memory_bytes;
  spec.nano_cpus = definition.resources.nano_cpus;
  for (const auto& m : definition.mounts) {
    if (m.kind == sidecars::Mount::Kind::DockerSocket) {
      // The daemon in use, wherever its socket lives, under the path clients inside expect. A
      // strict bind: were the socket missing where the daemon runs, a plain bind would make the
      // daemon create an empty directory there (and a later dockerd then refuses to listen).
      spec.strict_binds.push_back({step.docker_socket, "/var/run/docker.sock", m.read_only});
    } else if (!step.workspace.empty()) {
      spec.binds.push_back(step.workspace + ":/workspace" + (m.read_only ? ":ro" : ""));
    }
  }
  if (!step.volume.empty()) {
    spec.binds.push_back(step.volume + ":" + definition.interface.mountpoint);
  }
  // SPEC §11: managed volumes by name, binds by host path, and the old container's anonymous
  // volumes by name (a bind by name keeps them from being removed with the container).
  for (const auto& v : step.volumes) {
    spec.binds.push_back(v.source + ":" + v.target + (v.read_only ? ":ro" : ""));
  }
  spec.stop_signal = definition.stop_signal;
  if (definition.stop_timeout)
    spec.stop_timeout = static_cast<int>(definition.stop_timeout->count());
  spec.service = definition.service;
  spec.service.labels.clear();     // carried in spec.labels
  spec.service.env_files.clear();  // merged into env at discovery
  spec.gpus = definition.resources.gpus;
  spec.network = step.network;
  spec.aliases = step.aliases;
  return spec;
}

}  // namespace run_anvil::launcher
