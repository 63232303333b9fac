#include "run_anvil/launcher/os/terminal.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

// The real /dev/tty terminal, driven through a pseudo-terminal that a forked child adopts as its
// controlling terminal, the way a user's shell session would.
namespace run_anvil::launcher {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Reads from `fd` until `until` appears (or EOF when empty), giving up after ~5 s.
std::string read_until(int fd, const std::string& until) {
  std::string got;
  while (until.empty() || got.find(until) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

struct ChildResult {
  std::string report;  // "<interactive 0/1><L<line> | E>"
  std::string stdout_text;
  std::string tty_text;
};

// Forks a child whose stdin is `child_stdin` ("pty" = the pty slave as controlling terminal, else
// /dev/null with no controlling terminal), has it ask once, and answers with `typed`.
ChildResult ask_in_child(bool with_pty, const std::string& typed) {
  Fd master(with_pty ? ::posix_openpt(O_RDWR | O_NOCTTY) : -1);
  if (with_pty) {
    EXPECT_GE(master.get(), 0);
    EXPECT_EQ(::grantpt(master.get()), 0);
    EXPECT_EQ(::unlockpt(master.get()), 0);
  }
  std::string slave = with_pty ? ::ptsname(master.get()) : "/dev/null";
  int report[2], out[2];
  EXPECT_EQ(::pipe(report), 0);
  EXPECT_EQ(::pipe(out), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();  // drops any controlling terminal; opening the pty slave then adopts it
    int in = ::open(slave.c_str(), O_RDWR);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    auto terminal = make_tty_terminal();
    std::string r = terminal->interactive() ? "1" : "0";
    auto answer = terminal->ask("Start? [y/N] ");
    r += answer ? "L" + *answer : "E";
    ssize_t ignored = ::write(report[1], r.data(), r.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(report[1]);
  ::close(out[1]);
  Fd report_fd(report[0]), out_fd(out[0]);
  ChildResult result;
  if (with_pty) {
    result.tty_text = read_until(master.get(), "Start? [y/N] ");
    EXPECT_EQ(::write(master.get(), typed.data(), typed.size()),
              static_cast<ssize_t>(typed.size()));
  }
  result.report = read_until(report_fd.get(), "");
  result.stdout_text = read_until(out_fd.get(), "");
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return result;
}

TEST(TerminalTest, AsksOnTheControllingTerminalAndReadsOneLine) {
  auto r = ask_in_child(true, "yes\n");
  EXPECT_EQ(r.report, "1Lyes");
  EXPECT_NE(r.tty_text.find("Start? [y/N] "), std::string::npos);
  EXPECT_EQ(r.stdout_text, "") << "stdout belongs to the anvil";
}

TEST(TerminalTest, EndOfInputIsNoAnswer) {
  auto r = ask_in_child(true, "\x04");  // Ctrl-D at the start of a line
  EXPECT_EQ(r.report, "1E");
}

TEST(TerminalTest, WithoutAControllingTerminalNobodyIsAsked) {
  auto r = ask_in_child(false, "");
  EXPECT_EQ(r.report, "0E");
  EXPECT_EQ(r.stdout_text, "");
}

}  // namespace
}  // namespace run_anvil::launcher
