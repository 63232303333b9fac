#include "run_anvil/launcher/os/progress.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace run_anvil::launcher {
namespace {

// Points fd 2 at a temp file for the lifetime of the object.
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(dup(STDERR_FILENO)) {
    dup2(fileno(file_), STDERR_FILENO);
  }
  ~StderrCapture() {
    restore();
    std::fclose(file_);
  }
  std::string text() {
    restore();
    std::rewind(file_);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_;
};

TEST(Progress, PlainModeShowsNotableStatesOnly) {
  StderrCapture cap;
  {
    auto p = make_stderr_progress(Verbosity::Normal, false);
    p->sidecar("pg", "reusing swarmforge-shared-pg", false);
    p->sidecar("pg", "creating swarmforge-shared-pg", true);
    p->sidecar("pg", "ready in 1.2s", true);
    p->finish();
  }
  EXPECT_EQ(cap.text(),
            "run-anvil: pg: creating swarmforge-shared-pg\nrun-anvil: pg: ready in 1.2s\n");
}

TEST(Progress, VerboseShowsEveryStateAndWaits) {
  StderrCapture cap;
  {
    auto p = make_stderr_progress(Verbosity::Verbose, false);
    p->sidecar("pg", "reusing swarmforge-shared-pg", false);
    p->waiting("pg", "tcp pg:5432");
    p->finish();
  }
  EXPECT_EQ(cap.text(),
            "run-anvil: pg: reusing swarmforge-shared-pg\nrun-anvil: pg: waiting for tcp "
            "pg:5432\n");
}

TEST(Progress, QuietPrintsNothingNotEvenWarnings) {
  StderrCapture cap;
  {
    auto p = make_stderr_progress(Verbosity::Quiet, true);
    p->sidecar("pg", "creating", true);
    p->waiting("pg", "tcp pg:5432");
    p->warn("something");
    p->finish();
  }
  EXPECT_EQ(cap.text(), "");
}

TEST(Progress, TerminalModeRedrawsOneLinePerSidecarInPlace) {
  StderrCapture cap;
  {
    auto p = make_stderr_progress(Verbosity::Normal, true);
    p->sidecar("a", "creating", true);
    p->sidecar("b", "creating", true);
    p->sidecar("a", "ready in 5ms", true);
    p->finish();
  }
  std::string out = cap.text();
  // The second redraw moves up over the two rows drawn before and clears them.
  EXPECT_NE(out.find("\033[2A\033[J"), std::string::npos);
  auto last = out.rfind("\033[J");
  EXPECT_EQ(out.substr(last + 3),
            "run-anvil: a: ready in 5ms\033[K\nrun-anvil: b: creating\033[K\n");
}

TEST(Progress, WarningsGoAboveTheRedrawnBlock) {
  StderrCapture cap;
  {
    auto p = make_stderr_progress(Verbosity::Normal, true);
    p->sidecar("a", "creating", true);
    p->warn("degraded");
    p->finish();
  }
  std::string out = cap.text();
  auto warn = out.find("run-anvil: warning: degraded\n");
  ASSERT_NE(warn, std::string::npos);
  EXPECT_NE(out.find("run-anvil: a: creating", warn), std::string::npos);
}

}  // namespace
}  // namespace run_anvil::launcher
