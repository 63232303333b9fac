#include "run_anvil/launcher/run/harness.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/os/env.h"

namespace run_anvil::launcher {
namespace {

using nlohmann::json;

std::string mcp_url(const sidecars::Definition& d) {
  return "http://" + d.canonical_alias() + ":" + std::to_string(d.interface.port) +
         (d.interface.mcp_path.empty() ? std::string("/mcp") : d.interface.mcp_path);
}

std::string temp_root() {
  auto tmp = process_env("TMPDIR");
  return tmp && !tmp->empty() && tmp->front() == '/' ? *tmp : "/tmp";
}

constexpr std::string_view kDirPrefix = "run-anvil-harness-";

// The PID in "run-anvil-harness-<pid>-XXXXXX", or 0 when the name is not of that form.
pid_t owner_pid(std::string_view name) {
  if (!name.starts_with(kDirPrefix)) return 0;
  name.remove_prefix(kDirPrefix.size());
  const auto dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9) return 0;
  pid_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

bool process_is_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

std::vector<std::string> remove_dead_harness_dirs() {
  std::vector<std::string> removed;
  const std::string root = temp_root();
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return removed;
  while (const dirent* entry = ::readdir(dir)) {
    const pid_t pid = owner_pid(entry->d_name);
    if (pid <= 0 || !process_is_gone(pid)) continue;
    const std::string path = root + "/" + entry->d_name;
    struct stat st {};
    // Only a real directory of ours: never follow a symlink someone planted under that name.
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) {
      continue;
    }
    ::unlink((path + "/mcp.json").c_str());
    if (::rmdir(path.c_str()) == 0) removed.push_back(path);
  }
  ::closedir(dir);
  return removed;
}

std::optional<Harness> parse_harness(std::string_view name) {
  if (name == "claude") return Harness::Claude;
  if (name == "opencode") return Harness::Opencode;
  return std::nullopt;
}

std::string mcp_config_fragment(Harness harness,
                                const std::vector<sidecars::Definition>& definitions) {
  json servers = json::object();
  for (const auto& d : definitions) {
    if (d.interface.kind != sidecars::InterfaceKind::Mcp) continue;
    if (harness == Harness::Claude) {
      servers[d.canonical_alias()] = {{"type", "http"}, {"url", mcp_url(d)}};
    } else {
      servers[d.canonical_alias()] = {{"type", "remote"}, {"url", mcp_url(d)}, {"enabled", true}};
    }
  }
  json doc = harness == Harness::Claude
                 ? json{{"mcpServers", servers}}
                 : json{{"$schema", "https://opencode.ai/config.json"}, {"mcp", servers}};
  return doc.dump(2) + "\n";
}

std::string harness_config_path(Harness harness) {
  return harness == Harness::Claude ? "/run/swarmforge/mcp.json" : "/run/swarmforge/opencode.json";
}

HarnessInjection harness_injection(Harness harness, const std::string& host_path) {
  HarnessInjection out;
  const std::string in_anvil = harness_config_path(harness);
  if (harness == Harness::Opencode) out.env.emplace_back("OPENCODE_CONFIG", in_anvil);
  out.env.emplace_back("SWARMFORGE_MCP_CONFIG", in_anvil);
  out.options = {"-v", host_path + ":" + in_anvil + ":ro"};
  return out;
}

HarnessConfigFile::HarnessConfigFile(const std::string& content) {
  // The launcher's PID in the name lets a later launch remove it when a SIGKILL left it behind.
  std::string pattern =
      temp_root() + "/" + std::string(kDirPrefix) + std::to_string(::getpid()) + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw Error("cannot create a temp directory for the harness's MCP config in " + temp_root() +
                ": " + std::strerror(errno));
  }
  dir_ = pattern;
  path_ = dir_ + "/mcp.json";
  FILE* f = std::fopen(path_.c_str(), "wx");
  bool ok = f != nullptr && std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const int err = errno;
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  if (!ok || chmod(path_.c_str(), 0644) != 0) {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
    throw Error("cannot write " + path_ + ": " + std::strerror(err != 0 ? err : errno));
  }
}

HarnessConfigFile::~HarnessConfigFile() {
  std::remove(path_.c_str());
  rmdir(dir_.c_str());
}

std::unique_ptr<HarnessConfigFile> prepare_harness(
    const std::string& harness, const std::vector<sidecars::Definition>& definitions,
    bool daemon_is_local, bool write, sidecars::PlanOptions& plan_options) {
  if (harness.empty()) return nullptr;
  const std::optional<Harness> which = parse_harness(harness);
  if (!which) throw UsageError("--harness must be claude or opencode (got " + harness + ")");
  if (!daemon_is_local) {
    throw Error(
        "--harness mounts a file of this host into the anvil, which needs a local Docker "
        "daemon (DOCKER_HOST points elsewhere)");
  }
  std::unique_ptr<HarnessConfigFile> file;
  std::string host_path = temp_root() + "/run-anvil-harness-<pid>-XXXXXX/mcp.json";
  if (write) {
    remove_dead_harness_dirs();
    file = std::make_unique<HarnessConfigFile>(mcp_config_fragment(*which, definitions));
    host_path = file->path();
  }
  HarnessInjection injection = harness_injection(*which, host_path);
  plan_options.anvil_env.insert(plan_options.anvil_env.end(), injection.env.begin(),
                                injection.env.end());
  plan_options.anvil_options.insert(plan_options.anvil_options.end(), injection.options.begin(),
                                    injection.options.end());
  return file;
}

}  // namespace run_anvil::launcher
