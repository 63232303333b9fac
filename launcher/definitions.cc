#include "run_anvil/launcher/definitions.h"

#include "run_anvil/launcher/definition_files.h"
#include "run_anvil/sidecars/validate.h"

namespace run_anvil::launcher {

using sidecars::Definition;
using sidecars::InterfaceKind;

sidecars::Discovery discover_definitions(const Options& options) {
  DefinitionFiles files;
  return sidecars::discover(options.dirs, files);
}

void require_valid(const sidecars::Discovery& discovery) {
  std::vector<Diagnostic> all = discovery.diagnostics;
  if (all.empty()) {
    auto more = sidecars::validate_set(discovery.definitions);
    all.insert(all.end(), more.begin(), more.end());
  }
  if (!all.empty()) throw ConfigError(std::move(all));
}

void refuse_unsupported(const std::vector<Definition>& definitions) {
  std::vector<Diagnostic> refused;
  auto refuse = [&](const Definition& d, const std::string& key, const std::string& what) {
    refused.push_back({d.file, d.line_of(key),
                       what + " is not supported by this version of run-anvil yet; sidecar \"" +
                           d.name + "\" was not started"});
  };
  for (const auto& d : definitions) {
    if (d.lifecycle == sidecars::Lifecycle::Session) refuse(d, "lifecycle", "lifecycle \"session\"");
    if (d.interface.kind == InterfaceKind::Mcp) refuse(d, "interface.kind", "interface kind \"mcp\"");
    if (d.interface.kind == InterfaceKind::Volume) {
      refuse(d, "interface.kind", "interface kind \"volume\"");
    }
    if (d.has_secrets()) refuse(d, "env", "a ${secret:...} reference in env");
    for (const auto& m : d.mounts) {
      if (m.kind == sidecars::Mount::Kind::Workspace) {
        refused.push_back({d.file, d.line_of("mounts"),
                           "a shared sidecar may not mount the workspace (it would leak one "
                           "session's workspace into the next); sidecar \"" + d.name + "\""});
      }
    }
  }
  if (!refused.empty()) throw ConfigError(std::move(refused));
}

}  // namespace run_anvil::launcher
