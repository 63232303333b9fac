#pragma once

#include <functional>
#include <optional>
#include <string>

// Where the Docker daemon is and how to dial it. Split from the transport so the lookup rules
// (DOCKER_HOST, docker contexts) are testable against temp directories and a fake environment.
namespace run_anvil::launcher {

// The value of an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// resolve_docker_endpoint() (http_transport.h) with the environment supplied: DOCKER_HOST,
// DOCKER_CONTEXT, DOCKER_CONFIG, DOCKER_TLS_VERIFY and HOME are read through `env` only.
std::string resolve_docker_endpoint(const EnvLookup& env);

// An endpoint split into what libcurl needs.
struct DialTarget {
  bool is_unix = false;
  std::string socket_path;  // unix only, e.g. "/var/run/docker.sock"
  std::string base_url;     // "http://localhost" (unix) or "http://host:port" (tcp)
};

// Parses "unix:///path" or "tcp://host[:port]" (port defaults to 2375). Throws Error naming the
// scheme for anything else (ssh://, npipe://, fd://, no scheme).
DialTarget parse_docker_endpoint(const std::string& endpoint);

}  // namespace run_anvil::launcher
