#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/ownership.h"
#include "run_anvil/sidecars/plan/engine_objects.h"
#include "run_anvil/sidecars/plan/recreation_policy.h"

// Transitional namespace: these moved from launcher/ and keep its namespace for now.
namespace run_anvil::launcher {

// One session's resources as the daemon shows them.
struct SessionResources {
  std::string id;                       // swarmforge.session.id
  std::string anvil_name;               // swarmforge.session
  std::string launcher;                 // swarmforge.session.launcher ("" when absent)
  std::vector<std::string> containers;  // ids
  std::vector<std::string> networks;    // names
  std::vector<std::string> volumes;     // names
};

// What `status`, `doctor` and `down` need to know about the daemon, gathered in one place so
// their decisions are pure functions of plain data (status_model.h, doctor_findings.h,
// down_decisions.h). Gathering costs one listing of every container, one inspect per managed
// container and per running container that shares a network with one (for env names), one
// image lookup per distinct image, one inspect per network a sidecar references, and the
// session listings of find_stale_sessions.

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
  sidecars::SidecarUsers users;  // managed container name -> anvil names
  // What the file system says about every managed container's recorded definition path, and
  // this process's vantage (sidecars/ownership.h).
  sidecars::OriginFacts origins;
};

// The label helpers (sidecars/define/labels.h).
using sidecars::is_managed;
using sidecars::label_of;

// Who made `c`, judged against `mine` (nullptr: no definition of its name here) with the facts
// the inventory gathered (sidecars::judge_origin).
sidecars::Origin origin_of(const ContainerInfo& c, const sidecars::Definition* mine,
                           const Inventory& inv);

}  // namespace run_anvil::launcher
