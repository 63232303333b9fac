#include "run_anvil/sidecars/define/definition.h"

#include "run_anvil/sidecars/define/secret_ref.h"

namespace run_anvil::sidecars {

const char* to_string(Layer layer) {
  switch (layer) {
    case Layer::User:
      return "user";
    case Layer::Org:
      return "org";
    case Layer::Repo:
      return "repo";
    case Layer::Workspace:
      return "workspace";
  }
  return "?";
}

const char* to_string(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::Shared:
      return "shared";
    case Lifecycle::Session:
      return "session";
  }
  return "?";
}

const char* to_string(InterfaceKind kind) {
  switch (kind) {
    case InterfaceKind::Port:
      return "port";
    case InterfaceKind::None:
      return "none";
    case InterfaceKind::Volume:
      return "volume";
    case InterfaceKind::Mcp:
      return "mcp";
  }
  return "?";
}

const char* to_string(ReadinessMode mode) {
  switch (mode) {
    case ReadinessMode::Tcp:
      return "tcp";
    case ReadinessMode::Healthcheck:
      return "healthcheck";
    case ReadinessMode::Exec:
      return "exec";
    case ReadinessMode::None:
      return "none";
    case ReadinessMode::Http:
      return "http";
    case ReadinessMode::Log:
      return "log";
  }
  return "?";
}

bool Definition::has_secrets() const {
  for (const auto& [key, value] : env) {
    if (mentions_secret(value)) return true;
  }
  return false;
}

}  // namespace run_anvil::sidecars
