#include "run_anvil/launcher/progress.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace run_anvil::launcher {
namespace {

// One line per state change. Lines are written whole under a lock so concurrent sidecars never
// interleave mid-line.
class StderrProgress : public Progress {
 public:
  explicit StderrProgress(Verbosity v) : verbosity_(v) {}

  void sidecar(const std::string& name, const std::string& state, bool notable) override {
    if (verbosity_ == Verbosity::Quiet) return;
    if (!notable && verbosity_ != Verbosity::Verbose) return;
    write_line("run-anvil: " + name + ": " + state);
  }

  void warn(const std::string& message) override {
    if (verbosity_ == Verbosity::Quiet) return;
    write_line("run-anvil: warning: " + message);
  }

  void finish() override {}

 private:
  void write_line(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out = line + "\n";
    (void)!::write(STDERR_FILENO, out.data(), out.size());
  }

  Verbosity verbosity_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Progress> make_stderr_progress(Verbosity verbosity) {
  return std::make_unique<StderrProgress>(verbosity);
}

}  // namespace run_anvil::launcher
