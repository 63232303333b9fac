#include "run_anvil/launcher/front/front_decision.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "run_anvil/sidecars/define/definition_file_name.h"

namespace run_anvil::launcher {
namespace {

// The launcher options that take a value, as the full CLI defines them (launcher/cli.cc).
constexpr const char* kValueOptions[] = {
    "--user-sidecars", "--org-sidecars", "--repo-sidecars", "--workspace-sidecars", "--workspace",
    "--anvil-image",   "--approvals",    "--providers",     "--recreate",           "--harness"};
constexpr const char* kFlags[] = {"-q", "--quiet", "-v", "--verbose", "--no-prompt"};

bool one_of(const std::string& s, const auto& list) {
  for (const char* x : list) {
    if (s == x) return true;
  }
  return false;
}

struct Parsed {
  std::optional<std::string> user, org, repo, workspace_layer, workspace;
  bool quiet = false;
  bool verbose = false;
};

void store(Parsed& p, const std::string& option, const std::string& value) {
  if (option == "--user-sidecars") p.user = value;
  if (option == "--org-sidecars") p.org = value;
  if (option == "--repo-sidecars") p.repo = value;
  if (option == "--workspace-sidecars") p.workspace_layer = value;
  if (option == "--workspace") p.workspace = value;
}

// False when anything is not plainly a run's own option: the full launcher decides then.
bool parse_own(const std::vector<std::string>& own, Parsed& p) {
  for (size_t i = 0; i < own.size(); ++i) {
    const std::string& a = own[i];
    if (one_of(a, kFlags)) {
      if (a == "-q" || a == "--quiet") p.quiet = true;
      if (a == "-v" || a == "--verbose") p.verbose = true;
      continue;
    }
    auto eq = a.find('=');
    std::string name = a.substr(0, eq);
    if (!one_of(name, kValueOptions)) return false;
    std::string value;
    if (eq != std::string::npos) {
      value = a.substr(eq + 1);
    } else {
      if (i + 1 >= own.size()) return false;
      value = own[++i];
    }
    if (value.empty()) return false;
    // A bad --harness is a usage error the full launcher reports.
    if (name == "--harness" && value != "claude" && value != "opencode") return false;
    store(p, name, value);
  }
  return !(p.quiet && p.verbose);
}

std::vector<std::string> layer_dirs(const Parsed& p, const FrontEnv& env, const std::string& cwd) {
  std::vector<std::string> dirs;
  if (p.user) {
    dirs.push_back(*p.user);
  } else if (auto assets = env("SWARMFORGE_USER_ASSETS_DIR"); assets && !assets->empty()) {
    dirs.push_back(*assets + "/sidecars");
  } else {
    auto home = env("HOME");
    dirs.push_back((home && !home->empty() ? *home : std::string("/")) + "/.swarmforge/sidecars");
  }
  if (p.org) dirs.push_back(*p.org);
  if (p.repo) dirs.push_back(*p.repo);
  dirs.push_back(p.workspace_layer ? *p.workspace_layer
                                   : (p.workspace ? *p.workspace : cwd) + "/.swarmforge/sidecars");
  return dirs;
}

bool explicit_dirs_exist(const Parsed& p, const DirProbe& is_dir) {
  if (!is_dir) return true;
  for (const auto* dir : {&p.user, &p.org, &p.repo, &p.workspace_layer, &p.workspace}) {
    if (*dir && !is_dir(**dir)) return false;
  }
  return true;
}

}  // namespace

FrontDecision decide_front(const std::vector<std::string>& argv, const FrontEnv& env,
                           const TomlProbe& may_hold_toml, const std::string& cwd,
                           const DirProbe& is_dir) {
  FrontDecision core;
  if (argv.empty()) return core;
  if (argv.size() == 2 && argv[1] == "--version") return {FrontDecision::Kind::PrintVersion, {}};
  auto dashes = std::find(argv.begin() + 1, argv.end(), "--");
  if (dashes == argv.end() || dashes + 1 == argv.end()) return core;
  Parsed p;
  if (!parse_own({argv.begin() + 1, dashes}, p)) return core;
  if (!explicit_dirs_exist(p, is_dir)) return core;
  for (const auto& dir : layer_dirs(p, env, cwd)) {
    if (may_hold_toml(dir)) return core;
  }
  return {FrontDecision::Kind::ExecAnvil, {dashes + 1, argv.end()}};
}

bool dir_may_hold_toml(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return errno != ENOENT;
  bool found = false;
  while (dirent* e = readdir(d)) {
    size_t n = std::strlen(e->d_name);
    if ((n >= 5 && std::strcmp(e->d_name + n - 5, ".toml") == 0) ||
        sidecars::looks_like_definition_file(e->d_name)) {
      found = true;
      break;
    }
  }
  closedir(d);
  return found;
}

}  // namespace run_anvil::launcher

namespace run_anvil::launcher {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace run_anvil::launcher
