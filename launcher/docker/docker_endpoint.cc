#include "run_anvil/launcher/docker/docker_endpoint.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/docker/http_transport.h"

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
  bool skip_tls_verify = false;
  std::optional<fs::path> tls_dir;  // contexts/tls/<dir>/docker when it exists
};

// Context directories are named by a hash of the context name (sha256); scanning for the Name
// field finds the same directory without depending on that hash.
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
      const json& docker = (*meta)["Endpoints"]["docker"];
      found.host = string_at(docker, "Host");
      found.skip_tls_verify = docker.is_object() && docker.contains("SkipTLSVerify") &&
                              docker["SkipTLSVerify"].is_boolean() &&
                              docker["SkipTLSVerify"].get<bool>();
    }
    const fs::path tls_dir = config_dir / "contexts" / "tls" / it->path().filename() / "docker";
    std::error_code exists_ec;
    if (fs::is_directory(tls_dir, exists_ec)) found.tls_dir = tls_dir;
    return found;
  }
  return std::nullopt;
}

// ca.pem, cert.pem and key.pem of `dir`, each "" when absent. Verification needs the CA: the
// docker CLI refuses without one too, rather than trusting the system store silently.
TlsFiles tls_files_in(const fs::path& dir, bool verify, const std::string& source) {
  TlsFiles files;
  files.verify = verify;
  std::error_code ec;
  const auto existing = [&](const char* file) {
    const fs::path path = dir / file;
    return fs::is_regular_file(path, ec) ? path.string() : std::string();
  };
  files.ca = existing("ca.pem");
  files.cert = existing("cert.pem");
  files.key = existing("key.pem");
  if (verify && files.ca.empty()) {
    throw Error(source + ": TLS verification needs " + (dir / "ca.pem").string() +
                ", which does not exist (set DOCKER_CERT_PATH to the directory holding ca.pem, "
                "cert.pem and key.pem)");
  }
  if (files.cert.empty() != files.key.empty()) {
    throw Error(source + ": " + dir.string() +
                " holds only one of cert.pem and key.pem; a client " + "certificate needs both");
  }
  return files;
}

// Re-raises a parse failure with where the endpoint came from, so the user knows what to edit.
void check_endpoint(const DockerEndpoint& endpoint, const std::string& source) {
  try {
    parse_docker_endpoint(endpoint.host, endpoint.tls.has_value());
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
}

DockerEndpoint from_context(const EnvLookup& env, const std::optional<fs::path>& config_dir) {
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
  if (context.empty() || context == "default") return {kDefaultEndpoint, std::nullopt};

  const std::string what = "docker context \"" + context + "\" selected by " + source;
  if (!config_dir) throw Error(what + ": neither DOCKER_CONFIG nor HOME is set to find it");
  auto found = find_context(*config_dir, context);
  if (!found) {
    throw Error(what + " does not exist under " + (*config_dir / "contexts").string() +
                "; run `docker context ls`, or set DOCKER_HOST");
  }
  if (found->host.empty()) return {kDefaultEndpoint, std::nullopt};
  DockerEndpoint endpoint{found->host, std::nullopt};
  if (found->host.starts_with("tcp://") && found->tls_dir) {
    endpoint.tls = tls_files_in(*found->tls_dir, !found->skip_tls_verify, what);
  }
  check_endpoint(endpoint, what);
  return endpoint;
}

}  // namespace

namespace {

// "host", "host:port", "[v6]:port" -> {host, port}; the port is "" when absent.
std::pair<std::string, std::string> split_port(const std::string& authority) {
  // A bracketed IPv6 literal carries colons of its own; only a colon after it is a port.
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) {
    return {authority, ""};
  }
  return {authority.substr(0, colon), authority.substr(colon + 1)};
}

DialTarget parse_ssh(const std::string& endpoint, std::string rest) {
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  DialTarget target;
  target.kind = DialTarget::Kind::Ssh;
  target.base_url = "http://localhost";
  if (rest.find('/') != std::string::npos) {
    throw Error("Docker endpoint \"" + endpoint + "\": an ssh:// endpoint takes no path " +
                "(ssh://[user@]host[:port])");
  }
  const auto at = rest.rfind('@');
  if (at != std::string::npos) {
    target.ssh_user = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  auto [host, port] = split_port(rest);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  // A leading dash would make ssh read the host as an option.
  if (host.empty() || host.front() == '-' ||
      (!target.ssh_user.empty() && target.ssh_user.front() == '-')) {
    throw Error("Docker endpoint \"" + endpoint + "\" names no usable host " +
                "(ssh://[user@]host[:port])");
  }
  if (!port.empty() && port.find_first_not_of("0123456789") != std::string::npos) {
    throw Error("Docker endpoint \"" + endpoint + "\" has a port that is not a number");
  }
  target.ssh_host = host;
  target.ssh_port = port;
  return target;
}

}  // namespace

DialTarget parse_docker_endpoint(const std::string& endpoint, bool tls) {
  const auto scheme_end = endpoint.find("://");
  if (scheme_end == std::string::npos) {
    throw Error("Docker endpoint \"" + endpoint +
                "\" has no scheme; use unix:///path/to/docker.sock, tcp://host:port or "
                "ssh://[user@]host[:port]");
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
    target.kind = DialTarget::Kind::Tcp;
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    const auto path_start = rest.find('/');
    std::string authority = rest.substr(0, path_start);
    const std::string path = path_start == std::string::npos ? "" : rest.substr(path_start);
    const bool has_port = !split_port(authority).second.empty();
    if (authority.empty() || authority.front() == ':') authority = "127.0.0.1" + authority;
    if (!has_port) authority += tls ? ":2376" : ":2375";
    target.base_url = (tls ? "https://" : "http://") + authority + path;
    return target;
  }
  if (scheme == "ssh") return parse_ssh(endpoint, rest);
  throw Error("unsupported Docker endpoint scheme " + scheme + ":// in \"" + endpoint +
              "\"; run-anvil talks to the daemon over unix://, tcp:// or ssh:// only");
}

DockerEndpoint find_docker_endpoint(const EnvLookup& env) {
  if (auto host = non_empty(env("DOCKER_HOST"))) {
    DockerEndpoint endpoint{*host, std::nullopt};
    const bool verify = non_empty(env("DOCKER_TLS_VERIFY")).has_value();
    const bool tls = verify || non_empty(env("DOCKER_TLS")).has_value();
    if (tls && host->starts_with("tcp://")) {
      std::optional<fs::path> dir;
      if (auto cert_path = non_empty(env("DOCKER_CERT_PATH"))) {
        dir = fs::path(*cert_path);
      } else {
        dir = docker_config_dir(env);
      }
      if (!dir) throw Error("DOCKER_TLS_VERIFY: set DOCKER_CERT_PATH to find ca.pem");
      endpoint.tls = tls_files_in(*dir, verify, verify ? "DOCKER_TLS_VERIFY" : "DOCKER_TLS");
    }
    check_endpoint(endpoint, "DOCKER_HOST");
    return endpoint;
  }
  return from_context(env, docker_config_dir(env));
}

std::string resolve_docker_endpoint(const EnvLookup& env) { return find_docker_endpoint(env).host; }

DockerEndpoint find_docker_endpoint() { return find_docker_endpoint(process_env); }

std::string resolve_docker_endpoint() { return find_docker_endpoint().host; }

}  // namespace run_anvil::launcher
