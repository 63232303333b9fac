#pragma once

#include <map>
#include <string>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/layers.h"

namespace run_anvil::fakes {

// An in-memory DefinitionSource: directories of named entries. Files hold text; other kinds
// are listed but cannot be read; `unreadable` files throw on read like an EACCES would.
class FakeDefinitionSource : public sidecars::DefinitionSource {
 public:
  void file(const std::string& dir, const std::string& name, const std::string& text) {
    dirs_[key(dir)][name] =
        Entry{sidecars::DirEntry{name, sidecars::DirEntry::Kind::File, text.size()}, text, false};
  }
  // A file whose listed size is `size` (its content is never needed: it must not be read).
  void big_file(const std::string& dir, const std::string& name, std::uintmax_t size) {
    dirs_[key(dir)][name] =
        Entry{sidecars::DirEntry{name, sidecars::DirEntry::Kind::File, size}, "", false};
  }
  void unreadable(const std::string& dir, const std::string& name) {
    dirs_[key(dir)][name] =
        Entry{sidecars::DirEntry{name, sidecars::DirEntry::Kind::File, 10}, "", true};
  }
  void entry(const std::string& dir, const std::string& name, sidecars::DirEntry::Kind kind) {
    dirs_[key(dir)][name] = Entry{sidecars::DirEntry{name, kind, 0}, "", true};
  }
  void broken_dir(const std::string& dir) { broken_.push_back(dir); }

  std::vector<sidecars::DirEntry> list(const std::string& dir) override {
    for (const auto& b : broken_) {
      if (b == dir) throw Error("cannot list " + dir + ": Not a directory");
    }
    std::vector<sidecars::DirEntry> out;
    auto it = dirs_.find(key(dir));
    if (it == dirs_.end()) return out;
    for (const auto& [name, entry] : it->second) out.push_back(entry.listed);
    return out;
  }

  std::string read(const std::string& path) override {
    reads.push_back(path);
    auto slash = path.rfind('/');
    auto dir = dirs_.find(key(path.substr(0, slash)));
    if (dir != dirs_.end()) {
      auto entry = dir->second.find(path.substr(slash + 1));
      if (entry != dir->second.end() && !entry->second.fails) return entry->second.text;
    }
    throw Error("cannot read " + path + ": Permission denied");
  }

  std::vector<std::string> reads;  // every path read, in order

 private:
  // "/r/" and "/r" name the same directory.
  static std::string key(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
  }
  struct Entry {
    sidecars::DirEntry listed;
    std::string text;
    bool fails = false;
  };
  std::map<std::string, std::map<std::string, Entry>> dirs_;
  std::vector<std::string> broken_;
};

}  // namespace run_anvil::fakes
