#include "run_anvil/launcher/docker/engine_json.h"

#include <algorithm>
#include <cstdint>

namespace run_anvil::launcher {
namespace {

using nlohmann::json;

// The daemon's zero time.Time, meaning "never".
constexpr std::string_view kNeverStarted = "0001-01-01T00:00:00Z";

const json& field(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string text(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }

std::vector<std::string> strings(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& item : value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> string_map(const json& value) {
  std::map<std::string, std::string> out;
  if (!value.is_object()) return out;
  for (const auto& [key, item] : value.items()) out[key] = text(item);
  return out;
}

std::map<std::string, NetworkAttachment> networks(const json& settings) {
  std::map<std::string, NetworkAttachment> out;
  const json& by_name = field(settings, "Networks");
  if (!by_name.is_object()) return out;
  for (const auto& [name, endpoint] : by_name.items()) {
    NetworkAttachment& attachment = out[name];
    attachment.network_id = text(field(endpoint, "NetworkID"));
    attachment.ip = text(field(endpoint, "IPAddress"));
    attachment.aliases = strings(field(endpoint, "Aliases"));
  }
  return out;
}

std::vector<MountInfo> mounts(const json& list) {
  std::vector<MountInfo> out;
  if (!list.is_array()) return out;
  for (const auto& m : list) {
    const json& rw = field(m, "RW");
    out.push_back({text(field(m, "Type")), text(field(m, "Name")), text(field(m, "Source")),
                   text(field(m, "Destination")), !rw.is_boolean() || rw.get<bool>()});
  }
  return out;
}

std::string published_text(std::string ip, const std::string& host_port,
                           const std::string& container_port_and_proto) {
  if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
  return ip + ":" + host_port + "->" + container_port_and_proto;
}

// A list entry's Ports: [{"IP": "127.0.0.1", "PrivatePort": 5432, "PublicPort": 49153,
// "Type": "tcp"}, {"PrivatePort": 80, "Type": "tcp"}] (the second only exposed).
std::vector<std::string> published_from_summary(const json& ports) {
  std::vector<std::string> out;
  if (!ports.is_array()) return out;
  for (const auto& p : ports) {
    const json& host = field(p, "PublicPort");
    const json& container = field(p, "PrivatePort");
    if (!host.is_number_integer() || !container.is_number_integer()) continue;
    out.push_back(
        published_text(text(field(p, "IP")), std::to_string(host.get<int>()),
                       std::to_string(container.get<int>()) + "/" + text(field(p, "Type"))));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Inspect's NetworkSettings.Ports: {"5432/tcp": [{"HostIp": "127.0.0.1", "HostPort": "49153"}],
// "80/tcp": null}.
std::vector<std::string> published_from_inspect(const json& ports) {
  std::vector<std::string> out;
  if (!ports.is_object()) return out;
  for (const auto& [port, bindings] : ports.items()) {
    if (!bindings.is_array()) continue;
    for (const auto& b : bindings) {
      std::string host_port = text(field(b, "HostPort"));
      if (!host_port.empty())
        out.push_back(published_text(text(field(b, "HostIp")), host_port, port));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string without_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

// A healthcheck exists when the (image-merged) config declares one that is not disabled, or the
// daemon is already tracking health.
// Podman reports {"Status": ""} for a container without one, so only a status counts.
bool declares_healthcheck(const json& inspect) {
  if (!text(field(field(field(inspect, "State"), "Health"), "Status")).empty()) return true;
  const std::vector<std::string> test =
      strings(field(field(field(inspect, "Config"), "Healthcheck"), "Test"));
  return !test.empty() && test.front() != "NONE";
}

}  // namespace

ContainerInfo container_from_summary_json(const json& summary) {
  ContainerInfo info;
  info.id = text(field(summary, "Id"));
  const std::vector<std::string> names = strings(field(summary, "Names"));
  if (!names.empty()) info.name = without_slash(names.front());
  info.state = text(field(summary, "State"));
  info.running = info.state == "running";
  info.image = text(field(summary, "Image"));
  info.image_id = text(field(summary, "ImageID"));
  info.labels = string_map(field(summary, "Labels"));
  info.networks = networks(field(summary, "NetworkSettings"));
  // API 1.52 lists carry {"Health": {"Status": "healthy", "FailingStreak": 0}}; older ones
  // only say "(healthy)" in the Status text, which is not parsed.
  info.health = text(field(field(summary, "Health"), "Status"));
  if (info.health == "none") info.health.clear();
  info.has_healthcheck = !info.health.empty();
  info.mounts = mounts(field(summary, "Mounts"));
  info.published = published_from_summary(field(summary, "Ports"));
  return info;
}

ContainerInfo container_from_inspect_json(const json& inspect) {
  const json& state = field(inspect, "State");
  const json& config = field(inspect, "Config");
  ContainerInfo info;
  info.id = text(field(inspect, "Id"));
  info.name = without_slash(text(field(inspect, "Name")));
  info.state = text(field(state, "Status"));
  info.running = field(state, "Running").is_boolean() && field(state, "Running").get<bool>();
  info.has_healthcheck = declares_healthcheck(inspect);
  if (info.has_healthcheck) info.health = text(field(field(state, "Health"), "Status"));
  info.image = text(field(config, "Image"));
  info.image_id = text(field(inspect, "Image"));
  info.labels = string_map(field(config, "Labels"));
  info.networks = networks(field(inspect, "NetworkSettings"));
  info.started_at = text(field(state, "StartedAt"));
  if (info.started_at == kNeverStarted) info.started_at.clear();
  info.finished_at = text(field(state, "FinishedAt"));
  if (info.finished_at == kNeverStarted) info.finished_at.clear();
  if (const json& code = field(state, "ExitCode"); code.is_number_integer()) {
    info.exit_code = code.get<int>();
  }
  if (const json& restarts = field(inspect, "RestartCount"); restarts.is_number_integer()) {
    info.restart_count = restarts.get<int>();
  }
  info.restart_policy = text(field(field(field(inspect, "HostConfig"), "RestartPolicy"), "Name"));
  for (const std::string& entry : strings(field(config, "Env"))) {
    info.env_keys.push_back(entry.substr(0, entry.find('=')));
  }
  info.mounts = mounts(field(inspect, "Mounts"));
  info.published = published_from_inspect(field(field(inspect, "NetworkSettings"), "Ports"));
  return info;
}

NetworkInfo network_from_inspect_json(const json& inspect) {
  NetworkInfo info;
  info.id = text(field(inspect, "Id"));
  info.name = text(field(inspect, "Name"));
  info.driver = text(field(inspect, "Driver"));
  info.labels = string_map(field(inspect, "Labels"));
  info.internal = field(inspect, "Internal").is_boolean() && field(inspect, "Internal").get<bool>();
  const json& ipam_config = field(field(inspect, "IPAM"), "Config");
  if (ipam_config.is_array()) {
    for (const auto& c : ipam_config) {
      std::string gateway = text(field(c, "Gateway"));
      if (!gateway.empty() && gateway.find(':') == std::string::npos) {
        info.gateway = gateway;
        break;
      }
    }
  }
  const json& containers = field(inspect, "Containers");
  if (containers.is_object()) {
    for (const auto& [id, unused] : containers.items()) info.container_ids.push_back(id);
  }
  return info;
}

ImageConfig image_config_from_inspect_json(const json& inspect) {
  const json& config = field(inspect, "Config");
  ImageConfig out;
  out.entrypoint = strings(field(config, "Entrypoint"));
  out.cmd = strings(field(config, "Cmd"));
  out.user = text(field(config, "User"));
  out.id = text(field(inspect, "Id"));
  // {"/path": {}} (a set); keys come out sorted.
  if (const json& volumes = field(config, "Volumes"); volumes.is_object()) {
    for (const auto& [path, unused] : volumes.items()) out.volumes.push_back(path);
  }
  return out;
}

std::optional<PathStat> path_stat_from_header(std::string_view base64) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string decoded;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : base64) {
    if (c == '=') break;
    const auto at = kAlphabet.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(at);
    count += 6;
    if (count >= 8) {
      count -= 8;
      decoded += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  const json stat = json::parse(decoded, nullptr, /*allow_exceptions=*/false);
  if (!stat.is_object() || !field(stat, "mode").is_number_unsigned()) return std::nullopt;
  // Go's os.FileMode keeps the type in the high bits.
  constexpr std::uint32_t kDir = 1U << 31;
  constexpr std::uint32_t kSymlink = 1U << 27;
  // Directory, symlink, device, named pipe, socket, char device, irregular (not the setuid,
  // setgid and sticky bits, which a regular file may have).
  constexpr std::uint32_t kTypeBits =
      kDir | kSymlink | (1U << 26) | (1U << 25) | (1U << 24) | (1U << 21) | (1U << 19);
  const auto mode = field(stat, "mode").get<std::uint32_t>();
  PathStat out;
  out.directory = (mode & kDir) != 0;
  out.regular = (mode & kTypeBits) == 0;
  if ((mode & kSymlink) != 0) out.link_target = text(field(stat, "linkTarget"));
  return out;
}

namespace {

bool is_command_title(std::string_view title) {
  return title == "CMD" || title == "COMMAND" || title == "ARGS";
}

// Splits off `fields` whitespace-separated words and returns the rest of the line (the command
// keeps its own spacing); empty when the line has fewer words.
std::string after_fields(std::string_view line, std::size_t fields) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < fields; ++i) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) return "";
    at = line.find_first_of(" \t", at);
    if (at == std::string_view::npos) return "";
  }
  at = line.find_first_not_of(" \t", at);
  return at == std::string_view::npos ? "" : std::string(line.substr(at));
}

}  // namespace

std::vector<std::string> commands_from_top_json(const json& top) {
  std::vector<std::string> out;
  std::vector<std::string> titles = strings(field(top, "Titles"));
  const json& processes = field(top, "Processes");
  if (!processes.is_array()) return out;
  // podman runs the container's own `ps` when it cannot read the processes itself and hands back
  // its output unsplit: one title line ("PID   USER     COMMAND") and one string per process.
  if (titles.size() == 1 && titles[0].find_first_of(" \t") != std::string::npos) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while ((at = titles[0].find_first_not_of(" \t", at)) != std::string::npos) {
      const std::size_t end = titles[0].find_first_of(" \t", at);
      words.push_back(titles[0].substr(at, end - at));
      at = end;
    }
    const auto command = std::find_if(words.begin(), words.end(), is_command_title);
    if (command == words.end()) return out;
    const auto fields = static_cast<std::size_t>(command - words.begin());
    for (const auto& row : processes) {
      const std::vector<std::string> cells = strings(row);
      if (cells.size() == 1) out.push_back(after_fields(cells[0], fields));
    }
    return out;
  }
  std::size_t column = titles.size();
  for (std::size_t i = 0; i < titles.size(); ++i) {
    if (is_command_title(titles[i])) column = i;
  }
  if (column == titles.size()) return out;
  for (const auto& row : processes) {
    const std::vector<std::string> cells = strings(row);
    if (column < cells.size()) out.push_back(cells[column]);
  }
  return out;
}

std::vector<VolumeInfo> volumes_from_list_json(const json& list) {
  std::vector<VolumeInfo> out;
  const json& volumes = field(list, "Volumes");
  if (!volumes.is_array()) return out;
  for (const auto& item : volumes) {
    out.push_back({text(field(item, "Name")), string_map(field(item, "Labels"))});
  }
  return out;
}

namespace {

std::int64_t nanoseconds(std::chrono::milliseconds d) { return d.count() * 1000000; }

// Config.Healthcheck; zero durations and retries are left out so the daemon's defaults apply.
json healthcheck_json(const sidecars::Healthcheck& hc) {
  json out = {{"Test", hc.test}};
  if (hc.interval.count()) out["Interval"] = nanoseconds(hc.interval);
  if (hc.timeout.count()) out["Timeout"] = nanoseconds(hc.timeout);
  if (hc.start_period.count()) out["StartPeriod"] = nanoseconds(hc.start_period);
  if (hc.retries) out["Retries"] = hc.retries;
  return out;
}

// Config.ExposedPorts + HostConfig.PortBindings; HostPort "" lets the daemon pick a free port.
void add_ports(json& body, json& host_config, const std::vector<sidecars::PortBinding>& ports) {
  for (const auto& p : ports) {
    const std::string key = std::to_string(p.container_port) + "/" + p.protocol;
    body["ExposedPorts"][key] = json::object();
    host_config["PortBindings"][key].push_back(
        {{"HostIp", p.host_ip}, {"HostPort", p.host_port ? std::to_string(p.host_port) : ""}});
  }
}

void add_service_options(json& body, json& host_config, const ContainerSpec& spec) {
  const sidecars::ServiceOptions& s = spec.service;
  if (!s.user.empty()) body["User"] = s.user;
  if (!s.working_dir.empty()) body["WorkingDir"] = s.working_dir;
  if (s.init) host_config["Init"] = *s.init;
  if (s.shm_size_bytes) host_config["ShmSize"] = s.shm_size_bytes;
  for (const auto& [path, options] : s.tmpfs) host_config["Tmpfs"][path] = options;
  if (!s.cap_add.empty()) host_config["CapAdd"] = s.cap_add;
  if (!s.cap_drop.empty()) host_config["CapDrop"] = s.cap_drop;
  if (!s.extra_hosts.empty()) host_config["ExtraHosts"] = s.extra_hosts;
  add_ports(body, host_config, s.ports);
  for (const auto& u : s.ulimits) {
    host_config["Ulimits"].push_back({{"Name", u.name}, {"Soft", u.soft}, {"Hard", u.hard}});
  }
  if (s.healthcheck) body["Healthcheck"] = healthcheck_json(*s.healthcheck);
  if (spec.gpus != 0) {
    host_config["DeviceRequests"] = json::array(
        {{{"Driver", ""}, {"Count", spec.gpus}, {"Capabilities", json::array({{"gpu"}})}}});
  }
}

}  // namespace

json container_create_json(const ContainerSpec& spec, bool several_networks) {
  json host_config = {
      {"RestartPolicy", {{"Name", spec.restart_policy}}},
      {"Memory", spec.memory_bytes},
      {"NanoCpus", spec.nano_cpus},
      {"Binds", spec.binds},
  };
  json body = {
      {"Image", spec.image},
      {"Env", spec.env},
      {"Labels", spec.labels},
  };
  if (spec.cmd) body["Cmd"] = *spec.cmd;
  if (!spec.stop_signal.empty()) body["StopSignal"] = spec.stop_signal;
  if (spec.stop_timeout) body["StopTimeout"] = *spec.stop_timeout;
  if (spec.open_stdin) {
    // Input the launcher writes once (the secrets) after start; nobody else is attached.
    body["OpenStdin"] = true;
    body["StdinOnce"] = true;
    body["AttachStdin"] = false;
  }
  // Absent means "the image's entrypoint"; present (even empty) overrides it.
  if (spec.entrypoint) body["Entrypoint"] = *spec.entrypoint;
  if (!spec.network.empty()) {
    host_config["NetworkMode"] = spec.network;
  }
  // Endpoints exist only on a network: with "none", "host" or another container's stack podman
  // refuses the create ("networks ... can only be used with Bridge mode networking").
  const bool own_stack =
      spec.network == "none" || spec.network == "host" || spec.network.rfind("container:", 0) == 0;
  if (!spec.network.empty() && !own_stack) {
    json endpoints = {{spec.network, {{"Aliases", spec.aliases}}}};
    if (several_networks) {
      for (const auto& [name, aliases] : spec.more_networks) {
        endpoints[name] = {{"Aliases", aliases}};
      }
    }
    body["NetworkingConfig"] = {{"EndpointsConfig", std::move(endpoints)}};
  }
  add_service_options(body, host_config, spec);
  if (!spec.strict_binds.empty()) {
    // Type=bind in Mounts (API 1.25+, podman too) fails the create on a missing source.
    json mounts = json::array();
    for (const auto& b : spec.strict_binds) {
      mounts.push_back({{"Type", "bind"},
                        {"Source", b.source},
                        {"Target", b.target},
                        {"ReadOnly", b.read_only}});
    }
    host_config["Mounts"] = std::move(mounts);
  }
  body["HostConfig"] = std::move(host_config);
  return body;
}

std::string label_filters_json(const std::map<std::string, std::string>& labels) {
  json selectors = json::array();
  for (const auto& [key, value] : labels) {
    selectors.push_back(value.empty() ? key : key + "=" + value);
  }
  return json{{"label", selectors}}.dump();
}

std::string daemon_message(const HttpResponse& response) {
  json parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) {
    std::string message = text(field(parsed, "message"));
    if (!message.empty()) return message;
  }
  std::string body = response.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) {
    body.pop_back();
  }
  return body.empty() ? "HTTP " + std::to_string(response.status) : body;
}

std::string demultiplex_stream(std::string_view body) {
  constexpr std::size_t kHeader = 8;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(body[i]); };
  const bool framed =
      body.size() >= kHeader && byte(0) <= 2 && byte(1) == 0 && byte(2) == 0 && byte(3) == 0;
  if (!framed) return std::string(body);
  std::string out;
  std::size_t pos = 0;
  while (pos + kHeader <= body.size()) {
    const std::uint32_t size = (std::uint32_t{byte(pos + 4)} << 24) |
                               (std::uint32_t{byte(pos + 5)} << 16) |
                               (std::uint32_t{byte(pos + 6)} << 8) | std::uint32_t{byte(pos + 7)};
    pos += kHeader;
    // A stream cut short (timeout) still yields what arrived.
    const std::size_t take = std::min<std::size_t>(size, body.size() - pos);
    out.append(body.substr(pos, take));
    pos += take;
  }
  return out;
}

void StreamDemux::feed(std::string_view chunk) {
  constexpr std::size_t kHeader = 8;
  if (!decided_ && !chunk.empty()) {
    decided_ = true;
    framed_ = static_cast<unsigned char>(chunk[0]) <= 2;
  }
  if (!framed_) return output(1, chunk);
  while (!chunk.empty()) {
    if (frame_left_ == 0) {
      const std::size_t need = kHeader - header_.size();
      header_.append(chunk.substr(0, need));
      chunk.remove_prefix(std::min(need, chunk.size()));
      if (header_.size() < kHeader) return;
      const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(header_[i]); };
      frame_stream_ = byte(0);
      frame_left_ = (std::uint32_t{byte(4)} << 24) | (std::uint32_t{byte(5)} << 16) |
                    (std::uint32_t{byte(6)} << 8) | std::uint32_t{byte(7)};
      header_.clear();
      continue;
    }
    const std::size_t take = std::min<std::size_t>(frame_left_, chunk.size());
    output(frame_stream_, chunk.substr(0, take));
    frame_left_ -= static_cast<std::uint32_t>(take);
    chunk.remove_prefix(take);
  }
}

void StreamDemux::output(std::uint8_t stream, std::string_view data) {
  constexpr std::size_t kMaxFirstLine = 64;
  if (first_line_apart_ && !first_line_done_ && stream == 1) {
    const auto newline = data.find('\n');
    const std::string_view part = data.substr(0, newline);
    if (first_line_.size() + part.size() > kMaxFirstLine) {
      // Too long for a PID: not the line held apart, so it is output like the rest.
      first_line_done_ = true;
      const std::string held = std::move(first_line_);
      first_line_.clear();
      append(held);
      append(data);
      return;
    }
    first_line_.append(part);
    if (newline == std::string_view::npos) return;
    first_line_done_ = true;
    data.remove_prefix(newline + 1);
  }
  append(data);
}

void StreamDemux::append(std::string_view data) {
  if (data.size() >= keep_) {
    tail_.assign(data.substr(data.size() - keep_));
    return;
  }
  tail_.append(data);
  // Trimmed in batches: amortised constant work per byte, at most twice `keep` held.
  if (tail_.size() > 2 * keep_) tail_.erase(0, tail_.size() - keep_);
}

std::string StreamDemux::tail() const {
  return tail_.size() > keep_ ? tail_.substr(tail_.size() - keep_) : tail_;
}

std::string sortable_timestamp(std::string_view rfc3339) {
  constexpr std::size_t kSeconds = 19;  // "2006-01-02T15:04:05"
  if (rfc3339.size() < kSeconds) return std::string(rfc3339);
  std::size_t pos = kSeconds;
  std::string fraction;
  if (pos < rfc3339.size() && rfc3339[pos] == '.') {
    for (++pos; pos < rfc3339.size() && rfc3339[pos] >= '0' && rfc3339[pos] <= '9'; ++pos) {
      fraction += rfc3339[pos];
    }
  }
  fraction.resize(9, '0');
  return std::string(rfc3339.substr(0, kSeconds)) + "." + fraction +
         std::string(rfc3339.substr(pos));
}

std::string percent_encode(std::string_view text_in, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text_in.size());
  for (const char c : text_in) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

}  // namespace run_anvil::launcher
