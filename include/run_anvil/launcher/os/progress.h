#pragma once

#include <memory>
#include <string>

// Where the launcher reports what it is doing. Writes go to stderr only; stdout belongs to the
// anvil. Implementations are called from several executor threads at once.
namespace run_anvil::launcher {

enum class Verbosity { Quiet, Normal, Verbose };

// --progress: auto (tty on a terminal, else plain), tty, plain, json.
enum class ProgressMode { Auto, Tty, Plain, Json };

class Progress {
 public:
  virtual ~Progress() = default;
  // A sidecar changed state ("creating", "waiting for tcp pg:5432 (3.1s)", "ready in 1.2s").
  // `notable` states are shown at Normal verbosity; the others only with -v.
  virtual void sidecar(const std::string& name, const std::string& state, bool notable) = 0;
  // The sidecar is now waiting for `what` (e.g. "tcp pg:5432"). The progress display shows the
  // elapsed time itself until the next sidecar() call for that name.
  virtual void waiting(const std::string& name, const std::string& what) = 0;
  // A warning, shown unless quiet.
  virtual void warn(const std::string& message) = 0;
  // Stops any in-place redraw and leaves the terminal on a fresh line.
  virtual void finish() = 0;
};

// On a terminal: one line per sidecar, redrawn in place with elapsed times. Otherwise: one plain
// line per state change, and a reminder line every few seconds of a long wait.
std::unique_ptr<Progress> make_stderr_progress(Verbosity verbosity);
std::unique_ptr<Progress> make_stderr_progress(Verbosity verbosity, bool terminal);

// As --progress says. `json`: one JSON object per line per state change, for programs:
//   {"v":1,"time":"2026-12-01T22:24:46.123Z","event":"sidecar","sidecar":"pg",
//    "state":"ready in 1.2s","notable":true}
//   {"v":1,"time":...,"event":"waiting","sidecar":"pg","for":"tcp pg:5432"}
//   {"v":1,"time":...,"event":"warning","message":"..."}
// Every state change is written whatever the verbosity, except with --quiet (warnings only).
// `inline_ok` false: never redraw in place (the harness owns the terminal), tty becomes plain.
std::unique_ptr<Progress> make_progress(Verbosity verbosity, ProgressMode mode,
                                        bool inline_ok = true);

// One JSON progress line (with its newline) for a warning outside any Progress (discovery).
std::string json_warning_line(const std::string& message);

}  // namespace run_anvil::launcher
