#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/launcher/clock.h"
#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/progress.h"
#include "run_anvil/launcher/tcp_dial.h"

// Stateful in-memory daemon, clock, dialer and progress for orchestration tests: behaves like
// the contracts in docker_cli.h and records every mutating call so tests can assert what was (and
// was not) done.
namespace run_anvil::fakes {

class FakeDocker : public launcher::DockerCLI {
 public:
  // --- state, public so tests can arrange and inspect it ---
  std::map<std::string, launcher::ContainerInfo> containers;  // by name
  std::map<std::string, launcher::NetworkInfo> networks;      // by name
  std::map<std::string, std::string> images;                  // ref -> id
  std::map<std::string, launcher::ImageConfig> image_configs; // ref -> config (default: empty)
  // What pull_image can fetch: ref -> id. Pulling adds it to `images`; any other ref fails
  // like a registry that does not know it.
  std::map<std::string, std::string> pullable;
  std::map<std::string, std::map<std::string, std::string>> volumes;  // name -> labels
  // Archives put into containers: container name -> {path, tar bytes}, in order.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> archives;
  std::map<std::string, std::string> logs;                    // container name -> text
  std::map<std::string, int> exec_exit_codes;                 // container name -> exit code
  std::vector<std::string> calls;                             // "create pg", "remove <id>", ...
  bool local = true;
  // Called after a container starts (by name), e.g. to make a port listen later.
  std::function<void(const std::string&)> on_start;
  // Called on every inspect of an existing container before it is returned.
  std::function<void(launcher::ContainerInfo&)> on_inspect;

  std::string endpoint() const override { return "unix:///fake/docker.sock"; }
  bool daemon_is_local() const override { return local; }
  std::vector<launcher::ContainerInfo> list_containers(
      const std::map<std::string, std::string>& labels) override;
  std::optional<launcher::ContainerInfo> inspect_container(const std::string& name_or_id) override;
  std::optional<std::string> image_id(const std::string& reference) override;
  std::optional<launcher::ImageConfig> image_config(const std::string& reference) override;
  void pull_image(const std::string& reference, std::chrono::milliseconds timeout) override;
  std::string create_container(const launcher::ContainerSpec& spec) override;
  void start_container(const std::string& id) override;
  void remove_container(const std::string& id) override;
  void stop_container(const std::string& id, std::chrono::seconds grace) override;
  std::vector<launcher::NetworkInfo> list_networks(
      const std::map<std::string, std::string>& labels) override;
  std::optional<launcher::NetworkInfo> inspect_network(const std::string& name) override;
  launcher::NetworkInfo ensure_network(const std::string& name,
                                       const std::map<std::string, std::string>& labels) override;
  void remove_network(const std::string& name) override;
  void connect_network(const std::string& network, const std::string& container,
                       const std::vector<std::string>& aliases) override;
  void disconnect_network(const std::string& network, const std::string& container) override;
  void put_archive(const std::string& container, const std::string& path,
                   const std::string& tar) override;
  void create_volume(const std::string& name,
                     const std::map<std::string, std::string>& labels) override;
  void remove_volume(const std::string& name) override;
  std::vector<launcher::VolumeInfo> list_volumes(
      const std::map<std::string, std::string>& labels) override;
  launcher::ExecResult exec(const std::string& container, const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) override;
  std::string logs_tail(const std::string& container, int lines) override;

  // Test helpers.
  launcher::ContainerInfo& add_container(const std::string& name, bool running,
                                         std::map<std::string, std::string> labels);
  std::vector<std::string> specs_created;  // names, in creation order
  std::map<std::string, launcher::ContainerSpec> last_spec;  // by name
  int count_calls(const std::string& prefix) const;

 private:
  launcher::ContainerInfo* find(const std::string& name_or_id);
  std::string next_ip();
  std::recursive_mutex mutex_;
  int next_id_ = 1;
  int next_ip_ = 2;
};

// Time that moves only when someone sleeps: readiness waits finish instantly in tests.
class FakeClock : public launcher::Clock {
 public:
  time_point now() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }
  void sleep_for(std::chrono::milliseconds d) override {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ += d;
    slept += d;
  }
  std::chrono::milliseconds slept{0};

 private:
  std::mutex mutex_;
  time_point now_{};
};

// Ports listen once their predicate says so.
class FakeDialer : public launcher::TcpDialer {
 public:
  // "ip:port" -> result; absent means Refused.
  std::function<launcher::DialResult(const std::string& ip, int port)> answer =
      [](const std::string&, int) { return launcher::DialResult::Connected; };
  int dials = 0;
  launcher::DialResult dial(const std::string& ip, int port, std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++dials;
    return answer(ip, port);
  }

 private:
  std::mutex mutex_;
};

// Records every line it would print.
class RecordingProgress : public launcher::Progress {
 public:
  void sidecar(const std::string& name, const std::string& state, bool) override {
    std::lock_guard<std::mutex> lock(mutex_);
    lines.push_back(name + ": " + state);
  }
  void waiting(const std::string& name, const std::string& what) override {
    std::lock_guard<std::mutex> lock(mutex_);
    lines.push_back(name + ": waiting for " + what);
  }
  void warn(const std::string& message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    warnings.push_back(message);
  }
  void finish() override {}
  std::vector<std::string> lines;
  std::vector<std::string> warnings;

 private:
  std::mutex mutex_;
};

}  // namespace run_anvil::fakes
