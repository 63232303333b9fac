#include "run_anvil/launcher/docker/engine_api.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "run_anvil/launcher/docker/engine_dialect.h"
#include "run_anvil/launcher/docker/engine_json.h"
#include "run_anvil/launcher/docker/podman_health.h"
#include "run_anvil/launcher/os/host_lock.h"

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
// The longest stop_timeout a definition may set (24 h is the duration parser's bound; stops
// without an explicit grace use the container's own).
constexpr std::chrono::seconds kLongestStopTimeout{24 * 3600};
// Readiness probes and diagnostics need the end of the output, not megabytes of it.
constexpr std::size_t kExecOutputLimit = 4096;
// Twenty log lines are what a message shows; a sidecar's line may be megabytes long.
constexpr std::size_t kLogsTailLimit = 16384;
// The kill of an overrunning exec attempt.
constexpr milliseconds kKillTimeout{5000};

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
    if (line.contains("error") && line["error"].is_string())
      return line["error"].get<std::string>();
    if (line.contains("errorDetail") && line["errorDetail"].is_object() &&
        line["errorDetail"].contains("message") && line["errorDetail"]["message"].is_string()) {
      return line["errorDetail"]["message"].get<std::string>();
    }
  }
  return std::nullopt;
}

class EngineApi final : public Engine {
 public:
  explicit EngineApi(std::unique_ptr<HttpTransport> transport) : transport_(std::move(transport)) {}

  std::string endpoint() const override { return transport_->endpoint(); }
  bool daemon_is_local() const override { return transport_->is_local(); }
  bool engine_is_podman() override { return dialect().podman; }

  std::vector<ContainerInfo> list_containers(
      const std::map<std::string, std::string>& labels) override {
    std::string path = "/containers/json?all=1";
    if (!labels.empty()) path += "&filters=" + percent_encode(label_filters_json(labels));
    const json list = checked_json(call("GET", path));
    const EngineDialect engine = dialect();
    std::vector<ContainerInfo> out;
    if (list.is_array()) {
      for (const auto& item : list) {
        out.push_back(container_from_summary_json(item));
        normalize_networks(engine, out.back());
      }
    }
    return out;
  }

  std::optional<ContainerInfo> inspect_container(const std::string& name_or_id) override {
    const HttpResponse response = call("GET", "/containers/" + path_segment(name_or_id) + "/json");
    if (response.status == 404) return std::nullopt;
    const json inspect = checked_json(response);
    ContainerInfo info = container_from_inspect_json(inspect);
    const EngineDialect engine = dialect();
    normalize_networks(engine, info);
    if (engine.podman) podman_health_.refresh(engine.libpod_api, inspect, info);
    return info;
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

  void import_image(const std::string& reference, const std::string& tar) override {
    std::string repo = reference;
    std::string tag = "latest";
    const auto colon = reference.rfind(':');
    if (colon != std::string::npos && reference.find('/', colon) == std::string::npos) {
      repo = reference.substr(0, colon);
      tag = reference.substr(colon + 1);
    }
    // Like a pull, the answer is a progress stream whose failures arrive inside an HTTP 200.
    const HttpResponse response = call(
        "POST",
        "/images/create?fromSrc=-&repo=" + percent_encode(repo) + "&tag=" + percent_encode(tag),
        tar);
    check(response);
    if (auto error = pull_stream_error(response.body)) throw DockerError(500, *error);
    // podman imports without applying repo/tag: tag the new image by the id it reports
    // ({"status": "sha256:..."}; podman adds "id"). Harmless on dockerd, which tagged it already.
    if (auto id = imported_id(response.body)) {
      check(call("POST", "/images/" + percent_encode(*id, ":") +
                             "/tag?repo=" + percent_encode(repo) + "&tag=" + percent_encode(tag)));
    }
  }

  // The image id an import's progress stream names, if any.
  static std::optional<std::string> imported_id(const std::string& body) {
    std::optional<std::string> found;
    std::size_t start = 0;
    while (start < body.size()) {
      auto end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      const json line = json::parse(body.substr(start, end - start), nullptr, false);
      start = end + 1;
      if (!line.is_object()) continue;
      for (const char* key : {"id", "status"}) {
        if (line.contains(key) && line[key].is_string() &&
            line[key].get<std::string>().starts_with("sha256:")) {
          found = line[key].get<std::string>();
        }
      }
    }
    return found;
  }

  std::string create_container(const ContainerSpec& requested) override {
    const EngineDialect engine = dialect();
    ContainerSpec spec = requested;
    spec.restart_policy = restart_policy_for(engine, spec.restart_policy);
    spec.stop_timeout = stop_timeout_for(engine, spec.stop_timeout);
    const bool at_once = creates_with_several_networks(engine);
    std::string path = "/containers/create";
    if (!spec.name.empty()) path += "?name=" + percent_encode(spec.name);
    const HttpResponse response = call("POST", path, container_create_json(spec, at_once).dump());
    if (response.status >= 400) {
      const std::string message = daemon_message(response);
      throw DockerError(create_status(response.status, message), message);
    }
    const std::string id = required_id(checked_json(response), "container create");
    if (!at_once) join_more_networks(id, spec);
    return id;
  }

  void start_container(const std::string& id) override {
    // 304 (already running) is below 400, so it passes as success.
    check(call("POST", "/containers/" + path_segment(id) + "/start"));
  }

  void remove_container(const std::string& id) override {
    const HttpResponse response = force_remove(id, /*with_volumes=*/true);
    if (response.status != 404) check(response);
  }

  void remove_container_keeping_volumes(const std::string& id) override {
    const HttpResponse response = force_remove(id, /*with_volumes=*/false);
    if (response.status != 404) check(response);
  }

  // Docker's forced removal kills a running container. podman's compat one stops it first with
  // its StopTimeout (measured on 4.3.1: 10 s for a PID 1 that ignores SIGTERM, such as a probe
  // container, and `timeout=0` is ignored there), so on podman libpod's own removal is used,
  // which takes timeout=0. Graceful stops that protect data are explicit stop_container calls.
  HttpResponse force_remove(const std::string& id, bool with_volumes) {
    const EngineDialect engine = dialect();
    if (!engine.podman || engine.libpod_api.empty()) {
      return call("DELETE",
                  "/containers/" + path_segment(id) + (with_volumes ? "?force=1&v=1" : "?force=1"));
    }
    HttpResponse response =
        transport_->request("DELETE",
                            "/v" + engine.libpod_api + "/libpod/containers/" + path_segment(id) +
                                "?force=true&timeout=0" + (with_volumes ? "&volumes=true" : ""),
                            "", kWriteTimeout);
    if (response.status == 500) {
      response.status = response_status(engine, response.status, daemon_message(response));
    }
    return response;
  }

  void stop_container(const std::string& id, std::optional<std::chrono::seconds> grace) override {
    // Without `t` the daemon waits the container's own StopTimeout (the definition's
    // stop_timeout, SPEC §12). It answers only once the container is down, so the call may take
    // the whole grace period on top of the usual bound.
    std::string path = "/containers/" + path_segment(id) + "/stop";
    if (grace) path += "?t=" + std::to_string(grace->count());
    const HttpResponse response =
        call("POST", path, "", kWriteTimeout + (grace ? *grace : kLongestStopTimeout));
    // 304: already stopped.
    if (response.status != 404) check(response);
  }

  bool updates_restart_policy() override { return launcher::updates_restart_policy(dialect()); }

  void update_restart_policy(const std::string& id, const std::string& policy) override {
    const json body = {{"RestartPolicy", {{"Name", policy}}}};
    check(call("POST", "/containers/" + path_segment(id) + "/update", body.dump()));
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

  bool network_resolves_names(const NetworkInfo& network) override {
    const EngineDialect engine = dialect();
    if (!engine.podman) return true;
    return podman_dns_enabled(engine, network.id).value_or(true);
  }

  // The daemon's CheckDuplicate is not atomic: concurrent creates of one name all succeed (seen
  // on 20.10: 8 racing launchers, 8 networks). So creators on this host queue on a host lock,
  // and launchers the lock cannot reach (other hosts, containers) converge after the fact:
  // everyone keeps the oldest and removes younger ones, before anything attaches to them (the
  // daemon refuses to remove a network in use, so one in use is never lost).
  NetworkInfo ensure_network(const std::string& name,
                             const std::map<std::string, std::string>& labels,
                             bool internal = false) override {
    if (auto existing = settled_network(name)) return *existing;
    std::lock_guard lock(ensure_network_mutex_);
    const HostLock host_lock("network-create");
    if (auto existing = settled_network(name)) return *existing;
    const json body = {{"Name", name},
                       {"Driver", "bridge"},
                       {"CheckDuplicate", true},
                       {"Labels", labels},
                       {"Internal", internal}};
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

  void attach_stdin(const std::string& container, const std::string& payload) override {
    const std::string path =
        version_prefix() + "/containers/" + path_segment(container) + "/attach?stream=1&stdin=1";
    const HttpResponse response = transport_->hijack(path, "", payload, kWriteTimeout);
    // The error the daemon may answer is its own words, never the payload.
    check(response);
  }

  std::optional<PathStat> stat_path(const std::string& container,
                                    const std::string& path) override {
    const HttpResponse response = call("HEAD", "/containers/" + path_segment(container) +
                                                   "/archive?path=" + percent_encode(path, "/"));
    if (response.status == 404) return std::nullopt;
    check(response);
    auto header = response.headers.find("x-docker-container-path-stat");
    if (header == response.headers.end()) return std::nullopt;
    return path_stat_from_header(header->second);
  }

  std::vector<std::string> process_commands(const std::string& container) override {
    const HttpResponse response = call("GET", "/containers/" + path_segment(container) + "/top");
    // 404: gone; 409: not running; podman 4.3 answers 200 with no body once the process ended.
    if (response.status == 404 || response.status == 409) return {};
    if (response.status == 200 && response.body.empty()) return {};
    return commands_from_top_json(checked_json(response));
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

  // Wrapped in `sh -c 'echo $$; exec "$@"'` so the process first reports its PID inside the
  // container (an exec'd process leads its own process group there): an attempt that overruns
  // is then killed there, group and all, by a second exec. Images without /bin/sh run the argv
  // as it is, and an overrun is killed by its host PID when the daemon is local.
  ExecResult exec(const std::string& container, const std::vector<std::string>& argv,
                  milliseconds timeout) override {
    if (!lacks_shell(container)) {
      std::vector<std::string> wrapped = {"/bin/sh", "-c", "echo $$; exec \"$@\"",
                                          "run-anvil-exec"};
      wrapped.insert(wrapped.end(), argv.begin(), argv.end());
      Attempt attempt = run_exec(container, wrapped, timeout, /*pid_first=*/true);
      if (!attempt.shell_missing) return finish(container, attempt);
      std::lock_guard lock(no_shell_mutex_);
      no_shell_.insert(container);
    }
    return finish(container, run_exec(container, argv, timeout, /*pid_first=*/false));
  }

  std::string logs_tail(const std::string& container, int lines) override {
    if (lines <= 0) return "";
    // A sidecar chooses how long its lines are: only the end of the tail is kept, as it arrives.
    StreamDemux demux(kLogsTailLimit);
    const HttpResponse response = transport_->request_streaming(
        "GET",
        version_prefix() + "/containers/" + path_segment(container) +
            "/logs?stdout=1&stderr=1&tail=" + std::to_string(lines),
        "", kReadTimeout, [&](std::string_view piece) { demux.feed(piece); });
    if (response.status == 404) return "";
    check(response);
    return demux.tail();
  }

  std::string logs_since(const std::string& container, const std::string& since) override {
    const HttpResponse response =
        call("GET", "/containers/" + path_segment(container) +
                        "/logs?stdout=1&stderr=1&timestamps=1&since=" + percent_encode(since));
    if (response.status == 404) return "";
    check(response);
    return demultiplex_stream(response.body);
  }

  std::string logs(const std::string& container, const LogsRequest& request) override {
    std::string query = "stdout=1&stderr=1&tail=" +
                        (request.tail < 0 ? std::string("all") : std::to_string(request.tail));
    if (request.timestamps) query += "&timestamps=1";
    if (!request.since.empty()) query += "&since=" + percent_encode(request.since);
    const HttpResponse response =
        call("GET", "/containers/" + path_segment(container) + "/logs?" + query);
    if (response.status == 404) return "";
    check(response);
    return demultiplex_stream(response.body);
  }

  std::vector<std::string> local_tags(const std::string& repository) override {
    const json filters = {{"reference", {repository}}};
    const json images =
        checked_json(call("GET", "/images/json?filters=" + percent_encode(filters.dump())));
    std::vector<std::string> out;
    if (!images.is_array()) return out;
    for (const auto& image : images) {
      auto tags = image.find("RepoTags");
      if (tags == image.end() || !tags->is_array()) continue;
      for (const auto& tag : *tags) {
        if (!tag.is_string() || tag.get<std::string>() == "<none>:<none>") continue;
        // podman names every image in full ("docker.io/library/redis:7"); shown as docker
        // shows it, so the tag can be pasted into `image` as it is.
        std::string name = tag.get<std::string>();
        for (const std::string prefix : {"docker.io/library/", "docker.io/"}) {
          if (name.rfind(prefix, 0) == 0 && repository.rfind(prefix, 0) != 0) {
            name.erase(0, prefix.size());
            break;
          }
        }
        out.push_back(name);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
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

  // The first contact is GET /_ping (bounded by kVersionTimeout): it proves the daemon answers,
  // costs ~0.1 ms (GET /version costs 4-13 ms on dockerd 20.10: it runs `runc --version` on
  // every call), and its headers say which API the daemon speaks (API-Version) and whether it
  // is podman (Libpod-Api-Version). See engine_dialect.h for what follows from them.
  std::string negotiate_version() {
    const HttpResponse response = transport_->request("GET", "/_ping", "", kVersionTimeout);
    check(response);
    const EngineDialect dialect = dialect_from_ping(response.headers, endpoint());
    {
      std::lock_guard lock(dialect_mutex_);
      dialect_ = dialect;
    }
    return api_text(dialect.api);
  }

  EngineDialect dialect() {
    version_prefix();
    std::lock_guard lock(dialect_mutex_);
    return dialect_;
  }

  // podman serialises API calls behind its own locks: with 32 launchers at once a plain network
  // inspect was seen waiting over 15 s on a loaded host. Its reads get the writes' patience.
  milliseconds read_timeout() {
    std::lock_guard lock(dialect_mutex_);
    return dialect_.podman ? kWriteTimeout : kReadTimeout;
  }

  // A 400 naming the daemon's bounds (Docker 29.0-29.2 refuse clients below 1.44 even when the
  // ping did not say so): the version to retry with.
  std::optional<std::string> version_the_daemon_wants(const HttpResponse& response) {
    if (response.status != 400) return std::nullopt;
    const auto wanted = version_named_in_refusal(daemon_message(response), endpoint());
    if (!wanted) return std::nullopt;
    std::lock_guard lock(dialect_mutex_);
    dialect_.api = *wanted;
    return api_text(*wanted);
  }

  // `timeout` 0: kReadTimeout for GET, kWriteTimeout for everything else.
  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "", milliseconds timeout = milliseconds(0)) {
    const std::string prefix = version_prefix();
    if (timeout == milliseconds(0)) timeout = method == "GET" ? read_timeout() : kWriteTimeout;
    HttpResponse response = transport_->request(method, prefix + path, body, timeout);
    if (auto wanted = version_the_daemon_wants(response)) {
      {
        std::lock_guard lock(version_mutex_);
        prefix_ = "/v" + *wanted;
      }
      response = transport_->request(method, "/v" + *wanted + path, body, timeout);
    }
    if (response.status == 500) {
      response.status = response_status(dialect(), response.status, daemon_message(response));
    }
    return response;
  }

  // Below API 1.44 a container joins one network at create; the others are connected before it
  // starts, so it is never running without them. A failure removes the half-made container.
  void join_more_networks(const std::string& id, const ContainerSpec& spec) {
    try {
      for (const auto& [network, aliases] : spec.more_networks) {
        connect_network(network, id, aliases);
      }
    } catch (...) {
      remove_container(id);
      throw;
    }
  }

  // The compat API's network inspect has no DNS field; libpod's has dns_enabled. nullopt when
  // podman does not say.
  std::optional<bool> podman_dns_enabled(const EngineDialect& engine, const std::string& id) {
    const HttpResponse response = transport_->request(
        "GET", "/v" + engine.libpod_api + "/libpod/networks/" + path_segment(id) + "/json", "",
        kReadTimeout);
    if (response.status >= 400) return std::nullopt;
    const json network = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (!network.is_object() || !network.contains("dns_enabled") ||
        !network["dns_enabled"].is_boolean()) {
      return std::nullopt;
    }
    return network["dns_enabled"].get<bool>();
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

  struct Attempt {
    ExecResult result;
    bool overran = false;
    bool shell_missing = false;  // /bin/sh is not in the image
    std::string pid;             // inside the container, as the wrapper reported it
    std::string exec_path;
  };

  Attempt run_exec(const std::string& container, const std::vector<std::string>& argv,
                   milliseconds timeout, bool pid_first) {
    const json body = {{"Cmd", argv}, {"AttachStdout", true}, {"AttachStderr", true}};
    Attempt attempt;
    attempt.exec_path =
        "/exec/" + path_segment(required_id(
                       checked_json(call("POST", "/containers/" + path_segment(container) + "/exec",
                                         body.dump())),
                       "exec create"));
    StreamDemux demux(kExecOutputLimit, pid_first);
    try {
      // The response body is the process's output and ends when the process exits; only its
      // tail is kept, whatever it prints.
      const HttpResponse started =
          transport_->request_streaming("POST", version_prefix() + attempt.exec_path + "/start",
                                        R"({"Detach":false,"Tty":false})", timeout,
                                        [&](std::string_view piece) { demux.feed(piece); });
      check(started);
    } catch (const DaemonUnavailable&) {
      // The transport cannot tell "still running at the deadline" from "daemon gone"; asking
      // about the exec does: a gone daemon throws again here.
      attempt.overran = true;
    }
    attempt.pid = demux.first_line();
    attempt.result.output = demux.tail();
    attempt.result.exit_code = exit_code_of(attempt.exec_path, /*wait_for_exit=*/!attempt.overran);
    // The runtime's "exec: \"/bin/sh\": stat /bin/sh: no such file" arrives on stdout, so it
    // may be taken for the PID line: anything but digits there is not the wrapper speaking.
    const bool reported_pid = demux.first_line_complete() && !attempt.pid.empty() &&
                              attempt.pid.find_first_not_of("0123456789") == std::string::npos;
    const bool cannot_run = attempt.result.exit_code == 126 || attempt.result.exit_code == 127;
    attempt.shell_missing =
        pid_first && !reported_pid && cannot_run &&
        (attempt.pid + attempt.result.output).find("/bin/sh") != std::string::npos;
    if (pid_first && !reported_pid && !attempt.pid.empty()) {
      attempt.result.output = attempt.pid + "\n" + attempt.result.output;
    }
    if (!reported_pid) attempt.pid.clear();
    return attempt;
  }

  bool lacks_shell(const std::string& container) {
    std::lock_guard lock(no_shell_mutex_);
    return no_shell_.count(container) != 0;
  }

  ExecResult finish(const std::string& container, const Attempt& attempt) {
    if (attempt.overran && attempt.result.exit_code == -1) kill_overrun(container, attempt);
    return attempt.result;
  }

  // Best effort: the attempt's result stands whether or not the kill works.
  void kill_overrun(const std::string& container, const Attempt& attempt) {
    const bool numeric =
        !attempt.pid.empty() && attempt.pid.find_first_not_of("0123456789") == std::string::npos;
    try {
      if (numeric) {
        const std::string& pid = attempt.pid;
        run_exec(
            container,
            {"/bin/sh", "-c", "kill -s KILL -- -" + pid + " 2>/dev/null || kill -s KILL " + pid},
            kKillTimeout, /*pid_first=*/false);
        return;
      }
      if (!transport_->is_local()) return;
      const json state = checked_json(call("GET", attempt.exec_path + "/json"));
      if (state.contains("Pid") && state["Pid"].is_number_integer() &&
          state["Pid"].get<int>() > 1) {
        ::kill(state["Pid"].get<int>(), SIGKILL);
      }
    } catch (const Error&) {
      // A daemon that cannot run the kill cannot report the attempt either; the caller goes on.
    }
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
  std::mutex dialect_mutex_;
  EngineDialect dialect_;  // guarded by dialect_mutex_; set by the negotiation
  PodmanHealth podman_health_{*transport_};
  std::mutex no_shell_mutex_;
  std::set<std::string> no_shell_;  // containers whose image has no /bin/sh for the exec wrapper
};

}  // namespace

std::unique_ptr<Engine> make_engine_api(std::unique_ptr<HttpTransport> transport) {
  return std::make_unique<EngineApi>(std::move(transport));
}

}  // namespace run_anvil::launcher
