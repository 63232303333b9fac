#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/terminal.h"
#include "run_anvil/sidecars/definition.h"

// The trust gate for the workspace layer (SPEC §4): a workspace-layer sidecar starts only once the
// user approved exactly this definition (workspace path + config hash) for this workspace. A
// changed definition has a different hash and asks again. Fails closed whenever nobody can be
// asked.
namespace run_anvil::launcher {

struct Approval {
  std::string workspace;    // absolute, canonical workspace path
  std::string name;         // sidecar name
  std::string config_hash;  // sidecars::config_hash() of the approved definition, 64 lower hex
  std::string approved_at;  // RFC 3339, UTC
  bool operator==(const Approval&) const = default;
};

// The approvals file: {"version":1,"approvals":[{workspace,name,config_hash,approved_at}...]}.
class ApprovalStore {
 public:
  // Reads `path`. A missing file is an empty store. A file that is not a valid store (bad JSON,
  // wrong shape, unknown version) is also an empty store, with was_corrupt() set so the caller can
  // warn once; nothing is printed here. Throws run_anvil::Error when the file exists but cannot be
  // read (permissions, a directory in its place): guessing there could silently drop approvals.
  static ApprovalStore load(const std::string& path);

  const std::string& path() const { return path_; }
  bool was_corrupt() const { return corrupt_; }
  const std::vector<Approval>& approvals() const { return approvals_; }

  // The entry for workspace+name whatever its hash, or nullptr.
  const Approval* find(const std::string& workspace, const std::string& name) const;
  // True when exactly this definition (by hash) was approved for this workspace.
  bool approves(const std::string& workspace, const std::string& name,
                const std::string& config_hash) const;
  // Adds `approval`, dropping any older entry for the same workspace+name.
  void record(Approval approval);

  // Writes the store atomically: a 0600 temp file in the same directory, fsync, rename over
  // path(). Creates missing parent directories with mode 0700. The result is mode 0600 whatever
  // mode an earlier file had. Throws run_anvil::Error on failure, leaving the old file intact.
  void save() const;

 private:
  explicit ApprovalStore(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::vector<Approval> approvals_;
  bool corrupt_ = false;
};

// The JSON mapping on its own. parse_approvals returns nullopt for anything that is not a valid
// version-1 store.
std::optional<std::vector<Approval>> parse_approvals(const std::string& text);
std::string serialize_approvals(const std::vector<Approval>& approvals);

// What a definition is allowed to do, as the user reads it before approving: one fact per line,
// covering everything the config hash covers (so an approval means what was shown). Untrusted
// strings are escaped so a definition cannot move the cursor or rewrite the prompt. `workspace`
// names the host directory a `workspace` mount exposes.
std::string privilege_summary(const sidecars::Definition& definition,
                              const std::string& workspace = "");

struct ApprovalRequest {
  std::string workspace;   // the workspace path (made absolute and canonical for the key)
  std::string store_path;  // the approvals file (--approvals)
  bool no_prompt = false;  // --no-prompt: never ask, fail closed
};

// Returns when every enabled workspace-layer definition is approved, asking on `terminal` for the
// ones that are not (and recording each yes in the store). Throws run_anvil::Error (exit 1) when
// one is unapproved and no_prompt is set or the terminal is not interactive, or when the user
// denies. Calls `warn` once when the store file was unreadable. Other layers pass untouched.
void require_approval(const std::vector<sidecars::Definition>& definitions,
                      const ApprovalRequest& request, Terminal& terminal,
                      const std::function<void(const std::string&)>& warn);

}  // namespace run_anvil::launcher
