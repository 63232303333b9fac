#include "run_anvil/launcher/os/definition_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/os/fd.h"
#include "run_anvil/sidecars/define/definition_file_name.h"

namespace run_anvil::launcher {
namespace {

using sidecars::DirEntry;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

std::string os_error(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
}

// realpath(3) as a string; nullopt when it does not resolve (dangling link, loop).
std::optional<std::string> real_path(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(realpath(path.c_str(), nullptr), &std::free);
  if (!resolved) return std::nullopt;
  return std::string(resolved.get());
}

DirEntry::Kind kind_of(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return DirEntry::Kind::File;
  if (S_ISDIR(st.st_mode)) return DirEntry::Kind::Directory;
  return DirEntry::Kind::Other;
}

// Classifies one entry. The canonical form of `dir` is computed only when a symlink needs it,
// keeping the common case at one fstatat per file.
class Classifier {
 public:
  Classifier(int dir_fd, const std::string& dir) : dir_fd_(dir_fd), dir_(dir) {}

  DirEntry classify(const std::string& name) {
    DirEntry entry{name, DirEntry::Kind::Other, 0};
    struct stat st {};
    if (fstatat(dir_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return entry;
    if (S_ISLNK(st.st_mode)) return classify_link(std::move(entry));
    entry.kind = kind_of(st);
    if (entry.kind == DirEntry::Kind::File) entry.size = static_cast<std::uintmax_t>(st.st_size);
    return entry;
  }

 private:
  DirEntry classify_link(DirEntry entry) {
    auto target = real_path(dir_ + "/" + entry.name);
    if (!target) return entry;  // dangling: Other
    if (!target->starts_with(inside_prefix())) {
      entry.kind = DirEntry::Kind::SymlinkOutside;
      return entry;
    }
    struct stat st {};
    if (stat(target->c_str(), &st) != 0) return entry;
    entry.kind = kind_of(st);
    if (entry.kind == DirEntry::Kind::File) entry.size = static_cast<std::uintmax_t>(st.st_size);
    return entry;
  }

  // "<canonical dir>/": a target must start with it to count as inside.
  const std::string& inside_prefix() {
    if (!prefix_) {
      std::string canonical = real_path(dir_).value_or(dir_);
      prefix_ = canonical.ends_with('/') ? canonical : canonical + "/";
    }
    return *prefix_;
  }

  int dir_fd_;
  const std::string& dir_;
  std::optional<std::string> prefix_;
};

}  // namespace

std::vector<DirEntry> DefinitionFiles::list(const std::string& dir) {
  UniqueDir handle(opendir(dir.c_str()));
  if (!handle) {
    if (errno == ENOENT) return {};
    throw Error(os_error("cannot list", dir, errno));
  }
  Classifier classifier(dirfd(handle.get()), dir);
  std::vector<DirEntry> entries;
  errno = 0;
  while (const dirent* ent = readdir(handle.get())) {
    std::string name = ent->d_name;
    if (name.ends_with(sidecars::kDefinitionSuffix) || sidecars::looks_like_definition_file(name)) {
      entries.push_back(classifier.classify(name));
    }
    errno = 0;
  }
  if (errno != 0) throw Error(os_error("cannot list", dir, errno));
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

std::string DefinitionFiles::read(const std::string& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) throw Error(os_error("cannot read", path, errno));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) throw Error(os_error("cannot read", path, errno));
  if (!S_ISREG(st.st_mode)) throw Error("cannot read " + path + ": not a regular file");

  const std::size_t limit = sidecars::kMaxDefinitionBytes + 1;
  std::string content;
  char buffer[16384];
  while (content.size() < limit) {
    ssize_t n = ::read(fd.get(), buffer, std::min(sizeof buffer, limit - content.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(os_error("cannot read", path, errno));
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

}  // namespace run_anvil::launcher
