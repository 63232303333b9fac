#include <sys/stat.h>

#include <iostream>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/cli/definitions.h"

namespace run_anvil::launcher {
namespace {

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "0 valid" read like success when a layer was simply not where the user thought: say where we
// looked and what was there.
std::string where_we_looked(const sidecars::LayerDirs& dirs) {
  std::string out;
  const std::pair<const std::optional<std::string>*, const char*> layers[] = {
      {&dirs.user, "user"},
      {&dirs.org, "org"},
      {&dirs.repo, "repo"},
      {&dirs.workspace, "workspace"}};
  for (const auto& [dir, name] : layers) {
    if (!*dir || (*dir)->empty()) continue;
    out += std::string("\n  ") + name + " layer " + **dir +
           (is_dir(**dir) ? " (no *.toml file)" : " (no such directory)");
  }
  return out;
}

}  // namespace

int command_validate(const Options& options) {
  auto discovery = discover_definitions(options);
  require_valid(discovery);
  if (options.verbosity == Verbosity::Quiet) return exit_codes::kSuccess;
  if (discovery.definitions.empty()) {
    std::cerr << "run-anvil: no sidecar definitions found"
              << (discovery.any_file ? " enabled (every one found is disabled)" : "")
              << "; looked in:" << where_we_looked(options.dirs)
              << "\nrun-anvil: nothing to validate; a definition is <layer dir>/<name>.toml\n";
    return exit_codes::kSuccess;
  }
  std::cerr << "run-anvil: " << discovery.definitions.size() << " sidecar definition"
            << (discovery.definitions.size() == 1 ? "" : "s") << " valid";
  for (const auto& d : discovery.definitions) {
    std::cerr << (&d == &discovery.definitions.front() ? ": " : ", ") << d.name << " ("
              << sidecars::to_string(d.layer) << ")";
  }
  std::cerr << "\n";
  return exit_codes::kSuccess;
}

}  // namespace run_anvil::launcher
