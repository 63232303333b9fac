#include "run_anvil/sidecars/import/compose_import.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "../define/definition_keys.h"
#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/define/parse.h"
#include "toml_writer.h"

// compose service keys -> definition keys. Whatever has no counterpart becomes a note saying
// why, never a silent drop. The importer emits only keys the definition table knows, so a key
// another part of run-anvil has not added yet (volumes, stop_signal) becomes a note too.
namespace run_anvil::sidecars {
namespace {

using detail::toml_array;
using detail::toml_string;
using detail::TomlWriter;

// Why a compose key has no counterpart.
const std::map<std::string, std::string>& unsupported_reasons() {
  static const std::map<std::string, std::string> kReasons = {
      {"build", "run-anvil does not build images; build it (docker compose build) and keep image"},
      {"networks", "sidecars join the anvil's network under their name instead (SPEC §6)"},
      {"network_mode", "sidecars join the anvil's network instead (SPEC §6)"},
      {"deploy",
       "swarm deployment settings do not apply (only resources.limits memory/cpus are "
       "carried over)"},
      {"container_name", "run-anvil names the containers it manages itself"},
      {"hostname", "the sidecar's name (and interface.aliases) is its DNS name"},
      {"domainname", "the sidecar's name (and interface.aliases) is its DNS name"},
      {"links",
       "every sidecar is reachable by its name; list it in depends_on if it must start "
       "first"},
      {"external_links", "every sidecar is reachable by its name"},
      {"privileged", "not supported; grant what it needs with cap_add"},
      {"devices", "device access is not supported"},
      {"secrets", "use ${secret:<provider>:<ref>} in [env]"},
      {"configs", "not supported; mount the file with volumes"},
      {"profiles", "every imported service is a sidecar; import only the ones you want"},
      {"scale", "one container per sidecar"},
      {"logging", "logging drivers are not supported"},
      {"security_opt", "not supported"},
      {"sysctls", "not supported"},
      {"pid", "not supported"},
      {"ipc", "not supported"},
      {"platform", "not supported"},
      {"pull_policy", "run-anvil pulls an image only when it is missing"},
      {"dns", "not supported"},
      {"dns_search", "not supported"},
      {"read_only", "not supported"},
      {"stdin_open", "sidecars run detached"},
      {"tty", "sidecars run detached"},
      {"volumes_from", "not supported; name the volumes"},
      {"extends", "not supported; import the resolved file (docker compose config)"},
      {"mac_address", "not supported"},
      {"runtime", "not supported"},
      {"userns_mode", "not supported"},
      {"cgroup_parent", "not supported"},
      {"isolation", "not supported"},
      {"annotations", "not supported"},
      {"develop", "not supported"},
  };
  return kReasons;
}

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

// "" for an absent key: yaml-cpp's node for a missing key throws on everything but IsDefined.
std::string scalar(const YAML::Node& node) {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : "";
}

bool known_key(std::string_view key) {
  auto keys = detail::keys_of("");
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// POSIX-shell-like split of a compose string command ("postgres -c 'fsync=off'").
std::vector<std::string> shell_split(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      in_word = true;
      for (++i; i < s.size() && s[i] != '\''; ++i) word += s[i];
    } else if (c == '"') {
      in_word = true;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() &&
            std::string("\"\\$`").find(s[i + 1]) != std::string::npos)
          ++i;
        word += s[i];
      }
    } else if (c == '\\' && i + 1 < s.size()) {
      in_word = true;
      word += s[++i];
    } else {
      in_word = true;
      word += c;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

// "1m30s", "10s", "500ms", "1h" -> milliseconds; -1 when not a compose duration.
long long compose_duration_ms(const std::string& s) {
  static const std::pair<std::string, long long> kUnits[] = {
      {"ms", 1}, {"us", 0}, {"h", 3600000}, {"m", 60000}, {"s", 1000}};
  long long total = 0;
  std::size_t i = 0;
  if (s.empty()) return -1;
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) return -1;
    double n = std::stod(s.substr(start, i - start));
    bool matched = false;
    for (const auto& [unit, ms] : kUnits) {
      if (s.compare(i, unit.size(), unit) == 0) {
        total += static_cast<long long>(n * static_cast<double>(ms));
        i += unit.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      if (i == s.size()) return static_cast<long long>(n * 1000);  // a bare number: seconds
      return -1;
    }
  }
  return total;
}

std::string duration_text(long long ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

bool valid_volume_name(const std::string& s) {
  return !s.empty() && std::isalnum(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
         });
}

class Importer {
 public:
  explicit Importer(const ImportOptions& options) : options_(options) {}

  ImportedDefinition service(const std::string& compose_name, const YAML::Node& node,
                             const std::set<std::string>& imported) {
    name_ = sidecar_name(compose_name);
    service_ = compose_name;
    imported_ = &imported;
    w_ = TomlWriter();
    w_.set("", "description",
           toml_string("imported from " + options_.compose_file + " service " + compose_name));
    w_.set("", "lifecycle", toml_string("shared"));
    image(node);
    for (auto it = node.begin(); it != node.end(); ++it) key(it->first.Scalar(), it->second);
    interface_and_readiness(node);
    return {name_, w_.text()};
  }

  std::vector<std::string>& notes() { return notes_; }

  std::string sidecar_name(const std::string& compose_name) {
    std::string out;
    for (char c : compose_name) {
      bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
      out += ok ? c : '-';
    }
    while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out[0]))) out.erase(0, 1);
    if (out.empty()) out = "service";
    return out;
  }

 private:
  void note(const std::string& key, const std::string& why) {
    notes_.push_back(service_ + ": " + key + ": " + why);
  }

  void image(const YAML::Node& node) {
    if (node["image"] && node["image"].IsScalar()) {
      w_.set("", "image", toml_string(interpolate(node["image"].Scalar(), "image")));
      return;
    }
    // Compose tags a built image <project>-<service>: that is what `docker compose build` made.
    std::string built = options_.project + "-" + service_;
    w_.set("", "image", toml_string(built));
    if (!node["build"]) note("image", "missing; set the image to run (wrote " + built + ")");
  }

  // ${VAR} and $VAR become ${secret:env:VAR}: resolved from the launcher's environment at
  // launch, as compose interpolates them, and never written into a label or argv. $$ is "$".
  std::string interpolate(const std::string& value, const std::string& key) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] != '$') {
        out += value[i];
        continue;
      }
      if (i + 1 < value.size() && value[i + 1] == '$') {
        out += '$';
        ++i;
        continue;
      }
      std::size_t start = i + 1;
      bool braced = start < value.size() && value[start] == '{';
      if (braced) ++start;
      std::size_t end = start;
      while (end < value.size() &&
             (std::isalnum(static_cast<unsigned char>(value[end])) || value[end] == '_')) {
        ++end;
      }
      std::string var = value.substr(start, end - start);
      if (var.empty()) {
        out += '$';
        continue;
      }
      if (braced && (end >= value.size() || value[end] != '}')) {
        auto close = value.find('}', end);
        std::string rest = close == std::string::npos ? "" : value.substr(end, close - end);
        std::string fallback = rest.starts_with(":-")  ? rest.substr(2)
                               : rest.starts_with("-") ? rest.substr(1)
                                                       : "";
        note(key, "${" + var + rest +
                      "}: defaults and modifiers are not supported; wrote the "
                      "default \"" +
                      fallback + "\"");
        out += fallback;
        i = close == std::string::npos ? value.size() : close;
        continue;
      }
      out += "${secret:env:" + var + "}";
      i = braced ? end : end - 1;
    }
    if (out != value && key != "environment" && key.rfind("environment", 0) != 0) {
      note(key,
           "interpolates the launcher's environment; only [env] can do that, so the "
           "variable was kept as a secret reference, which is valid only in [env]");
    }
    return out;
  }

  std::vector<std::string> argv(const YAML::Node& node, const std::string& key) {
    if (node.IsScalar()) return shell_split(node.Scalar());
    std::vector<std::string> out;
    if (node.IsSequence()) {
      for (const auto& item : node) out.push_back(scalar(item));
    } else {
      note(key, "must be a string or a list");
    }
    return out;
  }

  std::vector<std::string> strings(const YAML::Node& node) {
    std::vector<std::string> out;
    if (node.IsScalar()) out.push_back(node.Scalar());
    if (node.IsSequence()) {
      for (const auto& item : node) out.push_back(scalar(item));
    }
    return out;
  }

  // Keys of `list or map` form ("K=V" items, or K: V).
  std::vector<std::pair<std::string, std::string>> pairs(const YAML::Node& node, char sep,
                                                         const std::string& key) {
    std::vector<std::pair<std::string, std::string>> out;
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        bool null = it->second.IsNull();
        out.emplace_back(it->first.Scalar(), null ? std::string("\x01") : scalar(it->second));
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        std::string s = scalar(item);
        auto pos = s.find(sep);
        out.emplace_back(s.substr(0, pos), pos == std::string::npos ? "\x01" : s.substr(pos + 1));
      }
    } else {
      note(key, "must be a list or a map");
    }
    return out;
  }

  void key(const std::string& key, const YAML::Node& v) {
    if (key == "image") return;  // image() took it
    if (key == "build") {
      note("build", unsupported_reasons().at("build"));
      return;
    }
    if (key == "command" || key == "entrypoint") {
      auto args = argv(v, key);
      if (!args.empty()) w_.set("", key, toml_array(args));
    } else if (key == "environment") {
      environment(v);
    } else if (key == "env_file") {
      env_file(v);
    } else if (key == "ports" || key == "expose") {
      if (key == "ports") ports(v);
    } else if (key == "volumes") {
      volumes(v);
    } else if (key == "tmpfs") {
      append_tmpfs(strings(v));
    } else if (key == "depends_on") {
      depends_on(v);
    } else if (key == "healthcheck") {
      healthcheck(v);
    } else if (key == "user" || key == "working_dir") {
      w_.set("", key, toml_string(scalar(v)));
    } else if (key == "init") {
      w_.set("", "init", v.as<bool>(false) ? "true" : "false");
    } else if (key == "shm_size") {
      w_.set("", "shm_size", toml_string(scalar(v)));
    } else if (key == "cap_add" || key == "cap_drop") {
      w_.set("", key, toml_array(strings(v)));
    } else if (key == "extra_hosts") {
      extra_hosts(v);
    } else if (key == "labels") {
      for (const auto& [k, value] : pairs(v, '=', key)) {
        if (k.rfind("swarmforge.", 0) == 0) {
          note("labels", k + ": swarmforge.* labels are run-anvil's own");
          continue;
        }
        w_.set("labels", k, toml_string(value == "\x01" ? "" : value));
      }
    } else if (key == "ulimits") {
      ulimits(v);
    } else if (key == "restart") {
      restart(scalar(v));
    } else if (key == "stop_signal" || key == "stop_grace_period") {
      stop(key, v);
    } else if (key == "mem_limit") {
      w_.set("resources", "memory", toml_string(scalar(v)));
    } else if (key == "cpus") {
      w_.set("resources", "cpus", toml_string(scalar(v)));
    } else if (key == "deploy") {
      deploy(v);
    } else if (auto it = unsupported_reasons().find(key); it != unsupported_reasons().end()) {
      note(key, it->second);
    } else {
      note(key, "not supported by run-anvil definitions");
    }
  }

  void environment(const YAML::Node& v) {
    for (const auto& [k, value] : pairs(v, '=', "environment")) {
      if (value == "\x01") {
        // Compose copies it from the host; a secret reference does that at launch, unlogged.
        w_.set("env", k, toml_string("${secret:env:" + k + "}"));
        continue;
      }
      w_.set("env", k, toml_string(interpolate(value, "environment." + k)));
    }
  }

  void env_file(const YAML::Node& v) {
    std::vector<std::string> files;
    auto add = [&](const std::string& path) {
      files.push_back(path.starts_with('/') ? path : options_.path_prefix + path);
    };
    if (v.IsScalar()) add(v.Scalar());
    if (v.IsSequence()) {
      for (const auto& item : v) add(item.IsMap() ? scalar(item["path"]) : scalar(item));
    }
    w_.set("", "env_file", toml_array(files));
  }

  // Container ports, in order of appearance, for the interface.
  void ports(const YAML::Node& v) {
    std::vector<std::string> out;
    bool widened = false;
    for (const auto& item : v) {
      std::string spec;
      bool no_address = false;  // compose publishes it on every interface; we do not
      if (item.IsMap()) {
        std::string target = scalar(item["target"]);
        std::string published = scalar(item["published"]);
        std::string ip = scalar(item["host_ip"]);
        std::string proto = scalar(item["protocol"]);
        spec = (ip.empty() ? "" : ip + ":") +
               (published.empty() && ip.empty() ? "" : published + ":") + target +
               (proto.empty() || proto == "tcp" ? "" : "/" + proto);
        no_address = ip.empty();
      } else {
        spec = scalar(item);
        // "8080" and "18080:8080" have no address; "127.0.0.1::8080" and "[::1]:1:2" do.
        no_address = std::count(spec.begin(), spec.end(), ':') < 2;
      }
      if (spec.find('-') != std::string::npos) {
        note("ports", spec + ": port ranges are not supported; list each port");
        continue;
      }
      widened = widened || no_address;
      container_ports_.push_back(container_port(spec));
      out.push_back(spec);
    }
    if (!out.empty()) w_.set("", "ports", toml_array(out));
    if (widened) {
      note("ports",
           "published on 127.0.0.1 only (compose publishes on every interface); write "
           "\"0.0.0.0:HOST:CONTAINER\" to keep that");
    }
  }

  static int container_port(std::string spec) {
    spec = spec.substr(0, spec.find('/'));
    auto colon = spec.rfind(':');
    std::string port = colon == std::string::npos ? spec : spec.substr(colon + 1);
    try {
      return std::stoi(port);
    } catch (...) {
      return 0;
    }
  }

  void append_tmpfs(const std::vector<std::string>& entries) {
    tmpfs_.insert(tmpfs_.end(), entries.begin(), entries.end());
    w_.set("", "tmpfs", toml_array(tmpfs_));
  }

  void volumes(const YAML::Node& v) {
    if (!known_key("volumes")) {
      note("volumes", "not carried over: this run-anvil has no volumes key");
      return;
    }
    std::vector<std::string> out;
    for (const auto& item : v) {
      std::string type, source, target;
      bool read_only = false;
      if (item.IsMap()) {
        type = scalar(item["type"]);
        source = scalar(item["source"]);
        target = scalar(item["target"]);
        read_only = item["read_only"] && item["read_only"].as<bool>(false);
      } else {
        std::string s = scalar(item);
        auto first = s.find(':');
        if (first == std::string::npos) {
          note("volumes", s + ": anonymous volumes are not carried over (the image's own "
                              "VOLUMEs are kept across recreation)");
          continue;
        }
        source = s.substr(0, first);
        std::string rest = s.substr(first + 1);
        auto second = rest.find(':');
        target = rest.substr(0, second);
        std::string mode = second == std::string::npos ? "" : rest.substr(second + 1);
        read_only = mode.find("ro") != std::string::npos;
        type = source.starts_with('/') || source.starts_with('.') || source.starts_with('~')
                   ? "bind"
                   : "volume";
      }
      if (type == "tmpfs") {
        append_tmpfs({target});
        continue;
      }
      if (type == "bind") {
        if (source.starts_with('~')) {
          note("volumes", source + ": a path under ~ is not carried over; write it absolute");
          continue;
        }
        if (!source.starts_with('/')) {
          source = options_.path_prefix + (source.starts_with("./") ? source.substr(2) : source);
          if (!source.starts_with('.') && !source.starts_with('/')) source = "./" + source;
        }
      } else if (type != "volume" || !valid_volume_name(source)) {
        note("volumes", source + ":" + target +
                            ": not carried over (only named volumes and "
                            "binds are)");
        continue;
      }
      if (type == "volume") {
        // Same name, new volume: managed volumes are named after the sidecar (SPEC §11).
        note("volumes", source + ": becomes run-anvil's volume " +
                            shared_data_volume_name(name_, source) +
                            "; the data in compose's volume (" + options_.project + "_" + source +
                            ") is not copied");
      }
      out.push_back(source + ":" + target + (read_only ? ":ro" : ""));
    }
    if (!out.empty()) w_.set("", "volumes", toml_array(out));
  }

  void depends_on(const YAML::Node& v) {
    std::vector<std::string> names;
    std::vector<std::string> written;
    if (v.IsMap()) {
      for (auto it = v.begin(); it != v.end(); ++it) names.push_back(it->first.Scalar());
    } else {
      names = strings(v);
    }
    for (const auto& n : names) {
      if (imported_->count(n) == 0) {
        note("depends_on", n + " is not imported here; import it too, then add it back");
        continue;
      }
      written.push_back(sidecar_name(n));
    }
    if (!written.empty()) w_.set("", "depends_on", toml_array(written));
  }

  void duration_key(const YAML::Node& hc, const std::string& key) {
    if (!hc[key]) return;
    long long ms = compose_duration_ms(scalar(hc[key]));
    if (ms <= 0 || ms > 24LL * 3600 * 1000) {
      note("healthcheck." + key, scalar(hc[key]) + " is not a duration run-anvil accepts");
      return;
    }
    w_.set("healthcheck", key, toml_string(duration_text(ms)));
  }

  void healthcheck(const YAML::Node& hc) {
    if (hc["disable"] && hc["disable"].as<bool>(false)) {
      w_.set("healthcheck", "test", toml_array({"NONE"}));
      return;
    }
    const YAML::Node test = hc["test"];
    if (!test) return;
    std::vector<std::string> argv;
    if (test.IsScalar()) {
      argv = {"CMD-SHELL", test.Scalar()};
    } else {
      argv = strings(test);
    }
    if (argv.empty()) return;
    if (argv[0] == "CMD-SHELL" && argv.size() > 2) {
      // Compose joins extra items with spaces.
      std::string joined;
      for (std::size_t i = 1; i < argv.size(); ++i) joined += (i > 1 ? " " : "") + argv[i];
      argv = {"CMD-SHELL", joined};
    }
    w_.set("healthcheck", "test", toml_array(argv));
    has_healthcheck_ = argv[0] != "NONE";
    duration_key(hc, "interval");
    duration_key(hc, "timeout");
    if (hc["retries"]) w_.set("healthcheck", "retries", scalar(hc["retries"]));
    duration_key(hc, "start_period");
    if (hc["start_interval"]) note("healthcheck.start_interval", "not supported");
  }

  void extra_hosts(const YAML::Node& v) {
    std::vector<std::string> out;
    for (auto [host, ip] : pairs(v, '\0', "extra_hosts")) {
      if (ip == "\x01") {
        // List form: "host:ip" or "host=ip".
        auto pos = host.find_first_of(":=");
        if (pos == std::string::npos) continue;
        ip = host.substr(pos + 1);
        host = host.substr(0, pos);
      }
      out.push_back(host + ":" + ip);
    }
    if (!out.empty()) w_.set("", "extra_hosts", toml_array(out));
  }

  void ulimits(const YAML::Node& v) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::string name = it->first.Scalar();
      // A copy: `it->` is a proxy that ends with this statement (ASan: stack-use-after-scope).
      const YAML::Node value = it->second;
      if (value.IsMap()) {
        w_.set("ulimits", name,
               "{ soft = " + scalar(value["soft"]) + ", hard = " + scalar(value["hard"]) + " }");
      } else {
        w_.set("ulimits", name, scalar(value));
      }
    }
  }

  void restart(const std::string& policy) {
    if (policy.rfind("on-failure", 0) == 0) {
      if (policy != "on-failure") note("restart", policy + ": a retry count is not supported");
      w_.set("", "restart", toml_string("on-failure"));
    } else if (policy == "no" || policy == "always" || policy == "unless-stopped") {
      w_.set("", "restart", toml_string(policy));
    } else {
      note("restart", policy + " is not a restart policy");
    }
  }

  void stop(const std::string& key, const YAML::Node& v) {
    const std::string ours = key == "stop_signal" ? "stop_signal" : "stop_timeout";
    if (!known_key(ours)) {
      note(key, "not carried over: this run-anvil has no " + ours + " key");
      return;
    }
    if (key == "stop_signal") {
      w_.set("", ours, toml_string(scalar(v)));
      return;
    }
    long long ms = compose_duration_ms(scalar(v));
    if (ms <= 0) {
      note(key, scalar(v) + " is not a duration run-anvil accepts");
      return;
    }
    w_.set("", ours, toml_string(duration_text(ms)));
  }

  void deploy(const YAML::Node& v) {
    const YAML::Node limits = v["resources"] ? v["resources"]["limits"] : YAML::Node();
    if (limits && limits["memory"])
      w_.set("resources", "memory", toml_string(scalar(limits["memory"])));
    if (limits && limits["cpus"]) w_.set("resources", "cpus", toml_string(scalar(limits["cpus"])));
    note("deploy", unsupported_reasons().at("deploy"));
  }

  void interface_and_readiness(const YAML::Node& node) {
    std::vector<int> ports = container_ports_;
    if (node["expose"]) {
      for (const auto& item : node["expose"]) ports.push_back(container_port(scalar(item)));
    }
    ports.erase(std::remove(ports.begin(), ports.end(), 0), ports.end());
    if (!ports.empty()) {
      w_.set("interface", "kind", toml_string("port"));
      w_.set("interface", "port", std::to_string(ports.front()));
      std::set<int> distinct(ports.begin(), ports.end());
      if (distinct.size() > 1) {
        note("ports", "interface.port is " + std::to_string(ports.front()) +
                          " (probed and injected); the other ports are reachable on the "
                          "network too");
      }
    } else {
      w_.set("interface", "kind", toml_string("none"));
    }
    // The compose author's healthcheck is what "ready" meant there.
    if (has_healthcheck_) {
      w_.set("readiness", "mode", toml_string("healthcheck"));
    } else if (ports.empty()) {
      w_.set("readiness", "mode", toml_string("none"));
    }
  }

  const ImportOptions& options_;
  TomlWriter w_;
  std::string name_, service_;
  const std::set<std::string>* imported_ = nullptr;
  std::vector<int> container_ports_;
  std::vector<std::string> tmpfs_;
  bool has_healthcheck_ = false;
  std::vector<std::string> notes_;

 public:
  void reset_service_state() {
    container_ports_.clear();
    tmpfs_.clear();
    has_healthcheck_ = false;
  }
};

YAML::Node load(std::string_view yaml, const std::string& file) {
  try {
    return YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw Error(file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
}

}  // namespace

ImportResult import_compose(std::string_view yaml, const ImportOptions& options) {
  const YAML::Node root = load(yaml, options.compose_file);
  const YAML::Node services = root.IsMap() ? root["services"] : YAML::Node();
  if (!services || !services.IsMap()) {
    throw Error(options.compose_file + ": no services: map; is this a compose file?");
  }
  std::set<std::string> wanted(options.services.begin(), options.services.end());
  std::set<std::string> all;
  for (auto it = services.begin(); it != services.end(); ++it) all.insert(it->first.Scalar());
  for (const auto& name : wanted) {
    if (all.count(name) == 0) {
      std::string known;
      for (const auto& n : all) known += (known.empty() ? "" : ", ") + n;
      throw Error(options.compose_file + ": no service \"" + name + "\" (services: " + known + ")");
    }
  }
  const std::set<std::string>& imported = wanted.empty() ? all : wanted;
  ImportResult result;
  Importer importer(options);
  std::set<std::string> names;
  for (auto it = services.begin(); it != services.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (imported.count(name) == 0) continue;
    if (!it->second.IsMap()) {
      throw Error(options.compose_file + ":" + std::to_string(line_of(it->second)) +
                  ": service \"" + name + "\" must be a map");
    }
    importer.reset_service_state();
    auto def = importer.service(name, it->second, imported);
    if (!names.insert(def.name).second) {
      throw Error(options.compose_file + ": services \"" + name +
                  "\" and another both become "
                  "sidecar \"" +
                  def.name + "\"");
    }
    if (def.name != name) {
      importer.notes().push_back(name + ": renamed to \"" + def.name +
                                 "\" (sidecar names match "
                                 "[A-Za-z0-9][A-Za-z0-9_.-]*)");
    }
    result.definitions.push_back(std::move(def));
  }
  for (const char* top : {"networks", "secrets", "configs"}) {
    if (root[top]) {
      importer.notes().push_back(std::string("(top level) ") + top + ": " +
                                 unsupported_reasons().at(top));
    }
  }
  result.notes = std::move(importer.notes());
  return result;
}

}  // namespace run_anvil::sidecars
