#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/run/approvals.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kVersion = 2;  // 1: no summary, one hash per name (still read)

class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  // Closing explicitly surfaces a failed write-back that a destructor would have to swallow.
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw Error(what + " approval store " + path + ": " + std::strerror(err));
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<Approval> parse_entry(const json& j) {
  if (!j.is_object()) return std::nullopt;
  for (const char* key : {"workspace", "name", "config_hash", "approved_at"}) {
    if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  }
  Approval a{j["workspace"], j["name"], j["config_hash"], j["approved_at"], ""};
  if (j.contains("summary")) {
    if (!j["summary"].is_string()) return std::nullopt;
    a.summary = j["summary"];
  }
  if (a.workspace.empty() || a.name.empty() || !is_hex64(a.config_hash)) return std::nullopt;
  return a;
}

// Opens `path` for reading without blocking: O_NONBLOCK so a FIFO planted (or left) there cannot
// hang the launcher before any signal handler is installed, then fstat so only a regular file is
// read. -1 with errno ENOENT when there is nothing there.
int open_regular(const std::string& path, int flags, const std::string& what) {
  int fd = ::open(path.c_str(), flags | O_NONBLOCK | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(what + " " + path + " is not a regular file; remove it or pass another path " +
                "with --approvals");
  }
  return fd;
}

// nullopt when the file does not exist; throws when it exists but cannot be read.
std::optional<std::string> read_file(const std::string& path) {
  ScopedFd fd(open_regular(path, O_RDONLY, "the approval store"));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("cannot read", path, errno);
  }
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read", path, errno);
    if (n == 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
  }
}

// An exclusive flock on the store's directory for one read-merge-write, so launchers approving
// in two workspaces at once both keep their approvals. The directory rather than a lock file:
// nothing extra is left next to the store, and nothing can be planted in the lock's place.
// Waits at most kLockPatience for a peer.
class StoreLock {
 public:
  StoreLock(const fs::path& dir, const std::string& store)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_.get() < 0) fail("cannot lock the directory of the", store, errno);
    const auto deadline = std::chrono::steady_clock::now() + kLockPatience;
    while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) fail("cannot lock", store, errno);
      if (std::chrono::steady_clock::now() >= deadline) {
        throw Error("the approval store " + store + " stayed locked by another run-anvil for " +
                    "10 s; try again");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  static constexpr std::chrono::seconds kLockPatience{10};
  ScopedFd fd_;
};

// mkdir -p with 0700 for what we create; existing directories keep their mode (not ours).
void make_parents(const fs::path& dir, const std::string& store) {
  fs::path built;
  for (const auto& part : dir) {
    built /= part;
    if (::mkdir(built.c_str(), 0700) == 0) {
      ::chmod(built.c_str(), 0700);  // umask may have stripped bits we need
    } else if (errno != EEXIST) {
      fail("cannot create the directory " + built.string() + " for the", store, errno);
    }
  }
}

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", path, errno);
    done += static_cast<std::size_t>(n);
  }
}

// Creates a uniquely named 0600 file in `dir`, setting `path`. O_EXCL|O_NOFOLLOW: never write
// through a file or symlink someone planted under that name.
int open_unique(const fs::path& dir, const std::string& store, std::string& path) {
  for (int attempt = 0;; ++attempt) {
    path = (dir /
            (".approvals." + std::to_string(::getpid()) + "." + std::to_string(attempt) + ".tmp"))
               .string();
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno != EEXIST || attempt >= 100) fail("cannot write", store, errno);
  }
}

// The temp file next to the store, removed unless it was renamed into place.
class TempFile {
 public:
  TempFile(const fs::path& dir, const std::string& store) : fd_(open_unique(dir, store, path_)) {}
  ~TempFile() {
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ScopedFd& fd() { return fd_; }
  const std::string& path() const { return path_; }
  void commit() { committed_ = true; }

 private:
  std::string path_;  // before fd_: open_unique() fills it during fd_'s initialisation
  ScopedFd fd_;
  bool committed_ = false;
};

// Without this the rename may not survive a crash; failure only costs durability, not safety.
void sync_dir(const fs::path& dir) {
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

}  // namespace

std::optional<std::vector<Approval>> parse_approvals(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("version") || !j.contains("approvals")) return std::nullopt;
  if (!j["version"].is_number_integer()) return std::nullopt;
  if (int v = j["version"].get<int>(); v != 1 && v != kVersion) return std::nullopt;
  if (!j["approvals"].is_array()) return std::nullopt;
  std::vector<Approval> out;
  for (const auto& entry : j["approvals"]) {
    auto a = parse_entry(entry);
    if (!a) return std::nullopt;
    out.push_back(std::move(*a));
  }
  return out;
}

std::string serialize_approvals(const std::vector<Approval>& approvals) {
  json list = json::array();
  for (const auto& a : approvals) {
    list.push_back({{"workspace", a.workspace},
                    {"name", a.name},
                    {"config_hash", a.config_hash},
                    {"approved_at", a.approved_at},
                    {"summary", a.summary}});
  }
  json doc = {{"version", kVersion}, {"approvals", list}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

ApprovalStore ApprovalStore::load(const std::string& path) {
  ApprovalStore store(path);
  store.read();
  return store;
}

void ApprovalStore::read() {
  approvals_.clear();
  corrupt_ = false;
  auto text = read_file(path_);
  if (!text) return;
  auto parsed = parse_approvals(*text);
  if (parsed) {
    approvals_ = std::move(*parsed);
  } else {
    corrupt_ = true;
  }
}

const Approval* ApprovalStore::find(const std::string& workspace, const std::string& name) const {
  // Entries are appended as they are approved: the last match is the latest.
  for (auto it = approvals_.rbegin(); it != approvals_.rend(); ++it) {
    if (it->workspace == workspace && it->name == name) return &*it;
  }
  return nullptr;
}

bool ApprovalStore::approves(const std::string& workspace, const std::string& name,
                             const std::string& config_hash) const {
  return std::any_of(approvals_.begin(), approvals_.end(), [&](const Approval& a) {
    return a.workspace == workspace && a.name == name && a.config_hash == config_hash;
  });
}

void ApprovalStore::record(Approval approval) {
  replace(approval);
  recorded_.push_back(std::move(approval));
}

void ApprovalStore::replace(const Approval& approval) {
  std::erase_if(approvals_, [&](const Approval& a) {
    return a.workspace == approval.workspace && a.name == approval.name &&
           a.config_hash == approval.config_hash;
  });
  approvals_.push_back(approval);
}

void ApprovalStore::save() {
  fs::path dir = fs::path(path_).parent_path();
  if (dir.empty()) dir = ".";
  make_parents(dir, path_);
  // Read-merge-write under the lock: what peers saved since load() stays, ours is added.
  const StoreLock lock(dir, path_);
  read();
  for (const auto& a : recorded_) replace(a);
  TempFile tmp(dir, path_);
  // The mode given to open() is filtered by umask; fchmod makes 0600 exact.
  if (::fchmod(tmp.fd().get(), 0600) != 0) fail("cannot write", path_, errno);
  write_all(tmp.fd().get(), serialize_approvals(approvals_), path_);
  if (::fsync(tmp.fd().get()) != 0) fail("cannot write", path_, errno);
  if (tmp.fd().close() != 0) fail("cannot write", path_, errno);
  if (::rename(tmp.path().c_str(), path_.c_str()) != 0) fail("cannot replace", path_, errno);
  tmp.commit();
  sync_dir(dir);
}

}  // namespace run_anvil::launcher
