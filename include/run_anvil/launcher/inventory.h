#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/session.h"
#include "run_anvil/sidecars/definition.h"
#include "run_anvil/sidecars/recreation_policy.h"

// What `status`, `doctor` and `down` need to know about the daemon, gathered in one place so
// their decisions are pure functions of plain data (status_model.h, doctor_findings.h,
// down_decisions.h). Gathering costs one listing of every container, one inspect per managed
// container and per running container that shares a network with one (for env names), one
// image lookup per distinct image, one inspect per network a sidecar references, and the
// session listings of find_stale_sessions.
namespace run_anvil::launcher {

struct Inventory {
  std::vector<ContainerInfo>
      managed;  // every managed sidecar container (shared, session), inspected
  std::vector<ContainerInfo> probes;     // managed throwaway probe containers (listing only)
  std::vector<ContainerInfo> squatters;  // unmanaged containers holding a swarmforge-shared-* name
  std::vector<ContainerInfo> others;     // every other container (listing only: no env, no health)
  std::map<std::string, std::optional<std::string>> image_ids;  // definition image ref -> local ID
  // Networks managed containers are attached to, plus swarmforge-net, by name; nullopt when the
  // daemon has no network of that name.
  std::map<std::string, std::optional<NetworkInfo>> networks;
  // Sessions nobody will tear down: their launcher is dead and their anvil is not running
  // (session.h find_stale_sessions). Looked up only when asked (doctor).
  std::vector<SessionResources> stale_sessions;
  sidecars::SidecarUsers users;            // managed container name -> anvil names
  std::set<std::string> existing_origins;  // definition-label paths that exist on disk
};

// With `sessions`, stale sessions are looked up too, judged by it.
Inventory take_inventory(DockerCLI& docker, const std::vector<sidecars::Definition>& definitions,
                         const LivenessCheck* sessions = nullptr);

// Label helpers for the pure consumers.
std::string label_of(const ContainerInfo& c, const char* key);
bool is_managed(const ContainerInfo& c);

}  // namespace run_anvil::launcher
