#pragma once

#include <optional>
#include <string>

#include "run_anvil/launcher/os/env.h"

// Where the Docker daemon is and how to dial it. Split from the transport so the lookup rules
// (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, docker contexts) are testable against temp
// directories and a fake environment.
namespace run_anvil::launcher {

// Client TLS material as the docker CLI finds it: files ca.pem, cert.pem, key.pem in
// DOCKER_CERT_PATH (default: the docker config directory, ~/.docker) or in a context's
// contexts/tls/<sha256(name)>/docker/ directory. A path is "" when that file does not exist.
struct TlsFiles {
  std::string ca;
  std::string cert;
  std::string key;
  bool verify = true;  // check the daemon's certificate against `ca` (DOCKER_TLS_VERIFY)
};

struct DockerEndpoint {
  std::string host;             // "unix:///path", "tcp://host:port" or "ssh://[user@]host[:port]"
  std::optional<TlsFiles> tls;  // tcp:// only
};

// DOCKER_HOST if set (with TLS when DOCKER_TLS_VERIFY or DOCKER_TLS is non-empty), else the
// docker CLI's current context (DOCKER_CONTEXT, else ~/.docker/config.json currentContext,
// resolved through ~/.docker/contexts/meta/*/meta.json, with its TLS directory), else
// unix:///var/run/docker.sock. DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH,
// DOCKER_CONTEXT, DOCKER_CONFIG and HOME are read through `env` only. Throws Error for an
// unsupported scheme (npipe://, fd://) naming it and where it came from, and for TLS
// verification without a CA file.
DockerEndpoint find_docker_endpoint(const EnvLookup& env);
// The same over the process environment.
DockerEndpoint find_docker_endpoint();
// find_docker_endpoint(env).host.
std::string resolve_docker_endpoint(const EnvLookup& env);

// An endpoint split into what the transport needs.
struct DialTarget {
  enum class Kind { Unix, Tcp, Ssh };
  Kind kind = Kind::Unix;
  bool is_unix = false;     // kind == Unix
  std::string socket_path;  // unix only, e.g. "/var/run/docker.sock"
  std::string base_url;     // "http://localhost" (unix, ssh), "http[s]://host:port" (tcp)
  std::string ssh_user;     // ssh only; "" lets ssh choose (its config, then the local user)
  std::string ssh_host;     // ssh only
  std::string ssh_port;     // ssh only; "" lets ssh choose
};

// Parses "unix:///path", "tcp://host[:port]" (port 2375, or 2376 with TLS; https with TLS) or
// "ssh://[user@]host[:port]". Throws Error naming the scheme for anything else (npipe://,
// fd://, no scheme).
DialTarget parse_docker_endpoint(const std::string& endpoint, bool tls = false);

}  // namespace run_anvil::launcher
