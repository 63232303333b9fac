#include "run_anvil/launcher/inventory.h"

#include <algorithm>
#include <future>

#include "run_anvil/launcher/definition_origin.h"
#include "run_anvil/launcher/sidecar_users.h"
#include "run_anvil/sidecars/naming.h"

namespace run_anvil::launcher {
namespace {

constexpr std::string_view kSharedPrefix = "swarmforge-shared-";

bool shares_network_with_any(const ContainerInfo& c, const std::set<std::string>& networks) {
  for (const auto& [net, unused] : c.networks) {
    if (networks.count(net)) return true;
  }
  return false;
}

std::map<std::string, std::optional<std::string>> look_up_images(
    DockerCLI& docker, const std::vector<sidecars::Definition>& definitions) {
  std::set<std::string> images;
  for (const auto& d : definitions) images.insert(d.image);
  std::vector<std::pair<std::string, std::future<std::optional<std::string>>>> lookups;
  for (const auto& image : images) {
    lookups.emplace_back(
        image, std::async(std::launch::async, [&docker, image] { return docker.image_id(image); }));
  }
  std::map<std::string, std::optional<std::string>> out;
  for (auto& [image, future] : lookups) out[image] = future.get();
  return out;
}

// Inspects concurrently, a bounded number at a time: status on a host with many agents should
// not pay one round trip each, nor start hundreds of threads.
std::vector<ContainerInfo> inspect_all(DockerCLI& docker, const std::vector<std::string>& ids) {
  constexpr std::size_t kParallel = 16;
  std::vector<ContainerInfo> out;
  for (std::size_t start = 0; start < ids.size(); start += kParallel) {
    std::vector<std::future<std::optional<ContainerInfo>>> pending;
    for (std::size_t i = start; i < std::min(ids.size(), start + kParallel); ++i) {
      pending.push_back(std::async(
          std::launch::async, [&docker, &id = ids[i]] { return docker.inspect_container(id); }));
    }
    for (auto& f : pending) {
      // Removed since the listing: it is simply not there any more.
      if (auto info = f.get()) out.push_back(std::move(*info));
    }
  }
  return out;
}

}  // namespace

std::string label_of(const ContainerInfo& c, const char* key) {
  auto it = c.labels.find(key);
  return it == c.labels.end() ? std::string() : it->second;
}

bool is_managed(const ContainerInfo& c) {
  return label_of(c, sidecars::kLabelManagedBy) == sidecars::kManagedByValue;
}

Inventory take_inventory(DockerCLI& docker, const std::vector<sidecars::Definition>& definitions,
                         const LivenessCheck* sessions) {
  auto images = std::async(std::launch::async,
                           [&docker, &definitions] { return look_up_images(docker, definitions); });
  Inventory inv;
  std::vector<std::string> managed_ids;
  for (auto& c : docker.list_containers({})) {
    if (is_managed(c) && c.labels.count(sidecars::kLabelProbe)) {
      inv.probes.push_back(std::move(c));
    } else if (is_managed(c)) {
      managed_ids.push_back(c.id);
    } else if (c.name.rfind(kSharedPrefix, 0) == 0) {
      inv.squatters.push_back(std::move(c));
    } else {
      inv.others.push_back(std::move(c));
    }
  }
  inv.managed = inspect_all(docker, managed_ids);

  std::set<std::string> sidecar_networks;
  std::vector<SidecarContainer> sidecars;
  for (const auto& c : inv.managed) {
    for (const auto& [net, unused] : c.networks) sidecar_networks.insert(net);
    sidecars.push_back(sidecar_container(c));
    std::string origin = label_of(c, sidecars::kLabelDefinition);
    if (origin_exists(origin)) inv.existing_origins.insert(origin);
  }
  std::vector<std::string> candidate_ids;
  for (const auto& c : inv.others) {
    if (c.running && shares_network_with_any(c, sidecar_networks)) candidate_ids.push_back(c.id);
  }
  inv.users = match_users(sidecars, inspect_all(docker, candidate_ids));

  sidecar_networks.insert(sidecars::kDefaultNetwork);
  for (const auto& net : sidecar_networks) inv.networks[net] = docker.inspect_network(net);
  if (sessions) inv.stale_sessions = find_stale_sessions(docker, *sessions);
  inv.image_ids = images.get();
  return inv;
}

}  // namespace run_anvil::launcher
