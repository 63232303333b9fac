#include "run_anvil/launcher/os/capture.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;

TEST(CaptureTest, CapturesStdoutAndDiscardsStderr) {
  auto r = capture_stdout({"sh", "-c", "echo out; echo err >&2"}, milliseconds(5000), 1024);
  EXPECT_EQ(r.status, CaptureResult::Status::Exited);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "out\n");
}

TEST(CaptureTest, ReportsExitStatusAndSignals) {
  EXPECT_EQ(capture_stdout({"sh", "-c", "exit 7"}, milliseconds(5000), 1024).exit_code, 7);
  auto r = capture_stdout({"sh", "-c", "kill -9 $$"}, milliseconds(5000), 1024);
  EXPECT_EQ(r.status, CaptureResult::Status::Signaled);
  EXPECT_EQ(r.signal, 9);
}

TEST(CaptureTest, MissingProgramCannotExecute) {
  auto r = capture_stdout({"/nonexistent/prog"}, milliseconds(5000), 1024);
  EXPECT_EQ(r.status, CaptureResult::Status::CannotExecute);
  EXPECT_EQ(r.exec_errno, ENOENT);
}

TEST(CaptureTest, DeadlineKillsAHangingProgram) {
  auto r = capture_stdout({"sleep", "30"}, milliseconds(100), 1024);
  EXPECT_EQ(r.status, CaptureResult::Status::TimedOut);
}

TEST(CaptureTest, ProgramThatClosesOutputButLingersStillHitsTheDeadline) {
  auto r = capture_stdout({"sh", "-c", "exec >&-; sleep 30"}, milliseconds(100), 1024);
  EXPECT_EQ(r.status, CaptureResult::Status::TimedOut);
}

TEST(CaptureTest, TooMuchOutputEndsIt) {
  auto r = capture_stdout({"sh", "-c", "yes"}, milliseconds(5000), 4096);
  EXPECT_EQ(r.status, CaptureResult::Status::TooLarge);
  EXPECT_TRUE(r.out.empty());
}

TEST(CaptureTest, CancellationKillsTheProgramAndPropagates) {
  struct Stop {};
  int polls = 0;
  EXPECT_THROW(capture_stdout({"sleep", "30"}, milliseconds(30000), 1024,
                              [&] {
                                if (++polls > 2) throw Stop{};
                              }),
               Stop);
}

}  // namespace
}  // namespace run_anvil::launcher
