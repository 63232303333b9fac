#include "run_anvil/launcher/resources/observe.h"

#include <future>
#include <set>

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {

sidecars::ObservedContainer to_observed(const ContainerInfo& info) {
  sidecars::ObservedContainer c;
  c.id = info.id;
  c.name = info.name;
  c.running = info.running;
  c.state = info.state;
  c.labels = info.labels;
  for (const auto& [net, attachment] : info.networks) c.network_ips[net] = attachment.ip;
  for (const auto& m : info.mounts) c.mounts.push_back({m.type, m.name, m.destination});
  return c;
}

std::vector<ContainerInfo> list_managed(EngineReader& docker) {
  return docker.list_containers({{sidecars::kLabelManagedBy, sidecars::kManagedByValue}});
}

// One image inspect per image gives both its ID and its VOLUME paths (SPEC §11).
std::map<std::string, std::optional<ImageConfig>> look_up_images(
    EngineReader& docker, const std::vector<sidecars::Definition>& definitions) {
  std::set<std::string> images;
  for (const auto& d : definitions) images.insert(d.image);
  std::vector<std::pair<std::string, std::future<std::optional<ImageConfig>>>> lookups;
  for (const auto& image : images) {
    lookups.emplace_back(image, std::async(std::launch::async, [&docker, image] {
                           return docker.image_config(image);
                         }));
  }
  std::map<std::string, std::optional<ImageConfig>> out;
  for (auto& [image, future] : lookups) out[image] = future.get();
  return out;
}

std::map<std::string, std::optional<std::string>> look_up_image_ids(
    EngineReader& docker, const std::vector<sidecars::Definition>& definitions) {
  std::map<std::string, std::optional<std::string>> out;
  for (const auto& [image, config] : look_up_images(docker, definitions)) {
    out[image] = config ? std::optional<std::string>(config->id) : std::nullopt;
  }
  return out;
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto comma = text.find(',', from);
    if (comma == std::string::npos) comma = text.size();
    if (comma > from) out.push_back(text.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

// The aliases `c` answers to on `network`: from its aliases label, else (made by an older
// launcher) from an inspect, leaving out what docker adds by itself (short id, name).
std::vector<std::string> aliases_on(EngineReader& docker, const ContainerInfo& c,
                                    const std::string& network) {
  auto label = c.labels.find(sidecars::kLabelAliases);
  if (label != c.labels.end()) return split_commas(label->second);
  auto info = docker.inspect_container(c.id);
  if (!info) return {};
  auto net = info->networks.find(network);
  if (net == info->networks.end()) return {};
  std::vector<std::string> out;
  for (const auto& a : net->second.aliases) {
    if (a != info->name && !info->id.starts_with(a)) out.push_back(a);
  }
  return out;
}

// Who answers to which name on the anvil's network, among managed sidecars.
std::map<std::string, std::string> held_aliases(EngineReader& docker,
                                                const std::vector<ContainerInfo>& managed,
                                                const std::string& network) {
  std::map<std::string, std::string> held;
  for (const auto& c : managed) {
    if (!c.networks.count(network) || !c.labels.count(sidecars::kLabelName) ||
        c.labels.count(sidecars::kLabelProbe)) {
      continue;
    }
    for (const auto& alias : aliases_on(docker, c, network)) held.emplace(lower(alias), c.name);
  }
  return held;
}

}  // namespace

sidecars::ObservedState observe(EngineReader& docker,
                                const std::vector<sidecars::Definition>& definitions,
                                const std::string& network,
                                const std::vector<ContainerInfo>* managed) {
  sidecars::ObservedState state;
  auto images = std::async(std::launch::async,
                           [&docker, &definitions] { return look_up_images(docker, definitions); });
  std::vector<ContainerInfo> listed;
  if (!managed) listed = list_managed(docker);
  const std::vector<ContainerInfo>& all = managed ? *managed : listed;
  for (const auto& info : all) state.containers[info.name] = to_observed(info);
  if (!network.empty()) state.held_aliases = held_aliases(docker, all, network);
  for (const auto& d : definitions) {
    std::string name = sidecars::shared_container_name(d.name);
    if (state.containers.count(name)) continue;
    if (auto info = docker.inspect_container(name)) state.containers[name] = to_observed(*info);
  }
  if (!network.empty()) {
    if (auto net = docker.inspect_network(network)) {
      state.network_driver = net->driver;
      state.network_resolves_names = docker.network_resolves_names(*net);
      state.network_internal = net->internal;
      state.network_gateway = net->gateway;
    }
  }
  state.engine_podman = docker.engine_is_podman();
  state.engine_local = docker.daemon_is_local();
  for (auto& [image, config] : images.get()) {
    state.image_ids[image] = config ? std::optional<std::string>(config->id) : std::nullopt;
    if (config) state.image_volumes[image] = config->volumes;
  }
  return state;
}

}  // namespace run_anvil::launcher
