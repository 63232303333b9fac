#include "run_anvil/launcher/definitions.h"

#include "run_anvil/launcher/definition_files.h"
#include "run_anvil/sidecars/validate.h"

namespace run_anvil::launcher {

using sidecars::Definition;

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
  // Every kind of SPEC §4 is supported now (session sidecars, secrets, volume and mcp
  // interfaces landed with issue 5). What remains is a rule parse already enforces, repeated
  // here for definitions that did not come from parse: a shared sidecar never mounts the
  // workspace (it would leak one session's workspace into the next).
  std::vector<Diagnostic> refused;
  for (const auto& d : definitions) {
    if (d.lifecycle != sidecars::Lifecycle::Shared) continue;
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
