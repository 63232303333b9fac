#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/plan.h"

// `--harness claude|opencode`: the harness's MCP config fragment naming every mcp sidecar,
// written to a host temp file, mounted read-only into the anvil and pointed at (SPEC §8).
//
// Arguments after the anvil's image are never touched, so the harness is pointed at the file
// through its environment:
// - opencode reads OPENCODE_CONFIG (merged over its other config files): the fragment is
//   mounted at /run/swarmforge/opencode.json and OPENCODE_CONFIG is set to it.
// - Claude Code has no environment variable for an extra MCP config: the fragment is mounted at
//   /run/swarmforge/mcp.json and SWARMFORGE_MCP_CONFIG names it, for the image's entrypoint to
//   pass as `claude --mcp-config "$SWARMFORGE_MCP_CONFIG"`.
// Both set SWARMFORGE_MCP_CONFIG.
namespace run_anvil::launcher {

enum class Harness { Claude, Opencode };

// "claude" | "opencode"; nullopt otherwise.
std::optional<Harness> parse_harness(std::string_view name);

// The fragment (JSON) for every mcp sidecar among `definitions`, keyed by its canonical alias:
//   claude:   {"mcpServers":{"<name>":{"type":"http","url":"http://<alias>:<port><path>"}}}
//   opencode: {"$schema":"https://opencode.ai/config.json",
//              "mcp":{"<name>":{"type":"remote","url":"...","enabled":true}}}
std::string mcp_config_fragment(Harness harness,
                                const std::vector<sidecars::Definition>& definitions);

// Where the fragment is mounted in the anvil.
std::string harness_config_path(Harness harness);

// The anvil additions for a fragment at `host_path`: env (SWARMFORGE_MCP_CONFIG, and
// OPENCODE_CONFIG for opencode) and `-v <host_path>:<in-anvil path>:ro`.
struct HarnessInjection {
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> options;
};
HarnessInjection harness_injection(Harness harness, const std::string& host_path);

// The fragment in a private temp directory on this host (the directory 0700, the file 0644 so
// the harness's user can read the bind mount), removed with the object, i.e. after the run.
// Removes the harness config directories ($TMPDIR/run-anvil-harness-<pid>-*) whose launcher is
// gone (a SIGKILL skips the destructor below): only directories of this user, never through a
// symlink, and only their mcp.json. Returns the directories removed.
std::vector<std::string> remove_dead_harness_dirs();

class HarnessConfigFile {
 public:
  // Throws run_anvil::Error when the file cannot be written.
  explicit HarnessConfigFile(const std::string& content);
  ~HarnessConfigFile();
  HarnessConfigFile(const HarnessConfigFile&) = delete;
  HarnessConfigFile& operator=(const HarnessConfigFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

// For `--harness NAME` (`harness` "" = none): adds the injection to `plan_options` and, when
// `write` is set, writes the fragment and returns it (kept for the run). With `write` unset
// (run-anvil plan) nothing is written and the path shown is a placeholder. Throws Error when the
// daemon is not local (a bind mount names a path on the daemon's host).
std::unique_ptr<HarnessConfigFile> prepare_harness(
    const std::string& harness, const std::vector<sidecars::Definition>& definitions,
    bool daemon_is_local, bool write, sidecars::PlanOptions& plan_options);

}  // namespace run_anvil::launcher
