#include "run_anvil/launcher/os/progress.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "run_anvil/launcher/os/output_guard.h"

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

  // Every string shown here may carry a sidecar's or a definition's words: masked and escaped
  // on the way in, so the renderer's own escape sequences are the only ones written.
  void sidecar(const std::string& raw_name, const std::string& state, bool notable) override {
    if (verbosity_ == Verbosity::Quiet) return;
    const std::string name = printable_line(raw_name);
    std::lock_guard<std::mutex> lock(mutex_);
    Row& r = row(name);
    r.state = printable_line(state);
    r.waiting_for.clear();
    bool shown = notable || verbosity_ == Verbosity::Verbose;
    if (terminal_) {
      if (shown || r.visible) {
        r.visible = true;
        redraw();
      }
    } else if (shown) {
      write_stderr("run-anvil: " + name + ": " + r.state + "\n");
    }
  }

  void waiting(const std::string& raw_name, const std::string& what) override {
    if (verbosity_ == Verbosity::Quiet) return;
    const std::string name = printable_line(raw_name);
    std::lock_guard<std::mutex> lock(mutex_);
    Row& r = row(name);
    r.waiting_for = printable_line(what);
    r.since = r.last_reported = Clock::now();
    r.visible = true;
    if (terminal_) {
      redraw();
    } else if (verbosity_ == Verbosity::Verbose) {
      write_stderr("run-anvil: " + name + ": waiting for " + r.waiting_for + "\n");
    }
    start_ticker();
  }

  void warn(const std::string& message) override {
    if (verbosity_ == Verbosity::Quiet) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (terminal_) erase();
    write_stderr("run-anvil: warning: " + printable(message) + "\n");
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

std::string utc_now_ms() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buf, static_cast<long long>(ms));
  return out;
}

std::string json_line(nlohmann::ordered_json event) {
  nlohmann::ordered_json line{{"v", 1}, {"time", utc_now_ms()}};
  line.update(event);
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// --progress json: a line per state change. One write(2) per line keeps lines whole when
// several threads report at once.
class JsonProgress : public Progress {
 public:
  explicit JsonProgress(Verbosity v) : verbosity_(v) {}
  void sidecar(const std::string& name, const std::string& state, bool notable) override {
    if (verbosity_ == Verbosity::Quiet) return;
    emit({{"event", "sidecar"}, {"sidecar", name}, {"state", state}, {"notable", notable}});
  }
  void waiting(const std::string& name, const std::string& what) override {
    if (verbosity_ == Verbosity::Quiet) return;
    emit({{"event", "waiting"}, {"sidecar", name}, {"for", what}});
  }
  void warn(const std::string& message) override {
    emit({{"event", "warning"}, {"message", message}});
  }
  void finish() override {}

 private:
  void emit(nlohmann::ordered_json event) {
    std::lock_guard<std::mutex> lock(mutex_);
    write_stderr(json_line(std::move(event)));
  }
  Verbosity verbosity_;
  std::mutex mutex_;
};

}  // namespace

std::string json_warning_line(const std::string& message) {
  return json_line({{"event", "warning"}, {"message", message}});
}

std::unique_ptr<Progress> make_progress(Verbosity verbosity, ProgressMode mode, bool inline_ok) {
  switch (mode) {
    case ProgressMode::Json:
      return std::make_unique<JsonProgress>(verbosity);
    case ProgressMode::Tty:
      return make_stderr_progress(verbosity, inline_ok);
    case ProgressMode::Plain:
      return make_stderr_progress(verbosity, false);
    case ProgressMode::Auto:
      break;
  }
  return make_stderr_progress(verbosity, inline_ok && isatty(STDERR_FILENO) == 1);
}

std::unique_ptr<Progress> make_stderr_progress(Verbosity verbosity, bool terminal) {
  return std::make_unique<StderrProgress>(verbosity, terminal);
}

std::unique_ptr<Progress> make_stderr_progress(Verbosity verbosity) {
  return make_stderr_progress(verbosity, isatty(STDERR_FILENO) == 1);
}

}  // namespace run_anvil::launcher
