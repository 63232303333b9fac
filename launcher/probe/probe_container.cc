#include "run_anvil/launcher/probe/probe_container.h"

#include "run_anvil/launcher/os/random_hex.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

std::string random_suffix() { return random_hex(4); }

}  // namespace

// $1 host, $2 port, $3 lifetime in seconds. Exit 0: accepted; 2: lifetime over.
const char* probe_script() {
  return "end=$(( $(date +%s) + $3 )); "
         "while :; do "
         "if nc -w 1 \"$1\" \"$2\" </dev/null >/dev/null 2>&1 || "
         "(exec 3<>\"/dev/tcp/$1/$2\") 2>/dev/null; then exit 0; fi; "
         "[ \"$(date +%s)\" -ge \"$end\" ] && exit 2; "
         "sleep 0.1; done";
}

ProbeContainer::ProbeContainer(Engine& docker, const std::string& image, const std::string& network,
                               const std::string& host, int port,
                               std::chrono::milliseconds lifetime,
                               const std::vector<std::string>& probe,
                               const std::vector<std::string>& more)
    : docker_(docker) {
  ContainerSpec spec;
  spec.name = "swarmforge-probe-" + sidecars::container_token(host) + "-" + random_suffix();
  spec.image = image;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(lifetime).count() + 1;
  std::vector<std::string> entrypoint = probe;
  if (entrypoint.empty()) entrypoint = {"sh", "-c", probe_script(), "probe"};
  entrypoint.insert(entrypoint.end(), {host, std::to_string(port), std::to_string(seconds)});
  if (!probe.empty()) entrypoint.insert(entrypoint.end(), more.begin(), more.end());
  spec.entrypoint = std::move(entrypoint);
  spec.cmd = std::vector<std::string>{};
  spec.labels = {{sidecars::kLabelManagedBy, sidecars::kManagedByValue},
                 {sidecars::kLabelProbe, host}};
  spec.network = network;
  id_ = docker_.create_container(spec);
  try {
    docker_.start_container(id_);
  } catch (...) {
    docker_.remove_container(id_);
    throw;
  }
}

ProbeContainer::~ProbeContainer() {
  try {
    docker_.remove_container(id_);
  } catch (...) {
    // Best effort: it is labelled, so `doctor` finds it if the daemon refused just now.
  }
}

ProbeContainer::State ProbeContainer::poll() {
  auto info = docker_.inspect_container(id_);
  if (!info) return State::Unusable;
  if (info->running || info->state == "created") return State::Waiting;
  return info->exit_code == 0 ? State::Succeeded : State::Unusable;
}

std::string ProbeContainer::last_line() {
  std::string out;
  try {
    out = docker_.logs_tail(id_, 1);
  } catch (const Error&) {
    return "";
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  auto newline = out.rfind('\n');
  return newline == std::string::npos ? out : out.substr(newline + 1);
}

}  // namespace run_anvil::launcher
