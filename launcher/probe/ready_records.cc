#include "run_anvil/launcher/probe/ready_records.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace run_anvil::launcher {
namespace {

// Container IDs are 64 hex characters; anything else never becomes a file name.
bool is_container_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool make_private_dirs(const std::string& dir) {
  std::string partial;
  std::stringstream parts(dir);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (part.empty()) continue;
    partial += "/" + part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return false;
  return S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
}

class FileReadyRecords : public ReadyRecords {
 public:
  explicit FileReadyRecords(std::string dir)
      : dir_(std::move(dir)), usable_(make_private_dirs(dir_)) {}

  std::string proof(const std::string& container_id) override {
    if (!usable_ || !is_container_id(container_id)) return "";
    int fd = ::open(path(container_id).c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return "";
    char buf[128];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return "";
    return std::string(buf, static_cast<size_t>(n));
  }

  void record(const std::string& container_id, const std::string& proof) override {
    if (!usable_ || !is_container_id(container_id) || proof.empty() || proof.size() > 100) {
      return;
    }
    std::string tmp = path(container_id) + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return;
    bool ok = ::write(fd, proof.data(), proof.size()) == static_cast<ssize_t>(proof.size());
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), path(container_id).c_str()) != 0) ::unlink(tmp.c_str());
  }

 private:
  std::string path(const std::string& id) const { return dir_ + "/" + id; }

  std::string dir_;
  bool usable_;
};

}  // namespace

std::unique_ptr<ReadyRecords> make_file_ready_records(const std::string& dir) {
  return std::make_unique<FileReadyRecords>(dir);
}

std::string default_ready_dir(const std::string& xdg_runtime_dir, const std::string& tmpdir) {
  if (!xdg_runtime_dir.empty() && xdg_runtime_dir[0] == '/') {
    return xdg_runtime_dir + "/run-anvil/ready";
  }
  if (::geteuid() == 0) return "/run/run-anvil/ready";
  std::string tmp = !tmpdir.empty() && tmpdir[0] == '/' ? tmpdir : "/tmp";
  return tmp + "/run-anvil-" + std::to_string(::geteuid()) + "/ready";
}

}  // namespace run_anvil::launcher
