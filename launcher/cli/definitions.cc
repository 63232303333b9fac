#include "run_anvil/launcher/cli/definitions.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "run_anvil/launcher/os/definition_files.h"
#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/define/validate.h"

namespace run_anvil::launcher {

using sidecars::Definition;

namespace {

std::string current_directory() {
  std::unique_ptr<char, decltype(&std::free)> cwd(getcwd(nullptr, 0), &std::free);
  return cwd ? std::string(cwd.get()) : std::string("/");
}

std::optional<std::string> real_path(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(realpath(path.c_str(), nullptr), &std::free);
  if (!resolved) return std::nullopt;
  return std::string(resolved.get());
}

// Where `path` really leads: the longest existing prefix resolved (symlinks included), the rest
// appended as written (docker creates a missing bind source as a directory).
std::string resolved_path(const std::string& path) {
  std::string existing = path;
  std::string rest;
  while (existing.size() > 1) {
    if (auto real = real_path(existing)) return *real + rest;
    auto slash = existing.rfind('/');
    rest = existing.substr(slash) + rest;
    existing = slash == 0 ? "/" : existing.substr(0, slash);
  }
  return path;
}

bool inside(const std::string& path, const std::string& dir) {
  return path == dir || path.starts_with(dir.ends_with('/') ? dir : dir + "/");
}

// Relative definition files (a relative layer dir) give relative bind sources: Docker needs
// them absolute, and the config hash must not depend on the directory run-anvil started in.
void absolutize_binds(std::vector<Definition>& definitions) {
  std::string cwd;
  for (auto& d : definitions) {
    for (auto& v : d.volumes) {
      if (v.kind != sidecars::Volume::Kind::Bind || v.source.starts_with("/")) continue;
      if (cwd.empty()) cwd = current_directory();
      v.source = sidecars::normalize_path(cwd + "/" + v.source);
    }
  }
}

// SPEC §11: a workspace-layer (untrusted) definition may bind only what lies inside the
// workspace, symlinks followed.
void check_workspace_binds(const std::vector<Definition>& definitions, const std::string& workspace,
                           std::vector<Diagnostic>& out) {
  std::string root = resolved_path(workspace);
  for (const auto& d : definitions) {
    if (d.layer != sidecars::Layer::Workspace) continue;
    for (const auto& v : d.volumes) {
      if (v.kind != sidecars::Volume::Kind::Bind || inside(resolved_path(v.source), root)) continue;
      out.push_back({d.file, d.line_of("volumes"),
                     "volumes entry \"" + v.written + "\" binds " + v.source +
                         ", which is outside the workspace " + workspace +
                         ": a workspace-layer sidecar may bind only paths inside the workspace"});
    }
  }
}

}  // namespace

sidecars::Discovery discover_definitions(const Options& options) {
  DefinitionFiles files;
  auto discovery = sidecars::discover(options.dirs, files);
  absolutize_binds(discovery.definitions);
  check_workspace_binds(discovery.definitions, options.workspace, discovery.diagnostics);
  // Here, so every subcommand says it exactly once.
  if (options.verbosity != Verbosity::Quiet) {
    for (const auto& w : discovery.warnings) {
      std::cerr << (options.progress == ProgressMode::Json
                        ? json_warning_line(w.str())
                        : "run-anvil: warning: " + w.str() + "\n");
    }
  }
  return discovery;
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
                           "session's workspace into the next); sidecar \"" +
                               d.name + "\""});
      }
    }
  }
  if (!refused.empty()) throw ConfigError(std::move(refused));
}

}  // namespace run_anvil::launcher
