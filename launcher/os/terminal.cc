#include "run_anvil/launcher/os/terminal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace run_anvil::launcher {
namespace {

// A long answer is never meaningful here; the cap keeps a stuck paste from growing without bound.
constexpr std::size_t kMaxLine = 4096;

class TtyFd {
 public:
  // O_NOCTTY: asking a question must never make /dev/tty our controlling terminal by accident.
  TtyFd() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) {}
  ~TtyFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  TtyFd(const TtyFd&) = delete;
  TtyFd& operator=(const TtyFd&) = delete;
  bool ok() const { return fd_ >= 0; }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Byte at a time so nothing after the newline is consumed from the terminal.
std::optional<std::string> read_line(int fd) {
  std::string line;
  bool got_any = false;
  for (;;) {
    char c = 0;
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got_any = true;
    if (c == '\n') break;
    if (line.size() < kMaxLine) line.push_back(c);
  }
  if (!got_any) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

class TtyTerminal : public Terminal {
 public:
  bool interactive() override {
    if (::isatty(STDIN_FILENO) != 1) return false;
    TtyFd tty;
    return tty.ok();
  }

  std::optional<std::string> ask(const std::string& prompt) override {
    TtyFd tty;
    if (!tty.ok() || !write_all(tty.get(), prompt)) return std::nullopt;
    return read_line(tty.get());
  }
};

}  // namespace

std::unique_ptr<Terminal> make_tty_terminal() { return std::make_unique<TtyTerminal>(); }

}  // namespace run_anvil::launcher
