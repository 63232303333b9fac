#include "run_anvil/launcher/os/capture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/os/fd.h"

extern char** environ;

namespace run_anvil::launcher {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kCancelPoll{100};

// The child must not outlive an early return: killed and reaped whatever path leaves the scope.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    wait();
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }
  void kill_now() {
    if (pid_ > 0) kill(pid_, SIGKILL);
  }
  // True (and `status` set) once it has exited.
  bool try_wait(int& status) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return false;
    pid_ = -1;
    return true;
  }

 private:
  pid_t pid_;
};

pid_t spawn(const std::vector<std::string>& argv, int out_fd, int read_end, int& spawn_errno) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, read_end);
  // The launcher's own SIGINT/SIGTERM/SIGHUP handlers must not apply to the provider.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGHUP);
  sigaddset(&defaults, SIGPIPE);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  spawn_errno = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return spawn_errno == 0 ? pid : -1;
}

}  // namespace

CaptureResult capture_stdout(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout, std::size_t max_bytes,
                             const std::function<void()>& check_cancelled) {
  CaptureResult result;
  if (argv.empty()) {
    result.status = CaptureResult::Status::CannotExecute;
    result.exec_errno = ENOENT;
    return result;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  int spawn_errno = 0;
  const pid_t pid = spawn(argv, write_end.get(), read_end.get(), spawn_errno);
  write_end.reset();
  if (pid < 0) {
    result.status = CaptureResult::Status::CannotExecute;
    result.exec_errno = spawn_errno;
    return result;
  }
  Child child(pid);
  const auto deadline = Clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    if (check_cancelled) check_cancelled();  // throwing kills the child (Child's destructor)
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.status = CaptureResult::Status::TimedOut;
      result.out.clear();
      child.kill_now();
      child.wait();
      return result;
    }
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min(left, kCancelPoll).count()));
    if (ready < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) continue;
    const ssize_t n = read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF (or an error, which ends the output just the same)
    if (result.out.size() + static_cast<std::size_t>(n) > max_bytes) {
      result.status = CaptureResult::Status::TooLarge;
      result.out.clear();
      child.kill_now();
      child.wait();
      return result;
    }
    result.out.append(buffer, static_cast<std::size_t>(n));
  }
  // It closed its output; it may still linger (a daemon it forked holding nothing): bounded too.
  int status = 0;
  while (!child.try_wait(status)) {
    if (check_cancelled) check_cancelled();
    if (Clock::now() >= deadline) {
      result.status = CaptureResult::Status::TimedOut;
      result.out.clear();
      return result;  // Child's destructor kills and reaps it
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFSIGNALED(status)) {
    result.status = CaptureResult::Status::Signaled;
    result.signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace run_anvil::launcher
