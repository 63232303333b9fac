#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/launcher/os/terminal.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/privilege_summary.h"

// The trust gate for the workspace layer (SPEC §4): a workspace-layer sidecar starts only once the
// user approved exactly this definition (workspace path + config hash) for this workspace. A
// changed definition has a different hash and asks again. Fails closed whenever nobody can be
// asked.
namespace run_anvil::launcher {

struct Approval {
  std::string workspace;    // absolute, canonical workspace path
  std::string name;         // sidecar name
  std::string config_hash;  // approval_hash() of the approved definition, 64 lower hex
  std::string approved_at;  // RFC 3339, UTC
  // The privilege summary the user approved (what a later re-ask diffs against); "" in entries
  // written by version 1 of the store.
  std::string summary{};  // (a default, so 4-field initialisers stay valid)
  bool operator==(const Approval&) const = default;
};

// The approvals file, version 2:
//   {"version":2,"approvals":[{workspace,name,config_hash,approved_at,summary}...]}
// Every approved version of a definition is kept (one entry per hash), so going back to an
// approved version does not ask again. Version 1 files (no summary, one hash per name) are read
// as they are and written back as version 2.
class ApprovalStore {
 public:
  // Reads `path`. A missing file is an empty store. A path that is not a regular file (a FIFO, a
  // directory, a device) is an Error naming it, never a hang: it is opened non-blocking. A file
  // that is not a valid store (bad JSON, wrong shape, unknown version) is also an empty store, with
  // was_corrupt() set so the caller can warn once; nothing is printed here. Throws run_anvil::Error
  // when the file exists but cannot be read (permissions, a directory in its place): guessing there
  // could silently drop approvals.
  static ApprovalStore load(const std::string& path);

  const std::string& path() const { return path_; }
  bool was_corrupt() const { return corrupt_; }
  const std::vector<Approval>& approvals() const { return approvals_; }

  // The most recently approved entry for workspace+name whatever its hash, or nullptr.
  const Approval* find(const std::string& workspace, const std::string& name) const;
  // True when exactly this definition (by hash) was ever approved for this workspace.
  bool approves(const std::string& workspace, const std::string& name,
                const std::string& config_hash) const;
  // Adds `approval`, replacing an entry for the same workspace+name+hash; other approved
  // versions are kept.
  void record(Approval approval);

  // Writes the store atomically: a 0600 temp file in the same directory, fsync, rename over
  // path(). Under an exclusive flock on `<path>.lock`, the file is read again and every approval
  // record()ed here is merged into what is there now, so concurrent launchers (two workspaces
  // approving at once) keep each other's approvals; approvals() then shows the merged store.
  // Creates missing parent directories with mode 0700. The result is mode 0600 whatever mode an
  // earlier file had. Throws run_anvil::Error on failure, leaving the old file intact.
  void save();

 private:
  explicit ApprovalStore(std::string path) : path_(std::move(path)) {}
  void read();
  void replace(const Approval& approval);
  std::string path_;
  std::vector<Approval> approvals_;
  std::vector<Approval> recorded_;  // since load(), merged again by every save()
  bool corrupt_ = false;
};

// The JSON mapping on its own. parse_approvals returns nullopt for anything that is not a valid
// version-1 or version-2 store; serialize_approvals writes version 2.
std::optional<std::vector<Approval>> parse_approvals(const std::string& text);
std::string serialize_approvals(const std::vector<Approval>& approvals);

// What an approval is keyed on besides workspace and name: the sha256 of the definition file's
// bytes as written (Definition::content_sha256), so every key — readiness, healthcheck, even a
// comment — is covered and a change asks again (SPEC §14). Stored in Approval::config_hash (the
// field keeps its name for compatibility; older entries keyed on the config hash simply ask
// again once).
std::string approval_hash(const sidecars::Definition& definition);

struct ApprovalRequest {
  std::string workspace;   // the workspace path (made absolute and canonical for the key)
  std::string store_path;  // the approvals file (--approvals)
  bool no_prompt = false;  // --no-prompt: never ask, fail closed
};

// The names of the enabled workspace-layer definitions that are not approved as they stand, read
// from the store without asking anybody (status, doctor, down, plan: see trust_gate.h). A store
// that cannot be read approves nothing (and `warn` says so).
std::set<std::string> unapproved_names(const std::vector<sidecars::Definition>& definitions,
                                       const ApprovalRequest& request,
                                       const std::function<void(const std::string&)>& warn);

// A line diff of two texts: every line of `after`, prefixed "  " (unchanged) or "+ " (new), with
// the lines of `before` it no longer has prefixed "- " where they were.
std::string line_diff(const std::string& before, const std::string& after);

// Returns when every enabled workspace-layer definition is approved, asking on `terminal` ONCE
// for all the ones that are not: each one's privilege summary (or, for a definition changed
// since it was approved, a diff against the approved version), then one [y/N]; a yes records
// them all in the store. Throws run_anvil::Error (exit 1) when
// one is unapproved and no_prompt is set or the terminal is not interactive, or when the user
// denies. Calls `warn` once when the store file was unreadable. Other layers pass untouched.
// A workspace-layer sidecar the run would ask about.
struct PendingApproval {
  std::string name;
  std::string file;
  std::string approved_at;  // when an earlier version was approved; "" for a new one
  bool operator==(const PendingApproval&) const = default;
};

// The workspace-layer sidecars require_approval would ask about, reading the store only (for
// `plan`). A store that cannot be read counts as empty.
std::vector<PendingApproval> pending_approvals(const std::vector<sidecars::Definition>& definitions,
                                               const ApprovalRequest& request);

void require_approval(const std::vector<sidecars::Definition>& definitions,
                      const ApprovalRequest& request, Terminal& terminal,
                      const std::function<void(const std::string&)>& warn);

}  // namespace run_anvil::launcher
