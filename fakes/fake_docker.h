#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/os/clock.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/launcher/os/tcp_dial.h"

// Stateful in-memory daemon, clock, dialer and progress for orchestration tests: behaves like
// the contracts in engine.h and records every mutating call so tests can assert what was (and
// was not) done.
namespace run_anvil::fakes {

class FakeDocker : public launcher::Engine {
 public:
  // --- state, public so tests can arrange and inspect it ---
  std::map<std::string, launcher::ContainerInfo> containers;   // by name
  std::map<std::string, launcher::NetworkInfo> networks;       // by name
  std::map<std::string, std::string> images;                   // ref -> id
  std::map<std::string, launcher::ImageConfig> image_configs;  // ref -> config (default: empty)
  // What pull_image can fetch: ref -> id. Pulling adds it to `images`; any other ref fails
  // like a registry that does not know it.
  std::map<std::string, std::string> pullable;
  std::map<std::string, std::map<std::string, std::string>> volumes;  // name -> labels
  // What attach_stdin wrote: container name -> payloads, in order.
  std::map<std::string, std::vector<std::string>> stdin_payloads;
  // Containers whose secrets wrapper waits for its input: set when a container created with
  // open_stdin starts (tests add one to play a restart), cleared by attach_stdin.
  std::set<std::string> awaiting_input;
  // Containers whose `top` fails as dockerd's does for a process that is just exiting
  // ("ttrpc: closed", HTTP 500).
  std::set<std::string> failing_tops;
  // Called after attach_stdin wrote (by name), e.g. to let the service exit at once.
  std::function<void(const std::string&)> on_attach;
  std::set<std::string> images_without_shell;       // stat_path finds no /bin/sh in these
  std::set<std::string> failing_starts;             // container names whose start fails
  std::map<std::string, std::string> logs;          // container name -> text
  std::map<std::string, int> exec_exit_codes;       // container name -> exit code
  std::map<std::string, std::string> exec_outputs;  // container name -> output
  // Timestamped lines ("<RFC 3339> <text>") by container name, for logs_since; the `since`
  // of each call is recorded in logs_since_calls.
  std::map<std::string, std::vector<std::string>> timestamped_logs;
  std::vector<std::string> logs_since_calls;
  // Called with each exec's timeout (e.g. to let a fake clock pass it: a command that overruns).
  std::function<void(std::chrono::milliseconds)> on_exec;
  std::vector<std::string> calls;  // "create pg", "remove <id>", ...
  bool local = true;
  bool podman = false;         // engine_is_podman()
  bool policy_updates = true;  // updates_restart_policy() (false: podman 4.3)
  bool importable = false;     // import_image succeeds (else DockerError 500)
  // Host paths the daemon does not have: a strict bind of one fails the create, as dockerd's
  // HostConfig.Mounts Type=bind does.
  std::set<std::string> absent_host_paths;
  // Called after a container starts (by name), e.g. to make a port listen later.
  std::function<void(const std::string&)> on_start;
  // Called on every inspect of an existing container before it is returned.
  std::function<void(launcher::ContainerInfo&)> on_inspect;

  std::string endpoint() const override { return "unix:///fake/docker.sock"; }
  bool daemon_is_local() const override { return local; }
  bool engine_is_podman() override { return podman; }
  bool updates_restart_policy() override { return policy_updates; }
  std::vector<launcher::ContainerInfo> list_containers(
      const std::map<std::string, std::string>& labels) override;
  std::optional<launcher::ContainerInfo> inspect_container(const std::string& name_or_id) override;
  std::optional<std::string> image_id(const std::string& reference) override;
  std::optional<launcher::ImageConfig> image_config(const std::string& reference) override;
  void pull_image(const std::string& reference, std::chrono::milliseconds timeout) override;
  void import_image(const std::string& reference, const std::string& tar) override;
  std::string create_container(const launcher::ContainerSpec& spec) override;
  void start_container(const std::string& id) override;
  void remove_container(const std::string& id) override;
  void remove_container_keeping_volumes(const std::string& id) override;
  void stop_container(const std::string& id, std::optional<std::chrono::seconds> grace) override;
  void update_restart_policy(const std::string& id, const std::string& policy) override;
  // Restart policy by container id, as update_restart_policy left it.
  std::map<std::string, std::string> restart_policies;
  // Called on start_container (by name) before it succeeds; may throw to fail the start.
  std::function<void(const std::string&)> before_start;
  std::vector<launcher::NetworkInfo> list_networks(
      const std::map<std::string, std::string>& labels) override;
  std::optional<launcher::NetworkInfo> inspect_network(const std::string& name) override;
  launcher::NetworkInfo ensure_network(const std::string& name,
                                       const std::map<std::string, std::string>& labels,
                                       bool internal = false) override;
  void remove_network(const std::string& name) override;
  void connect_network(const std::string& network, const std::string& container,
                       const std::vector<std::string>& aliases) override;
  void disconnect_network(const std::string& network, const std::string& container) override;
  void attach_stdin(const std::string& container, const std::string& payload) override;
  std::optional<launcher::PathStat> stat_path(const std::string& container,
                                              const std::string& path) override;
  std::vector<std::string> process_commands(const std::string& container) override;
  void create_volume(const std::string& name,
                     const std::map<std::string, std::string>& labels) override;
  void remove_volume(const std::string& name) override;
  std::vector<launcher::VolumeInfo> list_volumes(
      const std::map<std::string, std::string>& labels) override;
  launcher::ExecResult exec(const std::string& container, const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) override;
  std::string logs_tail(const std::string& container, int lines) override;
  std::string logs_since(const std::string& container, const std::string& since) override;

  // Test helpers.
  launcher::ContainerInfo& add_container(const std::string& name, bool running,
                                         std::map<std::string, std::string> labels);
  std::vector<std::string> specs_created;                    // names, in creation order
  std::map<std::string, launcher::ContainerSpec> last_spec;  // by name
  int count_calls(const std::string& prefix) const;

 private:
  launcher::ContainerInfo* find(const std::string& name_or_id);
  std::string next_ip();
  std::recursive_mutex mutex_;
  int next_id_ = 1;
  int next_ip_ = 2;
  int starts_ = 0;  // every start gets its own State.StartedAt
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
  // HTTP readiness: the status a GET of `path` gets once `answer` says Connected.
  std::function<int(const std::string& path)> http_status = [](const std::string&) { return 200; };
  std::vector<std::string> http_requests;  // "ip:port/path"
  launcher::HttpAnswer http_get(const std::string& ip, int port, const std::string&,
                                const std::string& path, std::chrono::milliseconds t) override {
    launcher::DialResult r = dial(ip, port, t);
    std::lock_guard<std::mutex> lock(mutex_);
    http_requests.push_back(ip + ":" + std::to_string(port) + path);
    if (r != launcher::DialResult::Connected) return {r, 0, ""};
    return {r, http_status(path), ""};
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
