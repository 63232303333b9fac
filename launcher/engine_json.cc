#include "run_anvil/launcher/engine_json.h"

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

std::string without_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

// A healthcheck exists when the (image-merged) config declares one that is not disabled, or the
// daemon is already tracking health.
bool declares_healthcheck(const json& inspect) {
  if (field(field(inspect, "State"), "Health").is_object()) return true;
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
  if (const json& code = field(state, "ExitCode"); code.is_number_integer()) {
    info.exit_code = code.get<int>();
  }
  if (const json& restarts = field(inspect, "RestartCount"); restarts.is_number_integer()) {
    info.restart_count = restarts.get<int>();
  }
  for (const std::string& entry : strings(field(config, "Env"))) {
    info.env_keys.push_back(entry.substr(0, entry.find('=')));
  }
  return info;
}

NetworkInfo network_from_inspect_json(const json& inspect) {
  NetworkInfo info;
  info.id = text(field(inspect, "Id"));
  info.name = text(field(inspect, "Name"));
  info.driver = text(field(inspect, "Driver"));
  info.labels = string_map(field(inspect, "Labels"));
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

json container_create_json(const ContainerSpec& spec) {
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
  // Absent means "the image's entrypoint"; present (even empty) overrides it.
  if (spec.entrypoint) body["Entrypoint"] = *spec.entrypoint;
  if (!spec.network.empty()) {
    host_config["NetworkMode"] = spec.network;
    body["NetworkingConfig"] = {
        {"EndpointsConfig", {{spec.network, {{"Aliases", spec.aliases}}}}},
    };
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
