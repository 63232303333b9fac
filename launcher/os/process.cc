#include "run_anvil/launcher/os/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace run_anvil::launcher {
namespace {

std::atomic<int> g_signal{0};
std::atomic<pid_t> g_child{0};

constexpr int kHandled[] = {SIGINT, SIGTERM, SIGHUP};

void on_signal(int signo, siginfo_t* info, void*) {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, signo);
  pid_t child = g_child.load();
  if (child <= 0) return;
  // A terminal's Ctrl-C is delivered by the kernel to the whole foreground process group, the
  // child included; forwarding it again would deliver it twice.
  bool from_terminal = signo == SIGINT && info != nullptr && info->si_code == SI_KERNEL;
  if (!from_terminal) kill(child, signo);
}

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  out.reserve(argv.size() + 1);
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

// The child must start with default dispositions and an empty mask, as if run directly.
void reset_child_signals() {
  for (int s : kHandled) signal(s, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

int status_to_exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return exit_codes::kSignalBase + WTERMSIG(status);
  return exit_codes::kLauncherFailure;
}

}  // namespace

int exit_code_after(int wait_status, int signo) {
  if (signo == 0) return status_to_exit_code(wait_status);
  // Ctrl-C reaches the harness too; what it finally did is the better answer (137 when it had
  // to be killed), unless it just exited cleanly: an interrupted run never reports success.
  if (signo == SIGINT) {
    int own = status_to_exit_code(wait_status);
    return own != exit_codes::kSuccess ? own : exit_codes::kInterrupted;
  }
  return exit_codes::kSignalBase + signo;
}

Interrupted::Interrupted(int signo)
    : Error(signo == SIGINT ? "interrupted" : std::string("terminated by ") + strsignal(signo),
            exit_codes::kSignalBase + signo),
      signo_(signo) {}

void exec_replace(const std::vector<std::string>& argv) {
  auto args = c_argv(argv);
  execvp(args[0], args.data());
  int err = errno;
  std::fprintf(stderr, "run-anvil: error: cannot execute %s: %s\n", argv[0].c_str(),
               std::strerror(err));
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int s : kHandled) sigaction(s, &sa, nullptr);
}

int pending_signal() { return g_signal.load(); }

void throw_if_interrupted() {
  if (int s = g_signal.load()) throw Interrupted(s);
}

int run_foreground(const std::vector<std::string>& argv) {
  throw_if_interrupted();
  // A close-on-exec pipe tells the parent whether execvp succeeded (EOF) or failed (errno).
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
  auto args = c_argv(argv);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw Error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    reset_child_signals();
    execvp(args[0], args.data());
    int err = errno;
    (void)!write(fds[1], &err, sizeof err);
    _exit(exit_codes::kCannotExecute);
  }
  g_child.store(pid);
  close(fds[1]);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(fds[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  close(fds[0]);
  // A signal that arrived between fork and g_child being set was not forwarded yet.
  if (int s = g_signal.load(); s != 0 && s != SIGINT) kill(pid, s);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_child.store(0);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    std::fprintf(stderr, "run-anvil: error: cannot execute %s: %s\n", argv[0].c_str(),
                 std::strerror(exec_errno));
    return exit_codes::kCannotExecute;
  }
  return exit_code_after(status, g_signal.load());
}

}  // namespace run_anvil::launcher
