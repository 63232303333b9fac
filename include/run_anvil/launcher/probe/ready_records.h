#pragma once

#include <memory>
#include <string>

// Where readiness proofs are kept between launches (see sidecars/plan/warm_readiness.h for what
// they mean). The real store is one small file per container in a per-user directory on a
// tmpfs when there is one ($XDG_RUNTIME_DIR, /run for root): a reboot clears it, which is right
// since every container restarts then anyway. A missing, unreadable or foreign-owned store only
// costs a probe: proofs are an optimisation, never a reason to fail a launch.
namespace run_anvil::launcher {

class ReadyRecords {
 public:
  virtual ~ReadyRecords() = default;
  // The last proof recorded for this container (sidecars::proof_of); "" when none.
  virtual std::string proof(const std::string& container_id) = 0;
  // Records a proof that the container passed its readiness probe (sidecars::proof_of).
  // Concurrent launchers may record at once: each write is atomic (last one wins, all equal).
  // Best effort: a failure to write is ignored.
  virtual void record(const std::string& container_id, const std::string& proof) = 0;
};

// The file store in `dir` (created 0700 if missing; refused, i.e. records nothing and proves
// nothing, when it exists but is not a directory owned by this user with no group/other access).
std::unique_ptr<ReadyRecords> make_file_ready_records(const std::string& dir);

// $XDG_RUNTIME_DIR/run-anvil/ready when set, else /run/run-anvil/ready for root, else
// <tmp>/run-anvil-<uid>/ready. `xdg_runtime_dir` and `tmpdir` as read from the environment.
std::string default_ready_dir(const std::string& xdg_runtime_dir, const std::string& tmpdir);

}  // namespace run_anvil::launcher
