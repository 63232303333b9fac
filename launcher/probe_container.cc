#include "run_anvil/launcher/probe_container.h"

#include <random>

#include "run_anvil/sidecars/naming.h"

namespace run_anvil::launcher {
namespace {

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 8; ++i) s += hex[rng() % 16];
  return s;
}

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

ProbeContainer::ProbeContainer(DockerCLI& docker, const std::string& image,
                               const std::string& network, const std::string& host, int port,
                               std::chrono::milliseconds lifetime)
    : docker_(docker) {
  ContainerSpec spec;
  spec.name = "swarmforge-probe-" + sidecars::container_token(host) + "-" + random_suffix();
  spec.image = image;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(lifetime).count() + 1;
  spec.entrypoint = std::vector<std::string>{"sh", "-c", probe_script(), "probe", host,
                                             std::to_string(port), std::to_string(seconds)};
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

}  // namespace run_anvil::launcher
