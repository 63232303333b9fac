#include "run_anvil/launcher/engine_api.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "run_anvil/launcher/engine_json.h"
#include "run_anvil/launcher/host_lock.h"

namespace run_anvil::launcher {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Every call is bounded so a wedged daemon surfaces as an error, not a hang (a signal abandons a
// call sooner, see make_curl_transport). The first contact is short: a daemon that cannot say
// its version in 5 s will not do better with the rest. Reads (list, inspect, logs) get 15 s.
// Changes (create, start, remove, networks) get 60 s, because a loaded host can take that long to
// set up a container's network and file system, and giving up early would leave it half-made.
constexpr milliseconds kVersionTimeout{5000};
constexpr milliseconds kReadTimeout{15000};
constexpr milliseconds kWriteTimeout{60000};
// Readiness probes and diagnostics need the end of the output, not megabytes of it.
constexpr std::size_t kExecOutputLimit = 4096;

// The oldest API that has everything we send (NanoCpus, health).
constexpr std::pair<int, int> kMinApi{1, 25};
// What is assumed until the daemon says otherwise: Debian 12's docker.io speaks exactly this, and
// Docker 20.10 to 28 accept it. Newer daemons whose minimum is higher (Docker 29: 1.44) name their
// bound in the error, and call() switches to it; the 1.44 changes (CheckDuplicate ignored, no
// short-ID alias) do not matter to us.
constexpr std::pair<int, int> kAssumedApi{1, 41};

std::pair<int, int> parse_api_version(const std::string& version) {
  const auto dot = version.find('.');
  if (dot == std::string::npos) return {0, 0};
  try {
    return {std::stoi(version.substr(0, dot)), std::stoi(version.substr(dot + 1))};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

std::string path_segment(const std::string& name) { return percent_encode(name); }

// fromImage/tag as the docker CLI sends them: a trailing ":tag" (a colon after the last '/', so
// never a registry's port) goes into `tag`; an untagged name gets `latest`, because an empty tag
// asks the daemon for every tag; a digest stays inside fromImage and needs no tag.
std::string pull_query(const std::string& reference) {
  std::string name = reference;
  std::string tag;
  if (reference.find('@') == std::string::npos) {
    const auto colon = reference.rfind(':');
    const auto slash = reference.rfind('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
      name = reference.substr(0, colon);
      tag = reference.substr(colon + 1);
    } else {
      tag = "latest";
    }
  }
  std::string query = "fromImage=" + percent_encode(name);
  if (!tag.empty()) query += "&tag=" + percent_encode(tag);
  return query;
}

// The first failure a pull's JSON-lines progress stream reports, in the daemon's own words.
std::optional<std::string> pull_stream_error(const std::string& body) {
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    const nlohmann::json line =
        nlohmann::json::parse(body.substr(start, end - start), nullptr, /*allow_exceptions=*/false);
    start = end + 1;
    if (!line.is_object()) continue;
    if (line.contains("error") && line["error"].is_string()) return line["error"].get<std::string>();
    if (line.contains("errorDetail") && line["errorDetail"].is_object() &&
        line["errorDetail"].contains("message") && line["errorDetail"]["message"].is_string()) {
      return line["errorDetail"]["message"].get<std::string>();
    }
  }
  return std::nullopt;
}

std::string keep_tail(std::string text, std::size_t limit) {
  if (text.size() > limit) text.erase(0, text.size() - limit);
  return text;
}

class EngineApi final : public DockerCLI {
 public:
  explicit EngineApi(std::unique_ptr<HttpTransport> transport) : transport_(std::move(transport)) {}

  std::string endpoint() const override { return transport_->endpoint(); }
  bool daemon_is_local() const override { return transport_->is_local(); }

  std::vector<ContainerInfo> list_containers(
      const std::map<std::string, std::string>& labels) override {
    std::string path = "/containers/json?all=1";
    if (!labels.empty()) path += "&filters=" + percent_encode(label_filters_json(labels));
    const json list = checked_json(call("GET", path));
    std::vector<ContainerInfo> out;
    if (list.is_array()) {
      for (const auto& item : list) out.push_back(container_from_summary_json(item));
    }
    return out;
  }

  std::optional<ContainerInfo> inspect_container(const std::string& name_or_id) override {
    const HttpResponse response = call("GET", "/containers/" + path_segment(name_or_id) + "/json");
    if (response.status == 404) return std::nullopt;
    return container_from_inspect_json(checked_json(response));
  }

  std::optional<std::string> image_id(const std::string& reference) override {
    if (reference.empty()) return std::nullopt;
    // '/', ':' and '@' are structure inside a reference; the daemon's route takes them literally.
    const HttpResponse response =
        call("GET", "/images/" + percent_encode(reference, "/:@") + "/json");
    if (response.status == 404) return std::nullopt;
    const json image = checked_json(response);
    if (!image.contains("Id") || !image["Id"].is_string()) return std::nullopt;
    return image["Id"].get<std::string>();
  }

  std::optional<ImageConfig> image_config(const std::string& reference) override {
    if (reference.empty()) return std::nullopt;
    const HttpResponse response =
        call("GET", "/images/" + percent_encode(reference, "/:@") + "/json");
    if (response.status == 404) return std::nullopt;
    return image_config_from_inspect_json(checked_json(response));
  }

  void pull_image(const std::string& reference, milliseconds timeout) override {
    // The daemon answers 200 as soon as the pull starts and streams progress; a failure later
    // on arrives as an "error" line in that stream, not as an HTTP status.
    const HttpResponse response =
        call("POST", "/images/create?" + pull_query(reference), "", timeout);
    check(response);
    if (auto error = pull_stream_error(response.body)) throw DockerError(500, *error);
  }

  std::string create_container(const ContainerSpec& spec) override {
    std::string path = "/containers/create";
    if (!spec.name.empty()) path += "?name=" + percent_encode(spec.name);
    const json created = checked_json(call("POST", path, container_create_json(spec).dump()));
    return required_id(created, "container create");
  }

  void start_container(const std::string& id) override {
    // 304 (already running) is below 400, so it passes as success.
    check(call("POST", "/containers/" + path_segment(id) + "/start"));
  }

  void remove_container(const std::string& id) override {
    const HttpResponse response =
        call("DELETE", "/containers/" + path_segment(id) + "?force=1&v=1");
    if (response.status != 404) check(response);
  }

  void stop_container(const std::string& id, std::chrono::seconds grace) override {
    // The daemon answers only once the container is down: allow the grace period on top.
    const HttpResponse response =
        call("POST", "/containers/" + path_segment(id) + "/stop?t=" + std::to_string(grace.count()),
             "", kWriteTimeout + grace);
    // 304: already stopped.
    if (response.status != 404) check(response);
  }

  std::vector<NetworkInfo> list_networks(
      const std::map<std::string, std::string>& labels) override {
    std::string path = "/networks";
    if (!labels.empty()) path += "?filters=" + percent_encode(label_filters_json(labels));
    const json list = checked_json(call("GET", path));
    std::vector<NetworkInfo> out;
    if (list.is_array()) {
      for (const auto& item : list) {
        NetworkInfo info = network_from_inspect_json(item);
        info.container_ids.clear();  // the list leaves Containers empty or partial
        out.push_back(std::move(info));
      }
    }
    return out;
  }

  std::optional<NetworkInfo> inspect_network(const std::string& name) override {
    const HttpResponse response = call("GET", "/networks/" + path_segment(name));
    if (response.status == 404) return std::nullopt;
    if (is_ambiguous(response)) return oldest_named(name);
    NetworkInfo info = network_from_inspect_json(checked_json(response));
    // The daemon falls back to matching id prefixes; accept that only when the caller passed an
    // id (prefix), never a different network answering for a name.
    if (info.name != name && !info.id.starts_with(name)) return std::nullopt;
    return info;
  }

  // The daemon's CheckDuplicate is not atomic: concurrent creates of one name all succeed (seen
  // on 20.10: 8 racing launchers, 8 networks). So creators on this host queue on a host lock,
  // and launchers the lock cannot reach (other hosts, containers) converge after the fact:
  // everyone keeps the oldest and removes younger ones, before anything attaches to them (the
  // daemon refuses to remove a network in use, so one in use is never lost).
  NetworkInfo ensure_network(const std::string& name,
                             const std::map<std::string, std::string>& labels) override {
    if (auto existing = settled_network(name)) return *existing;
    std::lock_guard lock(ensure_network_mutex_);
    const HostLock host_lock("network-create");
    if (auto existing = settled_network(name)) return *existing;
    const json body = {
        {"Name", name}, {"Driver", "bridge"}, {"CheckDuplicate", true}, {"Labels", labels}};
    const HttpResponse response = call("POST", "/networks/create", body.dump());
    if (response.status >= 400) {
      const std::string message = daemon_message(response);
      const bool lost_race =
          response.status == 409 || message.find("already exists") != std::string::npos;
      if (!lost_race) throw DockerError(response.status, message);
    }
    if (auto created = settled_network(name)) return *created;
    throw DockerError(404, "network " + name + " was created but the daemon cannot find it");
  }

  void remove_network(const std::string& name) override {
    const HttpResponse response = call("DELETE", "/networks/" + path_segment(name));
    if (response.status == 404) return;
    if (!is_ambiguous(response)) {
      check(response);
      return;
    }
    for (const NetworkInfo& duplicate : networks_named(name)) {
      const HttpResponse removed = call("DELETE", "/networks/" + path_segment(duplicate.id));
      if (removed.status != 404) check(removed);
    }
  }

  void connect_network(const std::string& network, const std::string& container,
                       const std::vector<std::string>& aliases) override {
    const json body = {{"Container", container}, {"EndpointConfig", {{"Aliases", aliases}}}};
    check(call("POST", "/networks/" + path_segment(network) + "/connect", body.dump()));
  }

  void disconnect_network(const std::string& network, const std::string& container) override {
    const json body = {{"Container", container}, {"Force", true}};
    const HttpResponse response =
        call("POST", "/networks/" + path_segment(network) + "/disconnect", body.dump());
    if (response.status == 404) return;
    if (response.status >= 400 &&
        daemon_message(response).find("is not connected") != std::string::npos) {
      return;
    }
    check(response);
  }

  void put_archive(const std::string& container, const std::string& path,
                   const std::string& tar) override {
    // The daemon reads the archive from the body whatever its Content-Type (the transport
    // labels every body JSON); the error it may answer is its own words, never the body.
    check(call("PUT", "/containers/" + path_segment(container) + "/archive?path=" +
                          percent_encode(path, "/"),
               tar));
  }

  void create_volume(const std::string& name,
                     const std::map<std::string, std::string>& labels) override {
    // The daemon returns the existing volume when one of that name (and driver) exists.
    const json body = {{"Name", name}, {"Driver", "local"}, {"Labels", labels}};
    check(call("POST", "/volumes/create", body.dump()));
  }

  void remove_volume(const std::string& name) override {
    const HttpResponse response = call("DELETE", "/volumes/" + path_segment(name));
    if (response.status != 404) check(response);
  }

  std::vector<VolumeInfo> list_volumes(const std::map<std::string, std::string>& labels) override {
    std::string path = "/volumes";
    if (!labels.empty()) path += "?filters=" + percent_encode(label_filters_json(labels));
    return volumes_from_list_json(checked_json(call("GET", path)));
  }

  ExecResult exec(const std::string& container, const std::vector<std::string>& argv,
                  milliseconds timeout) override {
    const json body = {{"Cmd", argv}, {"AttachStdout", true}, {"AttachStderr", true}};
    const std::string id = required_id(
        checked_json(call("POST", "/containers/" + path_segment(container) + "/exec", body.dump())),
        "exec create");
    const std::string exec_path = "/exec/" + path_segment(id);
    ExecResult result;
    try {
      // The response body is the process's output and ends when the process exits.
      const HttpResponse started =
          call("POST", exec_path + "/start", R"({"Detach":false,"Tty":false})", timeout);
      check(started);
      result.output = keep_tail(demultiplex_stream(started.body), kExecOutputLimit);
    } catch (const DaemonUnavailable&) {
      // The transport cannot tell "still running at the deadline" from "daemon gone"; asking
      // about the exec does: a gone daemon throws again here.
      result.exit_code = exit_code_of(exec_path, /*wait_for_exit=*/false);
      return result;
    }
    result.exit_code = exit_code_of(exec_path, /*wait_for_exit=*/true);
    return result;
  }

  std::string logs_tail(const std::string& container, int lines) override {
    if (lines <= 0) return "";
    const HttpResponse response =
        call("GET", "/containers/" + path_segment(container) +
                        "/logs?stdout=1&stderr=1&tail=" + std::to_string(lines));
    if (response.status == 404) return "";
    check(response);
    return demultiplex_stream(response.body);
  }

 private:
  // Negotiated once; a failed attempt (daemon down) is retried by the next call. A mutex rather
  // than std::call_once because the negotiation may throw.
  std::string version_prefix() {
    // Calls that queued behind a failing negotiation share its error instead of each waiting
    // out the timeout again (observe's concurrent lookups against a silent daemon).
    const int failures_seen = failed_negotiations_.load();
    std::lock_guard lock(version_mutex_);
    if (!prefix_.empty()) return prefix_;
    if (failed_negotiations_.load() != failures_seen) std::rethrow_exception(last_failure_);
    try {
      prefix_ = "/v" + negotiate_version();
    } catch (...) {
      last_failure_ = std::current_exception();
      ++failed_negotiations_;
      throw;
    }
    return prefix_;
  }

  // The first contact is GET /_ping (bounded by kVersionTimeout): it proves the daemon answers
  // and costs ~0.1 ms, where GET /version costs 4-13 ms on dockerd 20.10 (it runs `runc
  // --version` on every call). The version is then assumed (kAssumedApi, which every daemon from
  // Docker 20.10 to 28 accepts) and corrected by call() if the daemon names its own bounds.
  std::string negotiate_version() {
    const HttpResponse response = transport_->request("GET", "/_ping", "", kVersionTimeout);
    check(response);
    return api_text(kAssumedApi);
  }

  static std::string api_text(std::pair<int, int> v) {
    return std::to_string(v.first) + "." + std::to_string(v.second);
  }

  // "client version 1.41 is too new. Maximum supported API version is 1.40" or "... too old.
  // Minimum supported API version is 1.44": the version the daemon asks for, if usable.
  std::optional<std::string> version_the_daemon_wants(const HttpResponse& response) {
    if (response.status != 400) return std::nullopt;
    const std::string message = daemon_message(response);
    for (const char* marker : {"Maximum supported API version is ", "Minimum supported API version is "}) {
      auto at = message.find(marker);
      if (at == std::string::npos) continue;
      std::string wanted = message.substr(at + std::strlen(marker));
      wanted = wanted.substr(0, wanted.find_first_not_of("0123456789."));
      const std::pair<int, int> parsed = parse_api_version(wanted);
      if (parsed < kMinApi) {
        throw Error("the Docker daemon at " + endpoint() + " speaks Engine API " + wanted +
                    "; run-anvil needs " + api_text(kMinApi) + " or newer");
      }
      return api_text(parsed);
    }
    return std::nullopt;
  }

  // `timeout` 0: kReadTimeout for GET, kWriteTimeout for everything else.
  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "", milliseconds timeout = milliseconds(0)) {
    if (timeout == milliseconds(0)) timeout = method == "GET" ? kReadTimeout : kWriteTimeout;
    const std::string prefix = version_prefix();
    HttpResponse response = transport_->request(method, prefix + path, body, timeout);
    if (auto wanted = version_the_daemon_wants(response)) {
      {
        std::lock_guard lock(version_mutex_);
        prefix_ = "/v" + *wanted;
      }
      response = transport_->request(method, "/v" + *wanted + path, body, timeout);
    }
    return response;
  }

  static void check(const HttpResponse& response) {
    if (response.status >= 400) throw DockerError(response.status, daemon_message(response));
  }

  json checked_json(const HttpResponse& response) const {
    check(response);
    json parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      throw Error("the Docker daemon at " + endpoint() + " answered HTTP " +
                  std::to_string(response.status) + " with a body that is not JSON");
    }
    return parsed;
  }

  std::string required_id(const json& reply, const char* what) const {
    if (reply.contains("Id") && reply["Id"].is_string()) return reply["Id"].get<std::string>();
    throw Error("the Docker daemon at " + endpoint() + " answered " + what + " without an Id");
  }

  static bool is_ambiguous(const HttpResponse& response) {
    return response.status == 400 &&
           daemon_message(response).find("is ambiguous") != std::string::npos;
  }

  // Every network called exactly `name`, oldest first (ties by id), so every launcher that sees
  // duplicates picks the same one.
  std::vector<NetworkInfo> networks_named(const std::string& name) {
    const std::string filter = json{{"name", {name}}}.dump();
    const json list = checked_json(call("GET", "/networks?filters=" + percent_encode(filter)));
    std::vector<std::pair<std::string, NetworkInfo>> found;
    if (list.is_array()) {
      for (const auto& item : list) {
        NetworkInfo info = network_from_inspect_json(item);
        // The daemon's name filter is a regular-expression match, not equality.
        if (info.name != name) continue;
        const std::string created =
            item.contains("Created") && item["Created"].is_string() ? item["Created"] : "";
        found.emplace_back(sortable_timestamp(created) + " " + info.id, std::move(info));
      }
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<NetworkInfo> out;
    out.reserve(found.size());
    for (auto& entry : found) out.push_back(std::move(entry.second));
    return out;
  }

  // The oldest network called `name` (nullopt when none), inspected by id because the list
  // endpoint leaves Containers empty. With `remove_younger`, duplicates are removed (best
  // effort); the pick is retried when another launcher's cleanup removed it first.
  std::optional<NetworkInfo> oldest_named(const std::string& name, bool remove_younger = false) {
    constexpr int kAttempts = 5;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      const std::vector<NetworkInfo> same_name = networks_named(name);
      if (same_name.empty()) return std::nullopt;
      for (std::size_t i = 1; remove_younger && i < same_name.size(); ++i) {
        call("DELETE", "/networks/" + path_segment(same_name[i].id));
      }
      const HttpResponse response = call("GET", "/networks/" + path_segment(same_name.front().id));
      if (response.status != 404) return network_from_inspect_json(checked_json(response));
    }
    throw DockerError(404, "network " + name + " keeps disappearing while being looked up");
  }

  std::optional<NetworkInfo> settled_network(const std::string& name) {
    return oldest_named(name, /*remove_younger=*/true);
  }

  // -1 while the process runs. The output stream can close a moment before the daemon records
  // the exit code, so after a finished stream we look a few times before giving up.
  int exit_code_of(const std::string& exec_path, bool wait_for_exit) {
    constexpr int kAttempts = 20;
    for (int attempt = 0;; ++attempt) {
      const json state = checked_json(call("GET", exec_path + "/json"));
      const bool running = state.contains("Running") && state["Running"].is_boolean() &&
                           state["Running"].get<bool>();
      if (!running && state.contains("ExitCode") && state["ExitCode"].is_number_integer()) {
        return state["ExitCode"].get<int>();
      }
      if (!wait_for_exit || attempt + 1 >= kAttempts) return -1;
      std::this_thread::sleep_for(milliseconds(25));
    }
  }

  std::unique_ptr<HttpTransport> transport_;
  std::mutex version_mutex_;
  std::string prefix_;
  std::atomic<int> failed_negotiations_{0};
  std::exception_ptr last_failure_;  // guarded by version_mutex_
  std::mutex ensure_network_mutex_;
};

}  // namespace

std::unique_ptr<DockerCLI> make_engine_api(std::unique_ptr<HttpTransport> transport) {
  return std::make_unique<EngineApi>(std::move(transport));
}

}  // namespace run_anvil::launcher
