#include "definition_keys.h"

#include <array>

namespace run_anvil::sidecars::detail {
namespace {

// Shared schema fragments.
constexpr std::string_view kArgv = R"({"type":"array","items":{"type":"string"},"minItems":1})";
constexpr std::string_view kNames = R"({"type":"array","items":{"type":"string"}})";
constexpr std::string_view kDuration =
    R"({"anyOf":[{"type":"string","pattern":"^[0-9]+(\\.[0-9]{1,9})?(ms|s|m|h)?$"},{"type":"number","exclusiveMinimum":0,"maximum":86400}]})";
constexpr std::string_view kSize =
    R"({"anyOf":[{"type":"string","pattern":"^[0-9]+[kKmMgG]?[bB]?$"},{"type":"integer","minimum":1}]})";
constexpr std::string_view kUlimit =
    R"({"anyOf":[{"type":"integer","minimum":-1},{"type":"object","properties":{"soft":{"type":"integer","minimum":-1},"hard":{"type":"integer","minimum":-1}},"required":["soft","hard"],"additionalProperties":false}]})";
constexpr std::string_view kTable = R"({"type":"object"})";
constexpr std::string_view kCapabilities =
    R"({"type":"array","items":{"type":"string","pattern":"^([Cc][Aa][Pp]_)?[A-Za-z_]+$"}})";

// Every ulimit name docker accepts (pkg/units ulimitNameMapping).
#define RA_ULIMIT(name, what) \
  { "ulimits", name, kUlimit, what, nullptr }

constexpr KeySpec kKeys[] = {
    // Top level (SPEC §4).
    {"", "description", R"({"type":"string"})", "Informational", nullptr},
    {"", "lifecycle", R"({"enum":["shared","session"]})",
     "shared: one long-lived container; session: lives as long as one anvil run", nullptr},
    {"", "image", R"({"type":"string","minLength":1})", "Image reference", nullptr},
    {"", "command", kArgv, "Argv passed to the entrypoint", nullptr},
    {"", "entrypoint", kArgv, "Overrides the image's entrypoint", nullptr},
    {"", "depends_on", kNames, "Sidecars started and ready first", nullptr},
    {"", "mounts",
     R"({"type":"array","items":{"enum":["workspace","workspace:ro","workspace:rw","docker-socket","docker-socket:ro","docker-socket:rw"]}})",
     "workspace[:ro|rw] | docker-socket[:ro|rw]", nullptr},
    {"", "restart", R"({"enum":["no","always","unless-stopped","on-failure"]})",
     "Restart policy; default unless-stopped (shared), no (session)", nullptr},
    {"", "disable", R"({"type":"boolean"})", "Removes an inherited definition of this name",
     nullptr},
    // SPEC §12.
    {"", "user",
     R"({"type":"string","pattern":"^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$"})",
     "\"name\" | \"uid\" | \"uid:gid\"", parse_user},
    {"", "working_dir", R"({"type":"string","pattern":"^/"})", "Working directory (absolute)",
     parse_working_dir},
    {"", "init", R"({"type":"boolean"})", "Run an init process (tini) as PID 1", parse_init},
    {"", "shm_size", kSize, "Size of /dev/shm, e.g. \"256m\"", parse_shm_size},
    {"", "tmpfs", R"({"type":"array","items":{"type":"string","pattern":"^/[^:]*(:.*)?$"}})",
     "\"/path\" or \"/path:size=64m,mode=1777\"", parse_tmpfs},
    {"", "cap_add", kCapabilities, "Linux capabilities to add, e.g. \"NET_ADMIN\"", parse_cap_add},
    {"", "cap_drop", kCapabilities, "Linux capabilities to drop, e.g. \"ALL\"", parse_cap_drop},
    {"", "extra_hosts", R"({"type":"array","items":{"type":"string","pattern":"^[^:]+:.+$"}})",
     "\"host:ip\" entries for /etc/hosts (ip may be host-gateway)", parse_extra_hosts},
    {"", "env_file", R"({"type":"array","items":{"type":"string","minLength":1}})",
     "KEY=VALUE files relative to the definition file; [env] wins on a clash", parse_env_file},
    {"", "ports",
     R"({"type":"array","items":{"anyOf":[{"type":"integer","minimum":1,"maximum":65535},{"type":"string","pattern":"^(((\\[[0-9a-fA-F:.]+\\]|[0-9.]+):)?([0-9]*):)?[0-9]+(/(tcp|udp))?$"}]}})",
     "Publish on the host: \"5432\" (127.0.0.1, any free port), \"15432:5432\", "
     "\"127.0.0.1:15432:5432\"",
     parse_ports},
    {"", "ulimits", kTable, "Resource limits: nofile = 65536 or { soft = 1024, hard = 65536 }",
     parse_ulimits},
    {"", "labels", kTable, "Extra container labels (not swarmforge.*)", parse_labels},
    {"", "healthcheck", kTable, "The container's HEALTHCHECK", parse_healthcheck},
    // SPEC §11-§12 (issue 12); parsed together in parse_volumes.cc (parse_volumes, parse_stop),
    // after [interface], whose mountpoint a volume must not reuse.
    {"", "volumes",
     R"({"type":"array","items":{"type":"string","pattern":"^[^:]+:/[^:]*(:(ro|rw))?$"}})",
     "\"NAME:/path[:ro|rw]\" (a managed volume, kept across recreate and down), "
     "\"/abs:/path[:ro|rw]\" or \"./rel:/path[:ro|rw]\" (a bind mount, relative to this file)",
     nullptr},
    {"", "stop_signal",
     R"({"type":"string","pattern":"^(([Ss][Ii][Gg])?[A-Za-z]+[0-9]*|[0-9]{1,2})$"})",
     "Signal that asks the process to stop, e.g. \"SIGINT\"; default the image's STOPSIGNAL",
     nullptr},
    {"", "stop_timeout", kDuration,
     "Grace before SIGKILL on stop (whole seconds, rounded up); default 10s", nullptr},
    {"", "interface", kTable, "How the anvil reaches the sidecar", nullptr},
    {"", "readiness", kTable, "When the sidecar counts as ready", nullptr},
    {"", "env", kTable, "Environment; values may hold ${secret:<provider>:<ref>}", nullptr},
    {"", "resources", kTable, "Limits and devices", nullptr},

    {"interface", "kind", R"({"enum":["port","none","volume","mcp"]})", "Required", nullptr},
    {"interface", "port", R"({"type":"integer","minimum":1,"maximum":65535})",
     "Port on the anvil's network (port and mcp)", nullptr},
    {"interface", "aliases", kNames, "Extra DNS names on the anvil's network", nullptr},
    {"interface", "name", R"({"type":"string"})", "mcp: the canonical alias", nullptr},
    {"interface", "path", R"({"type":"string","pattern":"^/"})", "mcp: URL path (default /mcp)",
     nullptr},
    {"interface", "volume", R"({"type":"string"})", "volume: the named volume", nullptr},
    {"interface", "mountpoint", R"({"type":"string","pattern":"^/."})",
     "volume: where it is mounted in sidecar and anvil", nullptr},

    {"readiness", "mode", R"({"enum":["tcp","http","log","healthcheck","exec","none"]})",
     "Default tcp for port/mcp", nullptr},
    {"readiness", "timeout", kDuration, "Default 30s", nullptr},
    {"readiness", "interval", kDuration, "Poll interval", nullptr},
    {"readiness", "command", kArgv, "exec: ready when it exits 0 inside the sidecar", nullptr},
    {"readiness", "path", R"({"type":"string","pattern":"^/"})", "http: request path (default /)",
     nullptr},
    {"readiness", "status",
     R"({"type":"array","items":{"type":"integer","minimum":100,"maximum":599},"minItems":1})",
     "http: accepted status codes (default any 2xx or 3xx)", nullptr},
    {"readiness", "pattern", R"({"type":"string","minLength":1})",
     "log: ECMAScript regex matched against each stdout/stderr line", nullptr},
    {"readiness", "occurrences", R"({"type":"integer","minimum":1,"maximum":1000})",
     "log: matching lines needed since the container's current start (default 1)", nullptr},

    {"resources", "memory", kSize, "Memory limit, e.g. \"512m\"", nullptr},
    {"resources", "cpus",
     R"({"anyOf":[{"type":"string","pattern":"^[0-9]+(\\.[0-9]+)?$"},{"type":"number","exclusiveMinimum":0}]})",
     "CPU limit, e.g. \"1.5\"", nullptr},
    {"resources", "gpus",
     R"({"anyOf":[{"const":"all"},{"type":"integer","minimum":1,"maximum":1024}]})",
     "GPUs: \"all\" or a count", parse_gpus},

    {"healthcheck", "test",
     R"({"anyOf":[{"type":"string","minLength":1},{"type":"array","items":{"type":"string"},"minItems":1}]})",
     "[\"CMD\", ...] | [\"CMD-SHELL\", \"...\"] | [\"NONE\"] | a shell command string", nullptr},
    {"healthcheck", "interval", kDuration, "Between checks", nullptr},
    {"healthcheck", "timeout", kDuration, "One check's limit", nullptr},
    {"healthcheck", "retries", R"({"type":"integer","minimum":0,"maximum":10000})",
     "Failures before unhealthy", nullptr},
    {"healthcheck", "start_period", kDuration, "Failures during it do not count", nullptr},

    RA_ULIMIT("core", "core file size"),
    RA_ULIMIT("cpu", "CPU time (s)"),
    RA_ULIMIT("data", "data segment size"),
    RA_ULIMIT("fsize", "file size"),
    RA_ULIMIT("locks", "file locks"),
    RA_ULIMIT("memlock", "locked memory"),
    RA_ULIMIT("msgqueue", "POSIX message queue bytes"),
    RA_ULIMIT("nice", "nice ceiling"),
    RA_ULIMIT("nofile", "open files"),
    RA_ULIMIT("nproc", "processes"),
    RA_ULIMIT("rss", "resident set size"),
    RA_ULIMIT("rtprio", "real-time priority"),
    RA_ULIMIT("rttime", "real-time CPU time"),
    RA_ULIMIT("sigpending", "pending signals"),
    RA_ULIMIT("stack", "stack size"),
};

#undef RA_ULIMIT

}  // namespace

std::span<const KeySpec> definition_keys() { return kKeys; }

std::vector<std::string_view> keys_of(std::string_view table) {
  std::vector<std::string_view> out;
  for (const auto& k : kKeys) {
    if (k.table == table) out.push_back(k.key);
  }
  return out;
}

void parse_table_keys(Section& s, std::string_view table) {
  for (const auto& k : kKeys) {
    if (k.table == table && k.parse) k.parse(s);
  }
}

}  // namespace run_anvil::sidecars::detail
