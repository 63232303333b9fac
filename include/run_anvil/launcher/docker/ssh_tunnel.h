#pragma once

#include <sys/types.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "run_anvil/launcher/docker/docker_endpoint.h"

// The ssh:// transport's connections: each is a connection to a private unix socket whose
// accepted end is the stdin/stdout of
//   ssh [-l user] [-p port] -o ConnectTimeout=30 -T -- host docker system dial-stdio
// as the docker CLI runs it (no bytes are copied by the launcher). All of them ride on ONE ssh
// connection: a ControlMaster started on first use (`ssh -M -N`, its control socket in a private
// 0700 directory) and ended when the tunnel is destroyed, so sshd sees one login and one key
// exchange however many requests run in parallel (one ssh process per connection makes sshd
// throttle parallel launchers: MaxStartups). The ssh processes run in their own session: a Ctrl-C
// at the terminal reaches the anvil, not the connection the launcher still needs to clean up; and
// ssh cannot prompt, so the login must work without one (a key, an agent).
namespace run_anvil::launcher {

class SshTunnel {
 public:
  explicit SshTunnel(DialTarget target);
  ~SshTunnel();  // ends every ssh process it started, removes its directory
  SshTunnel(const SshTunnel&) = delete;
  SshTunnel& operator=(const SshTunnel&) = delete;

  // A unix socket (in the tunnel's private directory) to connect to: each connection accepted
  // there becomes the stdin/stdout of one `ssh ... docker system dial-stdio`. Call ready()
  // before connecting.
  std::string socket_path() const;
  // Logs in (starts the master connection) unless that is done and alive, and starts listening.
  // Throws DaemonUnavailable with ssh's own words when it cannot log in.
  void ready();
  // The last lines ssh wrote to stderr (for error messages); "" when none.
  std::string diagnostics() const;
  // "ssh://user@host:port" as given.
  std::string describe() const;

  // The argv of one connection and of the master, exposed for tests.
  std::vector<std::string> connection_argv() const;
  std::vector<std::string> master_argv() const;

 private:
  std::vector<std::string> login_options() const;
  void ensure_master();  // mutex_ held
  void listen_once();    // mutex_ held
  void serve();          // the accept thread
  void reap(bool all);   // collects exited connection processes (all: ends them first)

  const DialTarget target_;
  std::string dir_;  // private directory for the sockets and ssh's stderr
  mutable std::mutex mutex_;
  pid_t master_ = -1;
  int listener_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::thread acceptor_;
  std::mutex children_mutex_;
  std::vector<pid_t> children_;  // connection processes, reaped as they exit
};

}  // namespace run_anvil::launcher
