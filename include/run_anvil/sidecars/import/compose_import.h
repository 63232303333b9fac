#pragma once

#include <string>
#include <string_view>
#include <vector>

// `run-anvil import` (SPEC §17): docker compose services -> sidecar definitions. Pure: YAML
// text in, TOML texts and notes out; the command writes the files.
namespace run_anvil::sidecars {

struct ImportedDefinition {
  std::string name;  // the sidecar name (file stem)
  std::string toml;  // the definition, accepted by parse_definition
};

struct ImportResult {
  std::vector<ImportedDefinition> definitions;
  // What could not be carried over and why, one line each: "db: build: ...".
  std::vector<std::string> notes;
};

struct ImportOptions {
  std::string compose_file;           // as given, for messages ("docker-compose.yml:12: ...")
  std::vector<std::string> services;  // empty: every service
  // Relative paths in the compose file (env_file, bind sources) are relative to the compose
  // file's directory; definitions resolve theirs against their own directory. This prefix,
  // prepended to a compose-relative path, makes it definition-relative (e.g. "../../").
  std::string path_prefix;
  // Compose's project name (the directory name), for the image of a `build:`-only service.
  std::string project;
};

// Throws run_anvil::Error naming the file and line for YAML that is not a compose file, and for a
// requested service that does not exist.
ImportResult import_compose(std::string_view yaml, const ImportOptions& options);

}  // namespace run_anvil::sidecars
