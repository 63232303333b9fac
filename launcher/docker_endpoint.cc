#include "run_anvil/launcher/docker_endpoint.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/http_transport.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kDefaultEndpoint = "unix:///var/run/docker.sock";

std::optional<std::string> non_empty(const std::optional<std::string>& value) {
  if (value && !value->empty()) return value;
  return std::nullopt;
}

// nullopt when the file does not exist; Error when it exists but is not JSON, because silently
// falling back to the default daemon could start sidecars on the wrong engine.
std::optional<json> read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  json parsed = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw Error(path.string() + ": not valid JSON; fix or remove it (the docker CLI reads it too)");
  }
  return parsed;
}

std::string string_at(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<fs::path> docker_config_dir(const EnvLookup& env) {
  if (auto dir = non_empty(env("DOCKER_CONFIG"))) return fs::path(*dir);
  if (auto home = non_empty(env("HOME"))) return fs::path(*home) / ".docker";
  return std::nullopt;
}

struct ContextEndpoint {
  std::string host;
  bool uses_tls = false;
};

// Context directories are named by a hash of the context name; scanning for the Name field
// finds the same directory without depending on that hash.
std::optional<ContextEndpoint> find_context(const fs::path& config_dir, const std::string& name) {
  const fs::path meta_root = config_dir / "contexts" / "meta";
  std::error_code ec;
  for (fs::directory_iterator it(meta_root, ec), end; !ec && it != end; it.increment(ec)) {
    std::optional<json> meta;
    try {
      meta = read_json_file(it->path() / "meta.json");
    } catch (const Error&) {
      continue;  // another context's broken file must not block this one; docker skips it too
    }
    if (!meta || string_at(*meta, "Name") != name) continue;
    ContextEndpoint found;
    if (meta->contains("Endpoints") && (*meta)["Endpoints"].contains("docker")) {
      found.host = string_at((*meta)["Endpoints"]["docker"], "Host");
    }
    const fs::path tls_dir = config_dir / "contexts" / "tls" / it->path().filename() / "docker";
    found.uses_tls = fs::exists(tls_dir, ec);
    return found;
  }
  return std::nullopt;
}

// Re-raises a parse failure with where the endpoint came from, so the user knows what to edit.
void check_endpoint(const std::string& endpoint, const std::string& source) {
  try {
    parse_docker_endpoint(endpoint);
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
}

std::string from_context(const EnvLookup& env, const std::optional<fs::path>& config_dir) {
  std::string context;
  std::string source;
  if (auto named = non_empty(env("DOCKER_CONTEXT"))) {
    context = *named;
    source = "DOCKER_CONTEXT";
  } else if (config_dir) {
    const fs::path config_file = *config_dir / "config.json";
    if (auto config = read_json_file(config_file)) context = string_at(*config, "currentContext");
    source = config_file.string() + " (currentContext)";
  }
  if (context.empty() || context == "default") return kDefaultEndpoint;

  const std::string what = "docker context \"" + context + "\" selected by " + source;
  if (!config_dir) throw Error(what + ": neither DOCKER_CONFIG nor HOME is set to find it");
  auto found = find_context(*config_dir, context);
  if (!found) {
    throw Error(what + " does not exist under " + (*config_dir / "contexts").string() +
                "; run `docker context ls`, or set DOCKER_HOST");
  }
  if (found->host.empty()) return kDefaultEndpoint;
  check_endpoint(found->host, what);
  if (found->uses_tls && found->host.starts_with("tcp://")) {
    throw Error(what +
                " uses TLS, which run-anvil does not support; use a unix:// or plain "
                "tcp:// endpoint (DOCKER_HOST)");
  }
  return found->host;
}

}  // namespace

DialTarget parse_docker_endpoint(const std::string& endpoint) {
  const auto scheme_end = endpoint.find("://");
  if (scheme_end == std::string::npos) {
    throw Error("Docker endpoint \"" + endpoint +
                "\" has no scheme; use unix:///path/to/docker.sock or tcp://host:port");
  }
  const std::string scheme = endpoint.substr(0, scheme_end);
  std::string rest = endpoint.substr(scheme_end + 3);
  DialTarget target;
  if (scheme == "unix") {
    target.is_unix = true;
    target.socket_path = rest.empty() ? "/var/run/docker.sock" : rest;
    target.base_url = "http://localhost";
    return target;
  }
  if (scheme == "tcp") {
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    const auto path_start = rest.find('/');
    std::string authority = rest.substr(0, path_start);
    const std::string path = path_start == std::string::npos ? "" : rest.substr(path_start);
    // A bracketed IPv6 literal carries colons of its own; only a colon after it is a port.
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    const bool has_port =
        colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    if (authority.empty() || authority.front() == ':') authority = "127.0.0.1" + authority;
    if (!has_port) authority += ":2375";
    target.base_url = "http://" + authority + path;
    return target;
  }
  throw Error("unsupported Docker endpoint scheme " + scheme + ":// in \"" + endpoint +
              "\"; run-anvil talks to the daemon over unix:// or tcp:// only");
}

std::string resolve_docker_endpoint(const EnvLookup& env) {
  if (auto host = non_empty(env("DOCKER_HOST"))) {
    check_endpoint(*host, "DOCKER_HOST");
    if (host->starts_with("tcp://") && non_empty(env("DOCKER_TLS_VERIFY"))) {
      throw Error(
          "DOCKER_TLS_VERIFY is set but run-anvil does not support TLS to the daemon; "
          "use a unix:// or plain tcp:// DOCKER_HOST");
    }
    return *host;
  }
  return from_context(env, docker_config_dir(env));
}

std::string resolve_docker_endpoint() {
  return resolve_docker_endpoint([](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
}

}  // namespace run_anvil::launcher
