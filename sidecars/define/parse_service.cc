#include <algorithm>
#include <regex>
#include <set>

#include "definition_keys.h"
#include "parse_values.h"
#include "run_anvil/sidecars/define/secret_ref.h"

// The SPEC §12 keys (user ... healthcheck, resources.gpus) and the SPEC §13 readiness keys.
// Each checks one key of the table in definition_keys.cc.
namespace run_anvil::sidecars::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '.' ||
         c == '-';
}
std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

// [A-Za-z0-9_][A-Za-z0-9_.-]*: a user or group name, or a numeric id.
bool valid_account(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] == '.' || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), is_name_char);
}

std::optional<int> parse_port_number(std::string_view s) {
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
  int n = std::stoi(std::string(s));
  if (n < 1 || n > 65535) return std::nullopt;
  return n;
}

// "64m", "1g", "1024", "512kb" -> bytes (1 .. 1 TiB). Unlike resources.memory there is no
// 6 MiB floor: a small /dev/shm or tmpfs is legitimate.
std::optional<std::int64_t> parse_size(std::string_view text) {
  if (!text.empty() && (text.back() == 'b' || text.back() == 'B')) text.remove_suffix(1);
  std::int64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        unit = std::int64_t{1} << 10;
        break;
      case 'm':
      case 'M':
        unit = std::int64_t{1} << 20;
        break;
      case 'g':
      case 'G':
        unit = std::int64_t{1} << 30;
        break;
      default:
        break;
    }
    if (unit != 1) text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 13 || !std::all_of(text.begin(), text.end(), is_digit)) {
    return std::nullopt;
  }
  std::int64_t n = std::stoll(std::string(text));
  if (n < 1 || n > (std::int64_t{1} << 40) / unit) return std::nullopt;
  return n * unit;
}

constexpr std::string_view kCapabilities[] = {"ALL",
                                              "AUDIT_CONTROL",
                                              "AUDIT_READ",
                                              "AUDIT_WRITE",
                                              "BLOCK_SUSPEND",
                                              "BPF",
                                              "CHECKPOINT_RESTORE",
                                              "CHOWN",
                                              "DAC_OVERRIDE",
                                              "DAC_READ_SEARCH",
                                              "FOWNER",
                                              "FSETID",
                                              "IPC_LOCK",
                                              "IPC_OWNER",
                                              "KILL",
                                              "LEASE",
                                              "LINUX_IMMUTABLE",
                                              "MAC_ADMIN",
                                              "MAC_OVERRIDE",
                                              "MKNOD",
                                              "NET_ADMIN",
                                              "NET_BIND_SERVICE",
                                              "NET_BROADCAST",
                                              "NET_RAW",
                                              "PERFMON",
                                              "SETFCAP",
                                              "SETGID",
                                              "SETPCAP",
                                              "SETUID",
                                              "SYSLOG",
                                              "SYS_ADMIN",
                                              "SYS_BOOT",
                                              "SYS_CHROOT",
                                              "SYS_MODULE",
                                              "SYS_NICE",
                                              "SYS_PACCT",
                                              "SYS_PTRACE",
                                              "SYS_RAWIO",
                                              "SYS_RESOURCE",
                                              "SYS_TIME",
                                              "SYS_TTY_CONFIG",
                                              "WAKE_ALARM"};

void parse_capabilities(Section& s, std::string_view key, std::vector<std::string>& out) {
  auto names = s.strings(key, "an array of capability names like \"NET_ADMIN\"", false);
  if (!names) return;
  std::set<std::string> seen;
  for (const auto& written : *names) {
    std::string cap = upper(written);
    if (cap.starts_with("CAP_")) cap.erase(0, 4);
    if (std::find(std::begin(kCapabilities), std::end(kCapabilities), cap) ==
        std::end(kCapabilities)) {
      s.error_at(key, s.dotted(key) + ": " + quoted(written) +
                          " is not a Linux capability (e.g. \"NET_ADMIN\", \"SYS_PTRACE\", "
                          "\"ALL\")");
    } else if (!seen.insert(cap).second) {
      s.error_at(key, s.dotted(key) + " lists " + quoted(written) + " more than once");
    } else {
      out.push_back(cap);
    }
  }
}

// tmpfs options docker passes to mount(8); anything else would fail at container start.
bool valid_tmpfs_option(std::string_view opt) {
  static constexpr std::string_view kFlags[] = {
      "ro",    "rw",   "exec",  "noexec", "suid",    "nosuid",   "dev",
      "nodev", "sync", "async", "atime",  "noatime", "diratime", "nodiratime"};
  if (std::find(std::begin(kFlags), std::end(kFlags), opt) != std::end(kFlags)) return true;
  auto eq = opt.find('=');
  if (eq == std::string_view::npos) return false;
  auto name = opt.substr(0, eq);
  auto value = opt.substr(eq + 1);
  bool digits = !value.empty() && std::all_of(value.begin(), value.end(), is_digit);
  if (name == "size") return parse_size(value).has_value();
  if (name == "mode") {
    return digits && value.size() <= 4 &&
           std::all_of(value.begin(), value.end(), [](char c) { return c <= '7'; });
  }
  if (name == "uid" || name == "gid" || name == "nr_inodes") return digits && value.size() <= 10;
  return false;
}

bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > 253 || h.front() == '-' || h.front() == '.') return false;
  return std::all_of(h.begin(), h.end(), [](char c) { return is_name_char(c) && c != '_'; });
}

bool valid_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    auto part = s.substr(start, end - start);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), is_digit) ||
        std::stoi(std::string(part)) > 255) {
      return false;
    }
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

bool valid_ipv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45 || s.find(':') == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
  });
}

// "5432", "15432:5432", "127.0.0.1:15432:5432", "127.0.0.1::5432", "[::1]:15432:5432", each
// optionally "/tcp" or "/udp". An address not written stays 127.0.0.1: publishing on every
// interface must be asked for ("0.0.0.0:15432:5432").
std::optional<PortBinding> parse_port_spec(std::string_view text, std::string& why) {
  PortBinding b;
  if (auto slash = text.rfind('/'); slash != std::string_view::npos) {
    b.protocol = std::string(text.substr(slash + 1));
    text = text.substr(0, slash);
    if (b.protocol != "tcp" && b.protocol != "udp") {
      why = "the protocol must be tcp or udp";
      return std::nullopt;
    }
  }
  if (text.find('-') != std::string_view::npos) {
    why = "port ranges are not supported; list each port";
    return std::nullopt;
  }
  std::string_view host_part;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string_view::npos) {
      why = "an IPv6 address is written [addr]:host_port:container_port";
      return std::nullopt;
    }
    b.host_ip = std::string(text.substr(1, close - 1));
    if (!valid_ipv6(b.host_ip)) {
      why = "the host address is not an IP address";
      return std::nullopt;
    }
    text = text.substr(close + 2);
    host_part = text.substr(0, text.find(':'));
    if (text.find(':') == std::string_view::npos) {
      why = "expected [addr]:host_port:container_port";
      return std::nullopt;
    }
    text = text.substr(text.find(':') + 1);
  } else {
    auto first = text.find(':');
    auto last = text.rfind(':');
    if (first != last) {
      b.host_ip = std::string(text.substr(0, first));
      if (!valid_ipv4(b.host_ip)) {
        why = "the host address is not an IPv4 address (write IPv6 as [addr])";
        return std::nullopt;
      }
      host_part = text.substr(first + 1, last - first - 1);
      text = text.substr(last + 1);
    } else if (first != std::string_view::npos) {
      host_part = text.substr(0, first);
      text = text.substr(first + 1);
      if (host_part.empty()) {
        why = "the host port is empty";
        return std::nullopt;
      }
    }
  }
  if (!host_part.empty()) {
    auto host_port = parse_port_number(host_part);
    if (!host_port) {
      why = "the host port must be 1..65535";
      return std::nullopt;
    }
    b.host_port = *host_port;
  }
  auto container_port = parse_port_number(text);
  if (!container_port) {
    why = "the container port must be 1..65535";
    return std::nullopt;
  }
  b.container_port = *container_port;
  return b;
}

std::optional<std::int64_t> ulimit_number(Section& s, std::string_view key) {
  auto value = s.integer(key, "an integer (-1 for unlimited)");
  if (value && *value < -1) {
    s.error_at(key, s.dotted(key) + " must be an integer (-1 for unlimited)");
    return std::nullopt;
  }
  return value;
}

void parse_ulimit(Section& s, std::string_view name) {
  const toml::node* node = s.table().get(name);
  Ulimit limit{std::string(name), 0, 0};
  if (node->is_table()) {
    Section entry = s.child(*node->as_table(), s.dotted(name));
    s.def().lines[s.dotted(name)] = line_of(*node);
    entry.reject_unknown({"soft", "hard"});
    entry.require("soft", entry.dotted("soft") + " is required");
    entry.require("hard", entry.dotted("hard") + " is required");
    auto soft = ulimit_number(entry, "soft");
    auto hard = ulimit_number(entry, "hard");
    if (!soft || !hard) return;
    if (*hard != -1 && (*soft == -1 || *soft > *hard)) {
      entry.error_at("soft", entry.dotted("soft") + " must not exceed " + entry.dotted("hard"));
      return;
    }
    limit.soft = *soft;
    limit.hard = *hard;
  } else {
    auto value = ulimit_number(s, name);
    if (!value) return;
    limit.soft = limit.hard = *value;
  }
  s.def().service.ulimits.push_back(limit);
}

// Healthcheck "test": a string is a shell command (CMD-SHELL), as in compose.
void parse_healthcheck_test(Section& s) {
  Healthcheck& hc = *s.def().service.healthcheck;
  s.require("test", "healthcheck.test is required");
  const toml::node* node = s.table().get("test");
  if (!node) return;
  if (const auto* text = node->as_string()) {
    auto command = s.string("test", "a string or an array of strings");
    if (!command || command->empty() || command->find('\0') != std::string::npos) {
      s.error_at("test", "healthcheck.test must be a non-empty shell command");
      return;
    }
    hc.test = {"CMD-SHELL", text->get()};
    return;
  }
  auto argv = s.strings("test", "a string or a non-empty array of strings", true);
  if (!argv) return;
  const std::string& head = argv->front();
  bool ok = (head == "CMD" && argv->size() >= 2) || (head == "CMD-SHELL" && argv->size() == 2) ||
            (head == "NONE" && argv->size() == 1);
  if (!ok) {
    s.error_at("test",
               "healthcheck.test must be [\"CMD\", argv...], [\"CMD-SHELL\", \"command\"], "
               "[\"NONE\"] or a shell command string");
    return;
  }
  hc.test = *argv;
}

void forbid_unless(Section& s, std::string_view key, ReadinessMode mode) {
  const Readiness& r = s.def().readiness;
  if (s.has(key) && !(r.mode_explicit && r.mode == mode)) {
    s.error_at(
        key, s.dotted(key) + " is only allowed when readiness.mode is \"" + to_string(mode) + "\"");
  }
}

void parse_http_keys(Section& s) {
  Readiness& r = s.def().readiness;
  if (auto path = s.string("path", "a URL path starting with \"/\"")) {
    if (valid_url_path(*path)) {
      r.path = *path;
    } else {
      s.error_at("path",
                 "readiness.path must be a URL path starting with \"/\", without whitespace or "
                 "control characters");
    }
  }
  const toml::node* node = s.table().get("status");
  if (!node) return;
  s.def().lines["readiness.status"] = line_of(*node);
  const toml::array* codes = node->as_array();
  bool ok = codes && !codes->empty();
  std::vector<int> status;
  for (std::size_t i = 0; ok && i < codes->size(); ++i) {
    const auto* code = (*codes)[i].as_integer();
    ok = code && code->get() >= 100 && code->get() <= 599;
    if (ok) status.push_back(static_cast<int>(code->get()));
  }
  if (!ok) {
    s.error_at("status",
               "readiness.status must be a non-empty array of HTTP status codes "
               "(100..599), e.g. [200, 204]");
    return;
  }
  r.status = status;
}

void parse_log_keys(Section& s) {
  Readiness& r = s.def().readiness;
  s.require("pattern", "readiness.pattern is required when readiness.mode is \"log\"");
  if (auto pattern = s.string("pattern", "a regular expression")) {
    std::string why;
    if (pattern->empty() || pattern->size() > 1024) {
      why = "must be 1 to 1024 characters";
    } else {
      try {
        std::regex check(*pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        why = std::string("is not a valid ECMAScript regular expression (") + e.what() + ")";
      }
    }
    if (why.empty()) {
      r.pattern = *pattern;
    } else {
      s.error_at("pattern", "readiness.pattern " + why);
    }
  }
  if (auto n = s.integer("occurrences", "an integer 1..1000")) {
    if (*n < 1 || *n > 1000) {
      s.error_at("occurrences", "readiness.occurrences must be an integer 1..1000");
    } else {
      r.occurrences = static_cast<int>(*n);
    }
  }
}

}  // namespace

void parse_user(Section& s) {
  auto user = s.string("user", "a string: \"name\", \"uid\" or \"uid:gid\"");
  if (!user) return;
  auto colon = user->find(':');
  bool ok = valid_account(user->substr(0, colon)) &&
            (colon == std::string::npos || valid_account(user->substr(colon + 1)));
  if (!ok) {
    s.error_at("user",
               "user must be \"name\", \"uid\" or \"uid:gid\" (names and ids of "
               "[A-Za-z0-9_.-], not " +
                   quoted(*user) + ")");
    return;
  }
  s.def().service.user = *user;
}

void parse_working_dir(Section& s) {
  auto dir = s.string("working_dir", "an absolute path");
  if (!dir) return;
  if (dir->empty() || (*dir)[0] != '/' || has_control_chars(*dir)) {
    s.error_at("working_dir", "working_dir must be an absolute path without control characters");
    return;
  }
  s.def().service.working_dir = *dir;
}

void parse_init(Section& s) { s.def().service.init = s.boolean("init"); }

void parse_shm_size(Section& s) {
  const toml::node* node = s.table().get("shm_size");
  if (!node) return;
  s.def().lines["shm_size"] = line_of(*node);
  std::optional<std::int64_t> bytes;
  std::string written;
  if (const auto* text = node->as_string()) {
    bytes = parse_size(text->get());
    written = text->get();
  } else if (const auto* n = node->as_integer()) {
    if (n->get() >= 1 && n->get() <= (std::int64_t{1} << 40)) bytes = n->get();
    written = std::to_string(n->get());
  }
  if (!bytes) {
    s.error_at("shm_size",
               "shm_size must be a size like \"256m\" or \"1g\" (suffix k, m or g; "
               "more than 0, at most 1024g)");
    return;
  }
  s.def().service.shm_size = written;
  s.def().service.shm_size_bytes = *bytes;
}

void parse_tmpfs(Section& s) {
  auto entries = s.strings("tmpfs", "an array of strings like \"/tmp:size=64m\"", false);
  if (!entries) return;
  auto& out = s.def().service.tmpfs;
  for (const auto& entry : *entries) {
    auto colon = entry.find(':');
    std::string path = entry.substr(0, colon);
    std::string options = colon == std::string::npos ? "" : entry.substr(colon + 1);
    if (!valid_mountpoint(path)) {
      s.error_at("tmpfs", "tmpfs entry " + quoted(entry) +
                              ": the path must be absolute, not \"/\", without \"..\" or control "
                              "characters");
      continue;
    }
    bool options_ok = colon == std::string::npos || !options.empty();
    for (std::size_t start = 0;
         colon != std::string::npos && options_ok && start <= options.size();) {
      auto end = options.find(',', start);
      if (end == std::string::npos) end = options.size();
      options_ok = valid_tmpfs_option(std::string_view(options).substr(start, end - start));
      start = end + 1;
    }
    if (!options_ok) {
      s.error_at("tmpfs", "tmpfs entry " + quoted(entry) +
                              ": options must be comma-separated size=N[k|m|g], mode=OCTAL, "
                              "uid=N, gid=N, ro, noexec, nosuid, nodev, ...");
      continue;
    }
    bool duplicate =
        std::any_of(out.begin(), out.end(), [&](const auto& t) { return t.first == path; });
    if (duplicate) {
      s.error_at("tmpfs", "tmpfs lists " + quoted(path) + " more than once");
      continue;
    }
    out.emplace_back(path, options);
  }
  std::sort(out.begin(), out.end());
}

void parse_cap_add(Section& s) { parse_capabilities(s, "cap_add", s.def().service.cap_add); }
void parse_cap_drop(Section& s) { parse_capabilities(s, "cap_drop", s.def().service.cap_drop); }

void parse_extra_hosts(Section& s) {
  auto entries = s.strings("extra_hosts", "an array of \"host:ip\" strings", false);
  if (!entries) return;
  for (const auto& entry : *entries) {
    auto colon = entry.find(':');
    std::string host = entry.substr(0, colon);
    std::string ip = colon == std::string::npos ? "" : entry.substr(colon + 1);
    if (!valid_hostname(host) || !(ip == "host-gateway" || valid_ipv4(ip) || valid_ipv6(ip))) {
      s.error_at("extra_hosts", "extra_hosts entry " + quoted(entry) +
                                    " must be \"host:ip\" (an IPv4 or IPv6 address, or "
                                    "\"host-gateway\" for the host)");
      continue;
    }
    s.def().service.extra_hosts.push_back(entry);
  }
}

void parse_env_file(Section& s) {
  auto files = s.strings("env_file", "an array of file names", false);
  if (!files) return;
  for (const auto& file : *files) {
    bool escapes = file.starts_with('/') || file == ".." || file.starts_with("../") ||
                   file.find("/../") != std::string::npos || file.ends_with("/..");
    if (file.empty() || has_control_chars(file)) {
      s.error_at("env_file", "env_file entry " + quoted(file) + " is not a file name");
    } else if (escapes && s.def().layer == Layer::Workspace) {
      // An untrusted definition must not read files beside it into a container.
      s.error_at("env_file", "env_file entry " + quoted(file) +
                                 " leaves the workspace layer's directory; a workspace "
                                 "definition may only name files beside it");
    } else {
      s.def().service.env_files.push_back(file);
    }
  }
}

void parse_ports(Section& s) {
  const toml::node* node = s.table().get("ports");
  if (!node) return;
  s.def().lines["ports"] = line_of(*node);
  const toml::array* array = node->as_array();
  if (!array) {
    s.error_at("ports", "ports must be an array like [\"5432\", \"127.0.0.1:15432:5432\"]");
    return;
  }
  auto& out = s.def().service.ports;
  for (const auto& item : *array) {
    std::string text;
    if (const auto* n = item.as_integer()) {
      text = std::to_string(n->get());
    } else if (const auto* str = item.as_string()) {
      text = str->get();
    } else {
      s.error(line_of(item), "ports entries must be strings or port numbers");
      continue;
    }
    std::string why;
    auto binding = parse_port_spec(text, why);
    if (!binding) {
      s.error(line_of(item), "ports entry " + quoted(text) + ": " + why);
      continue;
    }
    bool clash =
        binding->host_port != 0 && std::any_of(out.begin(), out.end(), [&](const PortBinding& b) {
          return b.host_port == binding->host_port && b.protocol == binding->protocol &&
                 b.host_ip == binding->host_ip;
        });
    if (clash) {
      s.error(line_of(item), "ports entry " + quoted(text) + " publishes host port " +
                                 std::to_string(binding->host_port) + " a second time");
      continue;
    }
    out.push_back(*binding);
  }
}

void parse_ulimits(Section& top) {
  const toml::table* table = top.subtable("ulimits");
  if (!table) return;
  Section s = top.child(*table, "ulimits");
  s.reject_unknown(keys_of("ulimits"));
  for (auto name : keys_of("ulimits")) {
    if (s.has(name)) parse_ulimit(s, name);
  }
  auto& limits = s.def().service.ulimits;
  std::sort(limits.begin(), limits.end(),
            [](const Ulimit& a, const Ulimit& b) { return a.name < b.name; });
}

void parse_labels(Section& top) {
  const toml::table* table = top.subtable("labels");
  if (!table) return;
  Section s = top.child(*table, "labels");
  for (auto&& [key, node] : *table) {
    std::string name(key.str());
    int line = line_of(node);
    std::string folded = name;
    for (char& c : folded) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (name.empty() || name.size() > 256 || has_control_chars(name) ||
        name.find('=') != std::string::npos) {
      s.error(line, "label name " + quoted(name) +
                        " must be 1..256 characters without \"=\" or "
                        "control characters");
      continue;
    }
    if (folded.starts_with("swarmforge.")) {
      s.error(line, "label " + quoted(name) +
                        " is reserved: run-anvil sets the swarmforge.* labels itself and they "
                        "decide which containers it owns");
      continue;
    }
    s.def().lines["labels." + name] = line;
    const auto* value = node.as_string();
    if (!value || value->get().find('\0') != std::string::npos) {
      s.error(line, "labels." + name + " must be a string");
    } else if (mentions_secret(value->get())) {
      s.error(line, "labels." + name +
                        " holds a secret reference, but labels are shown by `docker inspect` to "
                        "anyone; pass secrets in [env]");
    } else {
      s.def().service.labels[name] = value->get();
    }
  }
}

void parse_healthcheck(Section& top) {
  const toml::table* table = top.subtable("healthcheck");
  if (!table) return;
  Section s = top.child(*table, "healthcheck");
  s.reject_unknown(keys_of("healthcheck"));
  Healthcheck& hc = s.def().service.healthcheck.emplace();
  parse_healthcheck_test(s);
  if (auto d = s.duration("interval")) hc.interval = *d;
  if (auto d = s.duration("timeout")) hc.timeout = *d;
  if (auto d = s.duration("start_period")) hc.start_period = *d;
  if (auto n = s.integer("retries", "an integer 0..10000")) {
    if (*n < 0 || *n > 10000) {
      s.error_at("retries", "healthcheck.retries must be an integer 0..10000");
    } else {
      hc.retries = static_cast<int>(*n);
    }
  }
}

void parse_gpus(Section& s) {
  const toml::node* node = s.table().get("gpus");
  if (!node) return;
  s.def().lines["resources.gpus"] = line_of(*node);
  std::optional<int> gpus;
  if (const auto* text = node->as_string()) {
    if (text->get() == "all") {
      gpus = -1;
    } else if (!text->get().empty() && text->get().size() <= 4 &&
               std::all_of(text->get().begin(), text->get().end(), is_digit)) {
      gpus = std::stoi(text->get());
    }
  } else if (const auto* n = node->as_integer()) {
    if (n->get() >= 1 && n->get() <= 1024) gpus = static_cast<int>(n->get());
  }
  if (!gpus || *gpus == 0 || *gpus > 1024) {
    s.error_at("gpus", "resources.gpus must be \"all\" or a number of GPUs 1..1024");
    return;
  }
  s.def().resources.gpus = *gpus;
}

void parse_readiness_modes(Section& s) {
  forbid_unless(s, "path", ReadinessMode::Http);
  forbid_unless(s, "status", ReadinessMode::Http);
  forbid_unless(s, "pattern", ReadinessMode::Log);
  forbid_unless(s, "occurrences", ReadinessMode::Log);
  const Readiness& r = s.def().readiness;
  if (!r.mode_explicit) return;
  if (r.mode == ReadinessMode::Http) parse_http_keys(s);
  if (r.mode == ReadinessMode::Log) parse_log_keys(s);
}

}  // namespace run_anvil::sidecars::detail
