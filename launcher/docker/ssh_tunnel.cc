#include "run_anvil/launcher/docker/ssh_tunnel.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "run_anvil/launcher/docker/engine.h"

extern char** environ;

namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;

// ssh's own ConnectTimeout is 30 s (as the docker CLI sets it); logging in takes a little more.
constexpr milliseconds kMasterPatience{40000};
constexpr milliseconds kMasterPoll{10};

std::string control_path(const std::string& dir) { return dir + "/control"; }
std::string log_path(const std::string& dir) { return dir + "/ssh.log"; }

// Spawns argv with stdin/stdout on `io` (-1: /dev/null) and stderr appended to `log`, in a
// session of its own, with default signal dispositions and an empty mask.
pid_t spawn(const std::vector<std::string>& argv, int io, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (io >= 0) {
    posix_spawn_file_actions_adddup2(&actions, io, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, io, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> c_argv;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, c_argv[0], &actions, &attr, c_argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw DaemonUnavailable("cannot run " + argv[0] + " for the Docker endpoint over ssh: " +
                            std::strerror(rc) + " (is the OpenSSH client installed?)");
  }
  return pid;
}

void end_process(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) != 0) return;
    std::this_thread::sleep_for(milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

bool is_socket(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

SshTunnel::SshTunnel(DialTarget target) : target_(std::move(target)) {
  std::string pattern = "/tmp/run-anvil-ssh-XXXXXX";  // short: a socket path has ~100 bytes
  if (mkdtemp(pattern.data()) == nullptr) {
    throw DaemonUnavailable(std::string("cannot create a directory for the ssh connection: ") +
                            std::strerror(errno));
  }
  dir_ = pattern;
}

SshTunnel::~SshTunnel() {
  if (acceptor_.joinable()) {
    const char stop = 's';
    [[maybe_unused]] const auto written = write(stop_pipe_[1], &stop, 1);
    acceptor_.join();
  }
  for (int fd : {listener_, stop_pipe_[0], stop_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
  reap(/*all=*/true);
  end_process(master_);
  unlink(socket_path().c_str());
  unlink(control_path(dir_).c_str());
  unlink(log_path(dir_).c_str());
  rmdir(dir_.c_str());
}

std::string SshTunnel::socket_path() const { return dir_ + "/dial"; }

void SshTunnel::ready() {
  std::lock_guard lock(mutex_);
  ensure_master();
  listen_once();
}

void SshTunnel::listen_once() {
  if (listener_ >= 0) return;
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = socket_path();
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, 64) != 0 || pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    const int error = errno;
    if (fd >= 0) close(fd);
    throw DaemonUnavailable("cannot listen on " + path +
                            " for the ssh connection: " + std::strerror(error));
  }
  listener_ = fd;
  acceptor_ = std::thread([this] { serve(); });
}

void SshTunnel::serve() {
  for (;;) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, 1000) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    reap(/*all=*/false);
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    try {
      const pid_t pid = spawn(connection_argv(), connection, log_path(dir_));
      std::lock_guard lock(children_mutex_);
      children_.push_back(pid);
    } catch (const std::exception&) {
      // Closing the connection makes the request fail; diagnostics() has the reason.
    }
    close(connection);  // the child has its own copy as stdin/stdout
  }
}

void SshTunnel::reap(bool all) {
  std::lock_guard lock(children_mutex_);
  std::vector<pid_t> still;
  for (pid_t pid : children_) {
    if (all) {
      end_process(pid);
    } else if (waitpid(pid, nullptr, WNOHANG) == 0) {
      still.push_back(pid);
    }
  }
  children_ = std::move(still);
}

std::vector<std::string> SshTunnel::login_options() const {
  std::vector<std::string> args;
  if (!target_.ssh_user.empty()) args.insert(args.end(), {"-l", target_.ssh_user});
  if (!target_.ssh_port.empty()) args.insert(args.end(), {"-p", target_.ssh_port});
  args.insert(args.end(), {"-o", "ConnectTimeout=30", "-o", "ControlPath=" + control_path(dir_)});
  return args;
}

std::vector<std::string> SshTunnel::master_argv() const {
  std::vector<std::string> argv{"ssh"};
  const auto login = login_options();
  argv.insert(argv.end(), login.begin(), login.end());
  argv.insert(argv.end(), {"-o", "ControlMaster=yes", "-o", "ControlPersist=no", "-N", "-T", "--",
                           target_.ssh_host});
  return argv;
}

std::vector<std::string> SshTunnel::connection_argv() const {
  std::vector<std::string> argv{"ssh"};
  const auto login = login_options();
  argv.insert(argv.end(), login.begin(), login.end());
  argv.insert(argv.end(), {"-o", "ControlMaster=no", "-T", "--", target_.ssh_host, "docker",
                           "system", "dial-stdio"});
  return argv;
}

std::string SshTunnel::describe() const {
  std::string out = "ssh://";
  if (!target_.ssh_user.empty()) out += target_.ssh_user + "@";
  out += target_.ssh_host;
  if (!target_.ssh_port.empty()) out += ":" + target_.ssh_port;
  return out;
}

std::string SshTunnel::diagnostics() const {
  std::ifstream in(log_path(dir_));
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) all.pop_back();
  constexpr std::size_t kTail = 600;
  if (all.size() > kTail) all.erase(0, all.size() - kTail);
  return all;
}

void SshTunnel::ensure_master() {
  if (master_ > 0) {
    int status = 0;
    if (waitpid(master_, &status, WNOHANG) == 0 && is_socket(control_path(dir_))) return;
    master_ = -1;  // it died (network gone, sshd restarted): log in again
  }
  master_ = spawn(master_argv(), -1, log_path(dir_));
  const auto deadline = std::chrono::steady_clock::now() + kMasterPatience;
  while (!is_socket(control_path(dir_))) {
    int status = 0;
    if (waitpid(master_, &status, WNOHANG) == master_) {
      master_ = -1;
      const std::string why = diagnostics();
      throw DaemonUnavailable("cannot reach the Docker daemon at " + describe() +
                              ": ssh could not log in" + (why.empty() ? "" : " (" + why + ")") +
                              "; check `ssh " + target_.ssh_host + "` works without a prompt");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      end_process(master_);
      master_ = -1;
      throw DaemonUnavailable("cannot reach the Docker daemon at " + describe() +
                              ": ssh did not log in within " +
                              std::to_string(kMasterPatience.count() / 1000) + " s");
    }
    std::this_thread::sleep_for(kMasterPoll);
  }
}

}  // namespace run_anvil::launcher
