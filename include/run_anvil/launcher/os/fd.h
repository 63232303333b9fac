#pragma once

#include <unistd.h>

// The one owner of a file descriptor: closed when it goes out of scope, whatever path leaves it.
namespace run_anvil::launcher {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes it now (a second reset does nothing).
  void reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

}  // namespace run_anvil::launcher
