#include "run_options.h"

#include <algorithm>
#include <iterator>

namespace run_anvil::sidecars::run_options {
namespace {

// The tables are packed by hand: clang-format would put one name per line.
// clang-format off
// `docker run` / `docker container run` options that take a value (docker CLI 24-28), hidden
// aliases and Windows-only ones included: a user may still type them.
constexpr std::string_view kDockerRunValues[] = {
    "add-host", "annotation", "attach", "blkio-weight", "blkio-weight-device", "cap-add",
    "cap-drop", "cgroup-parent", "cgroupns", "cidfile", "cpu-count", "cpu-percent", "cpu-period",
    "cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "cpu-shares", "cpus", "cpuset-cpus",
    "cpuset-mems", "detach-keys", "device", "device-cgroup-rule", "device-read-bps",
    "device-read-iops", "device-write-bps", "device-write-iops", "dns", "dns-opt", "dns-option",
    "dns-search", "domainname", "entrypoint", "env", "env-file", "expose", "gpus", "group-add",
    "health-cmd", "health-interval", "health-retries", "health-start-interval",
    "health-start-period", "health-timeout", "hostname", "io-maxbandwidth", "io-maxiops", "ip",
    "ip6", "ipc", "isolation", "kernel-memory", "label", "label-file", "link", "link-local-ip",
    "log-driver", "log-opt", "mac-address", "memory", "memory-reservation", "memory-swap",
    "memory-swappiness", "mount", "name", "net", "net-alias", "network", "network-alias",
    "oom-score-adj", "pid", "pids-limit", "platform", "publish", "pull", "restart", "runtime",
    "security-opt", "shm-size", "stop-signal", "stop-timeout", "storage-opt", "sysctl", "tmpfs",
    "ulimit", "user", "userns", "uts", "volume", "volume-driver", "volumes-from", "workdir"
};

// Value options podman's run adds on top of docker's (podman 4-5).
constexpr std::string_view kPodmanRunExtraValues[] = {
    "arch", "authfile", "cgroup-conf", "cgroups", "chrootdirs", "conmon-pidfile", "decryption-key",
    "env-merge", "gidmap", "group-entry", "health-log-destination", "health-max-log-count",
    "health-max-log-size", "health-on-failure", "health-startup-cmd", "health-startup-interval",
    "health-startup-retries", "health-startup-success", "health-startup-timeout", "hosts-file",
    "hostuser", "image-volume", "init-path", "os", "passwd-entry", "personality", "pidfile", "pod",
    "pod-id-file", "preserve-fd", "preserve-fds", "rdt-class", "requires", "retry", "retry-delay",
    "sdnotify", "seccomp-policy", "secret", "shm-size-systemd", "signature-policy", "subgidname",
    "subuidname", "systemd", "timeout", "tz", "uidmap", "umask", "unsetenv", "variant"
};

constexpr std::string_view kDockerGlobalValues[] = {
    "config", "context", "host", "log-level", "tlscacert", "tlscert", "tlskey"
};

constexpr std::string_view kPodmanGlobalValues[] = {
    "cdi-spec-dir", "cgroup-manager", "config", "conmon", "connection", "db-backend",
    "events-backend", "hooks-dir", "identity", "imagestore", "log-level", "module",
    "network-backend", "network-cmd-path", "network-config-dir", "out", "registries-conf", "root",
    "runroot", "runtime", "runtime-flag", "ssh", "storage-driver", "storage-opt", "tmpdir", "url"
};

// clang-format on

// Short letters with a value; the rest (-d -i -t -P -q, -D, -r ...) are flags. The run letters
// are the same for both engines.
constexpr std::string_view kRunShortValues = "acehlmpuvw";
constexpr std::string_view kDockerGlobalShortValues = "cHl";
constexpr std::string_view kPodmanGlobalShortValues = "c";

template <std::size_t N>
bool contains(const std::string_view (&table)[N], std::string_view name) {
  return std::find(std::begin(table), std::end(table), name) != std::end(table);
}

}  // namespace

// An unknown long option is taken as a boolean. Guessing "takes a value" would swallow the image
// of `docker run --some-new-flag img` and make the first command argument the image; guessing
// boolean only goes wrong for a new value option written as `--opt value`, and `--opt=value`
// (one token) is always right. Keeping the tables current is the real fix.
bool long_takes_value(Engine engine, Scope scope, std::string_view name) {
  if (scope == Scope::Global) {
    return engine == Engine::Docker ? contains(kDockerGlobalValues, name)
                                    : contains(kPodmanGlobalValues, name);
  }
  if (contains(kDockerRunValues, name)) return true;
  return engine == Engine::Podman && contains(kPodmanRunExtraValues, name);
}

bool short_takes_value(Engine engine, Scope scope, char letter) {
  std::string_view letters = kRunShortValues;
  if (scope == Scope::Global) {
    letters = engine == Engine::Docker ? kDockerGlobalShortValues : kPodmanGlobalShortValues;
  }
  return letters.find(letter) != std::string_view::npos;
}

}  // namespace run_anvil::sidecars::run_options
