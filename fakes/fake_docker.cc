#include "fake_docker.h"

#include <algorithm>

#include "run_anvil/sidecars/plan/log_matcher.h"

namespace run_anvil::fakes {

using launcher::ContainerInfo;
using launcher::DockerError;

ContainerInfo* FakeDocker::find(const std::string& name_or_id) {
  for (auto& [name, c] : containers) {
    if (name == name_or_id || c.id == name_or_id) return &c;
  }
  return nullptr;
}

std::string FakeDocker::next_ip() { return "172.18.0." + std::to_string(next_ip_++); }

int FakeDocker::count_calls(const std::string& prefix) const {
  return static_cast<int>(std::count_if(
      calls.begin(), calls.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; }));
}

ContainerInfo& FakeDocker::add_container(const std::string& name, bool running,
                                         std::map<std::string, std::string> labels) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  ContainerInfo c;
  c.id = "id-" + name + "-" + std::to_string(next_id_++);
  c.name = name;
  c.running = running;
  c.state = running ? "running" : "exited";
  c.labels = std::move(labels);
  return containers[name] = c;
}

std::vector<ContainerInfo> FakeDocker::list_containers(
    const std::map<std::string, std::string>& labels) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("list");
  std::vector<ContainerInfo> out;
  for (const auto& [name, c] : containers) {
    bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
      auto it = c.labels.find(kv.first);
      return it != c.labels.end() && (kv.second.empty() || it->second == kv.second);
    });
    if (match) out.push_back(c);
  }
  return out;
}

std::optional<ContainerInfo> FakeDocker::inspect_container(const std::string& name_or_id) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("inspect " + name_or_id);
  auto* c = find(name_or_id);
  if (!c) return std::nullopt;
  if (on_inspect) on_inspect(*c);
  return *c;
}

std::optional<std::string> FakeDocker::image_id(const std::string& reference) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  auto it = images.find(reference);
  if (it == images.end()) return std::nullopt;
  return it->second;
}

std::optional<launcher::ImageConfig> FakeDocker::image_config(const std::string& reference) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (!images.count(reference)) return std::nullopt;
  auto it = image_configs.find(reference);
  launcher::ImageConfig config = it == image_configs.end() ? launcher::ImageConfig{} : it->second;
  config.id = images[reference];
  return config;
}

void FakeDocker::import_image(const std::string& reference, const std::string&) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("import " + reference);
  // Off by default: a probe container of the fake never exits by itself, so tests that do not
  // script one see the launcher's fallback (degrade with one warning) instead of a wait.
  if (!importable) throw DockerError(500, "import not scripted in this test");
  images[reference] = "sha256:imported-" + reference;
}

void FakeDocker::pull_image(const std::string& reference, std::chrono::milliseconds) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("pull " + reference);
  auto it = pullable.find(reference);
  if (it == pullable.end()) {
    throw DockerError(404, "pull access denied for " + reference +
                               ", repository does not exist or may require 'docker login'");
  }
  images[reference] = it->second;
}

std::string FakeDocker::create_container(const launcher::ContainerSpec& spec) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("create " + spec.name);
  if (containers.count(spec.name)) {
    throw DockerError(409, "Conflict. The container name \"/" + spec.name + "\" is already in use");
  }
  if (!images.count(spec.image)) throw DockerError(404, "No such image: " + spec.image);
  for (const auto& b : spec.strict_binds) {
    if (absent_host_paths.count(b.source)) {
      throw DockerError(400,
                        "invalid mount config for type \"bind\": bind source path does not "
                        "exist: " +
                            b.source);
    }
  }
  ContainerInfo& c = add_container(spec.name, false, spec.labels);
  for (const auto& b : spec.strict_binds) {
    c.mounts.push_back({"bind", "", b.source, b.target, !b.read_only});
  }
  c.state = "created";
  c.restart_policy = spec.restart_policy;
  c.image = spec.image;
  c.image_id = images[spec.image];
  if (!spec.network.empty()) c.networks[spec.network] = {"net-" + spec.network, "", spec.aliases};
  for (const auto& [network, aliases] : spec.more_networks) {
    c.networks[network] = {"net-" + network, "", aliases};
  }
  for (const auto& bind : spec.binds) {
    // "source:target[:ro]": a source without '/' is a volume, as the daemon reads it.
    auto colon = bind.find(':');
    std::string source = bind.substr(0, colon);
    std::string target = bind.substr(colon + 1, bind.find(':', colon + 1) - colon - 1);
    bool volume = source.find('/') == std::string::npos;
    if (volume && !volumes.count(source)) volumes[source] = {};
    c.mounts.push_back({volume ? "volume" : "bind", volume ? source : "", source, target,
                        bind.size() < 3 || bind.substr(bind.size() - 3) != ":ro"});
  }
  auto image_config = image_configs.find(spec.image);
  if (image_config != image_configs.end()) {
    for (const auto& path : image_config->second.volumes) {
      bool covered =
          std::any_of(c.mounts.begin(), c.mounts.end(),
                      [&](const launcher::MountInfo& m) { return m.destination == path; });
      if (covered) continue;
      std::string anonymous(64, 'a');
      std::string serial = std::to_string(next_id_++);
      anonymous.replace(64 - serial.size(), serial.size(), serial);
      volumes[anonymous] = {};
      c.mounts.push_back({"volume", anonymous, "", path, true});
    }
  }
  specs_created.push_back(spec.name);
  last_spec[spec.name] = spec;
  return c.id;
}

void FakeDocker::start_container(const std::string& id) {
  std::string name;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    calls.push_back("start " + id);
    ContainerInfo* c = find(id);
    if (!c) throw DockerError(404, "No such container: " + id);
    if (before_start) before_start(c->name);
    if (failing_starts.count(c->name)) throw DockerError(500, "OCI runtime create failed (fake)");
    if (auto spec = last_spec.find(c->name); spec != last_spec.end() && spec->second.open_stdin) {
      awaiting_input.insert(c->name);
    }
    if (!c->running) c->started_at = "2026-01-01T00:00:" + std::to_string(++starts_) + "Z";
    c->running = true;
    c->state = "running";
    for (auto& [net, attachment] : c->networks) {
      if (attachment.ip.empty()) attachment.ip = next_ip();
    }
    name = c->name;
  }
  if (on_start) on_start(name);
}

void FakeDocker::remove_container(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("remove " + id);
  for (auto it = containers.begin(); it != containers.end(); ++it) {
    if (it->second.id == id || it->first == id) {
      containers.erase(it);
      return;
    }
  }
}

void FakeDocker::remove_container_keeping_volumes(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("remove-keep-volumes " + id);
  for (auto it = containers.begin(); it != containers.end(); ++it) {
    if (it->second.id == id || it->first == id) {
      containers.erase(it);
      return;
    }
  }
}

void FakeDocker::update_restart_policy(const std::string& id, const std::string& policy) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("restart-policy " + id + " " + policy);
  if (!policy_updates) throw DockerError(404, "page not found");  // podman 4.3: no update API
  ContainerInfo* c = find(id);
  if (!c) throw DockerError(404, "No such container: " + id);
  restart_policies[c->id] = policy;
  c->restart_policy = policy;
}

void FakeDocker::stop_container(const std::string& id, std::optional<std::chrono::seconds>) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("stop " + id);
  if (ContainerInfo* c = find(id)) {
    c->running = false;
    c->state = "exited";
    for (auto& [net, attachment] : c->networks) attachment.ip.clear();
  }
}

std::vector<launcher::NetworkInfo> FakeDocker::list_networks(
    const std::map<std::string, std::string>& labels) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("network list");
  std::vector<launcher::NetworkInfo> out;
  for (const auto& [name, n] : networks) {
    bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
      auto it = n.labels.find(kv.first);
      return it != n.labels.end() && (kv.second.empty() || it->second == kv.second);
    });
    if (!match) continue;
    out.push_back(n);
    out.back().container_ids.clear();
  }
  return out;
}

std::optional<launcher::NetworkInfo> FakeDocker::inspect_network(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  auto it = networks.find(name);
  if (it == networks.end()) return std::nullopt;
  // Like the daemon: the running containers with an endpoint on it.
  launcher::NetworkInfo info = it->second;
  for (const auto& [cname, c] : containers) {
    bool listed = std::find(info.container_ids.begin(), info.container_ids.end(), c.id) !=
                  info.container_ids.end();
    if (c.running && c.networks.count(name) && !listed) info.container_ids.push_back(c.id);
  }
  return info;
}

launcher::NetworkInfo FakeDocker::ensure_network(const std::string& name,
                                                 const std::map<std::string, std::string>& labels,
                                                 bool internal) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  auto it = networks.find(name);
  if (it != networks.end()) return it->second;
  calls.push_back(std::string("network create ") + (internal ? "--internal " : "") + name);
  launcher::NetworkInfo n{"net-" + name, name, "bridge", labels, {}, internal, ""};
  return networks[name] = n;
}

void FakeDocker::remove_network(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("network remove " + name);
  networks.erase(name);
}

void FakeDocker::connect_network(const std::string& network, const std::string& container,
                                 const std::vector<std::string>& aliases) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("connect " + network + " " + container);
  ContainerInfo* c = find(container);
  if (!c) throw DockerError(404, "No such container: " + container);
  if (c->networks.count(network)) throw DockerError(403, "endpoint already exists in network");
  c->networks[network] = {"net-" + network, c->running ? next_ip() : "", aliases};
}

void FakeDocker::disconnect_network(const std::string& network, const std::string& container) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("disconnect " + network + " " + container);
  if (ContainerInfo* c = find(container)) c->networks.erase(network);
}

void FakeDocker::attach_stdin(const std::string& container, const std::string& payload) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("attach stdin " + container);
  ContainerInfo* c = find(container);
  if (!c) throw DockerError(404, "No such container: " + container);
  if (!c->running) throw DockerError(409, "container " + container + " is not running");
  stdin_payloads[c->name].push_back(payload);
  awaiting_input.erase(c->name);
  if (on_attach) on_attach(c->name);
}

std::optional<launcher::PathStat> FakeDocker::stat_path(const std::string& container,
                                                        const std::string& path) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("stat " + container + " " + path);
  ContainerInfo* c = find(container);
  if (!c) throw DockerError(404, "No such container: " + container);
  if (path == "/bin/sh" && images_without_shell.count(c->image)) return std::nullopt;
  launcher::PathStat stat;
  stat.regular = true;
  return stat;
}

std::vector<std::string> FakeDocker::process_commands(const std::string& container) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  ContainerInfo* c = find(container);
  if (c && failing_tops.count(c->name)) throw DockerError(500, "ttrpc: closed: unknown");
  if (!c || !c->running) return {};
  if (awaiting_input.count(c->name)) return {"/bin/sh -c : run-anvil-await-secrets; ..."};
  return {"service"};
}

void FakeDocker::create_volume(const std::string& name,
                               const std::map<std::string, std::string>& labels) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("volume create " + name);
  volumes.try_emplace(name, labels);
}

void FakeDocker::remove_volume(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("volume remove " + name);
  volumes.erase(name);
}

std::vector<launcher::VolumeInfo> FakeDocker::list_volumes(
    const std::map<std::string, std::string>& labels) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  std::vector<launcher::VolumeInfo> out;
  for (const auto& [name, have] : volumes) {
    bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
      auto it = have.find(kv.first);
      return it != have.end() && (kv.second.empty() || it->second == kv.second);
    });
    if (match) out.push_back({name, have});
  }
  return out;
}

launcher::ExecResult FakeDocker::exec(const std::string& container, const std::vector<std::string>&,
                                      std::chrono::milliseconds timeout) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  calls.push_back("exec " + container);
  if (on_exec) on_exec(timeout);
  ContainerInfo* c = find(container);
  if (!c) throw DockerError(404, "No such container: " + container);
  auto it = exec_exit_codes.find(c->name);
  auto out = exec_outputs.find(c->name);
  return {it == exec_exit_codes.end() ? 0 : it->second,
          out == exec_outputs.end() ? "" : out->second};
}

std::string FakeDocker::logs_since(const std::string& container, const std::string& since) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  logs_since_calls.push_back(since);
  ContainerInfo* c = find(container);
  if (!c) return "";
  // Like the daemon: every line at or after `since`, compared as unix time.
  auto since_time = [](const std::string& s) {
    auto dot = s.find('.');
    return sidecars::UnixTime{std::stoll(s.substr(0, dot)),
                              dot == std::string::npos ? 0LL : std::stoll(s.substr(dot + 1))};
  };
  auto bound = since_time(since);
  std::string out;
  for (const auto& line : timestamped_logs[c->name]) {
    auto at = sidecars::parse_rfc3339(line.substr(0, line.find(' ')));
    if (at && *at >= bound) out += line + "\n";
  }
  return out;
}

std::string FakeDocker::logs_tail(const std::string& container, int) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  ContainerInfo* c = find(container);
  if (!c) return "";
  auto it = logs.find(c->name);
  return it == logs.end() ? "" : it->second;
}

}  // namespace run_anvil::fakes
