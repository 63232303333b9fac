#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/os/definition_files.h"
#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/define/schema.h"
#include "run_anvil/sidecars/import/compose_import.h"

// `run-anvil schema` and `run-anvil import` (SPEC §17).
namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;

// Compose's project name: the directory's name, lower-cased, [a-z0-9_-] only.
std::string project_name(const fs::path& dir) {
  std::string out;
  for (char c : dir.filename().string()) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') out += c;
  }
  return out.empty() ? "project" : out;
}

// "../../" such that <to>/<prefix><compose-relative path> is the compose file's path.
std::string path_prefix(const fs::path& compose_dir, const fs::path& to) {
  fs::path rel = compose_dir.lexically_relative(to);
  if (rel.empty() || rel == ".") return "./";
  std::string s = rel.generic_string();
  return s.ends_with('/') ? s : s + "/";
}

void write_file(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw Error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw Error("cannot write " + path.string() + ": " + ec.message());
}

}  // namespace

int command_schema(const Options&) {
  std::cout << sidecars::definition_schema() << "\n";
  return exit_codes::kSuccess;
}

int command_import(const Options& options) {
  const fs::path compose = fs::absolute(options.compose_file).lexically_normal();
  const fs::path to =
      fs::absolute(options.import_to.empty() ? *options.dirs.workspace : options.import_to)
          .lexically_normal();
  DefinitionFiles files;
  const std::string yaml = files.read(compose.string());

  sidecars::ImportOptions import;
  import.compose_file = options.compose_file;
  import.services = options.services;
  import.path_prefix = path_prefix(compose.parent_path(), to);
  import.project = project_name(compose.parent_path());
  const sidecars::ImportResult result = sidecars::import_compose(yaml, import);

  // Every file is checked, and none may exist, before the first is written: an import either
  // writes everything or nothing.
  const bool workspace =
      options.import_to.empty() || to == fs::absolute(*options.dirs.workspace).lexically_normal();
  std::vector<Diagnostic> problems;
  for (const auto& def : result.definitions) {
    const fs::path path = to / (def.name + ".toml");
    if (fs::exists(path)) {
      throw Error(path.string() + " exists already; remove it or import into another --to DIR");
    }
    auto parsed =
        sidecars::parse_definition(def.toml, path.string(), def.name,
                                   workspace ? sidecars::Layer::Workspace : sidecars::Layer::Repo);
    problems.insert(problems.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
  }
  if (!problems.empty()) throw ConfigError(problems);

  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) throw Error("cannot create " + to.string() + ": " + ec.message());
  for (const auto& def : result.definitions) {
    const fs::path path = to / (def.name + ".toml");
    write_file(path, def.toml);
    std::cerr << "run-anvil: wrote " << path.string() << "\n";
  }
  if (!result.notes.empty()) {
    std::cerr << "run-anvil: not carried over:\n";
    for (const auto& note : result.notes) std::cerr << "  " << note << "\n";
  }
  return exit_codes::kSuccess;
}

}  // namespace run_anvil::launcher
