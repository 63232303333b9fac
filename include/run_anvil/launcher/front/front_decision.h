#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

// The fast path in front of everything. `run-anvil` itself is a tiny program that links neither
// libcurl nor toml++ (loading their ~35 shared libraries costs ~10 ms per start). It decides one
// thing: when no layer directory holds any `*.toml`, the command after `--` is exec'd right away
// (SPEC §3). Anything else — a subcommand, --help, an unusual option, any definition file — execs
// the full launcher, run-anvil-core, with the same argv, so the PID is kept either way and every
// message and rule lives in one place.
namespace run_anvil::launcher {

struct FrontDecision {
  enum class Kind { ExecAnvil, ExecCore, PrintVersion };
  Kind kind = Kind::ExecCore;
  std::vector<std::string> anvil_argv;  // for ExecAnvil
};

// Reads a variable of the environment; nullopt when unset.
using FrontEnv = std::function<std::optional<std::string>(const char*)>;
// Whether `dir` may hold definitions: true when it has an entry ending in ".toml" or one that
// looks like a definition (`redis.tml`: the full launcher warns about it), or cannot be read for
// any reason other than not existing (the full launcher then reports it).
using TomlProbe = std::function<bool(const std::string& dir)>;
// Whether `path` is an existing directory.
using DirProbe = std::function<bool(const std::string& path)>;

// `run-anvil --version` is answered here (PrintVersion), without the core or any daemon.
// A layer directory or workspace given explicitly that is not a directory goes to the full
// launcher, which refuses it (exit 2): a typo must never silently mean "no sidecars". Without
// `is_dir`, explicit directories are taken to exist.
FrontDecision decide_front(const std::vector<std::string>& argv, const FrontEnv& env,
                           const TomlProbe& may_hold_toml, const std::string& cwd,
                           const DirProbe& is_dir = {});

// The real probes: opendir/readdir (no allocation beyond one DIR*), stat.
bool dir_may_hold_toml(const std::string& dir);
bool is_directory(const std::string& path);

}  // namespace run_anvil::launcher
