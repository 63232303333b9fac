#include "run_anvil/launcher/observe.h"

#include <future>
#include <set>

#include "run_anvil/sidecars/naming.h"

namespace run_anvil::launcher {

sidecars::ObservedContainer to_observed(const ContainerInfo& info) {
  sidecars::ObservedContainer c;
  c.id = info.id;
  c.name = info.name;
  c.running = info.running;
  c.state = info.state;
  c.labels = info.labels;
  for (const auto& [net, attachment] : info.networks) c.network_ips[net] = attachment.ip;
  return c;
}

sidecars::ObservedState observe(DockerCLI& docker,
                                const std::vector<sidecars::Definition>& definitions,
                                const std::string& network) {
  sidecars::ObservedState state;
  std::set<std::string> images;
  for (const auto& d : definitions) images.insert(d.image);
  std::vector<std::pair<std::string, std::future<std::optional<std::string>>>> lookups;
  for (const auto& image : images) {
    lookups.emplace_back(image, std::async(std::launch::async,
                                           [&docker, image] { return docker.image_id(image); }));
  }

  for (const auto& info : docker.list_containers({{sidecars::kLabelManagedBy,
                                                   sidecars::kManagedByValue}})) {
    state.containers[info.name] = to_observed(info);
  }
  for (const auto& d : definitions) {
    std::string name = sidecars::shared_container_name(d.name);
    if (state.containers.count(name)) continue;
    if (auto info = docker.inspect_container(name)) state.containers[name] = to_observed(*info);
  }
  if (!network.empty()) {
    if (auto net = docker.inspect_network(network)) state.network_driver = net->driver;
  }
  for (auto& [image, future] : lookups) state.image_ids[image] = future.get();
  return state;
}

}  // namespace run_anvil::launcher
