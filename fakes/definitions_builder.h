#pragma once

#include <string>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"

// Small builders so tests state only what matters to them.
namespace run_anvil::fakes {

inline sidecars::Definition port_sidecar(const std::string& name, int port,
                                         std::vector<std::string> depends_on = {}) {
  sidecars::Definition d;
  d.name = name;
  d.file = "/repo/" + name + ".toml";
  d.layer = sidecars::Layer::Repo;
  d.lifecycle = sidecars::Lifecycle::Shared;
  d.image = "img/" + name + ":1";
  d.command = std::vector<std::string>{"serve", name};
  d.restart = "unless-stopped";
  d.interface.kind = sidecars::InterfaceKind::Port;
  d.interface.port = port;
  d.readiness.mode = sidecars::ReadinessMode::Tcp;
  d.depends_on = std::move(depends_on);
  return d;
}

inline sidecars::Definition none_sidecar(
    const std::string& name, sidecars::ReadinessMode mode = sidecars::ReadinessMode::None) {
  sidecars::Definition d = port_sidecar(name, 0);
  d.interface.kind = sidecars::InterfaceKind::None;
  d.interface.port = 0;
  d.readiness.mode = mode;
  d.readiness.mode_explicit = true;
  return d;
}

}  // namespace run_anvil::fakes
