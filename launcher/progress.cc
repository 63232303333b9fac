#include "run_anvil/launcher/progress.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace run_anvil::launcher {
namespace {

using Clock = std::chrono::steady_clock;

std::string seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs",
                std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1000.0);
  return buf;
}

void write_stderr(const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

struct Row {
  std::string name;
  std::string state;
  std::string waiting_for;  // non-empty while waiting
  Clock::time_point since;
  Clock::time_point last_reported;
  bool visible = false;  // shown on the terminal (notable, or verbose)
};

// Shared by both renderers: rows by sidecar, a ticker thread that refreshes waits, and the
// verbosity rules. Everything runs under one mutex so concurrent sidecars never interleave.
class StderrProgress : public Progress {
 public:
  StderrProgress(Verbosity v, bool terminal) : verbosity_(v), terminal_(terminal) {}
  ~StderrProgress() override { finish(); }

  void sidecar(const std::string& name, const std::string& state, bool notable) override {
    if (verbosity_ == Verbosity::Quiet) return;
    std::lock_guard<std::mutex> lock(mutex_);
    Row& r = row(name);
    r.state = state;
    r.waiting_for.clear();
    bool shown = notable || verbosity_ == Verbosity::Verbose;
    if (terminal_) {
      if (shown || r.visible) {
        r.visible = true;
        redraw();
      }
    } else if (shown) {
      write_stderr("run-anvil: " + name + ": " + state + "\n");
    }
  }

  void waiting(const std::string& name, const std::string& what) override {
    if (verbosity_ == Verbosity::Quiet) return;
    std::lock_guard<std::mutex> lock(mutex_);
    Row& r = row(name);
    r.waiting_for = what;
    r.since = r.last_reported = Clock::now();
    r.visible = true;
    if (terminal_) {
      redraw();
    } else if (verbosity_ == Verbosity::Verbose) {
      write_stderr("run-anvil: " + name + ": waiting for " + what + "\n");
    }
    start_ticker();
  }

  void warn(const std::string& message) override {
    if (verbosity_ == Verbosity::Quiet) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (terminal_) erase();
    write_stderr("run-anvil: warning: " + message + "\n");
    if (terminal_) draw();
  }

  void finish() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    tick_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

 private:
  Row& row(const std::string& name) {
    for (auto& r : rows_) {
      if (r.name == name) return r;
    }
    rows_.push_back(Row{});
    rows_.back().name = name;
    return rows_.back();
  }

  std::string text(const Row& r, Clock::time_point now) const {
    if (!r.waiting_for.empty()) {
      return r.name + ": waiting for " + r.waiting_for + " (" + seconds(now - r.since) + ")";
    }
    return r.name + ": " + r.state;
  }

  // Terminal renderer: the block of visible rows is erased and drawn again in place.
  void erase() {
    if (drawn_ == 0) return;
    std::string s = "\r\033[" + std::to_string(drawn_) + "A\033[J";
    write_stderr(s);
    drawn_ = 0;
  }
  void draw() {
    auto now = Clock::now();
    std::string s;
    int n = 0;
    for (const auto& r : rows_) {
      if (!r.visible) continue;
      s += "run-anvil: " + text(r, now) + "\033[K\n";
      ++n;
    }
    write_stderr(s);
    drawn_ = n;
  }
  void redraw() {
    erase();
    draw();
  }

  // Plain renderer: a reminder line for each wait every 5 s, so logs show long waits too.
  void remind() {
    auto now = Clock::now();
    for (auto& r : rows_) {
      if (r.waiting_for.empty() || now - r.last_reported < std::chrono::seconds(5)) continue;
      r.last_reported = now;
      write_stderr("run-anvil: " + text(r, now) + "\n");
    }
  }

  void start_ticker() {
    if (ticker_.joinable()) return;
    ticker_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stopping_) {
        tick_.wait_for(lock, terminal_ ? std::chrono::milliseconds(200) : std::chrono::seconds(1));
        if (stopping_) break;
        if (terminal_) {
          redraw();
        } else {
          remind();
        }
      }
    });
  }

  Verbosity verbosity_;
  bool terminal_;
  std::mutex mutex_;
  std::condition_variable tick_;
  std::thread ticker_;
  bool stopping_ = false;
  std::vector<Row> rows_;
  int drawn_ = 0;
};

}  // namespace

std::unique_ptr<Progress> make_stderr_progress(Verbosity verbosity, bool terminal) {
  return std::make_unique<StderrProgress>(verbosity, terminal);
}

std::unique_ptr<Progress> make_stderr_progress(Verbosity verbosity) {
  return make_stderr_progress(verbosity, isatty(STDERR_FILENO) == 1);
}

}  // namespace run_anvil::launcher
