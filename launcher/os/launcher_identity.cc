#include "run_anvil/launcher/os/launcher_identity.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include "run_anvil/launcher/os/session_lock.h"

namespace run_anvil::launcher {
namespace {

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string hostname() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  for (auto at = text.find(sep); at != std::string_view::npos; at = text.find(sep, from)) {
    parts.push_back(text.substr(from, at - from));
    from = at + 1;
  }
  parts.push_back(text.substr(from));
  return parts;
}

}  // namespace

std::string LauncherIdentity::label() const {
  std::string out =
      host + "/" + boot_id + "/" + std::to_string(pid) + "/" + std::to_string(start_time);
  return lock.empty() ? out : out + "/" + lock;
}

std::optional<LauncherIdentity> LauncherIdentity::parse(std::string_view label) {
  auto parts = split(label, '/');
  if ((parts.size() != 4 && parts.size() != 5) || parts[0].empty() || parts[1].empty()) {
    return std::nullopt;
  }
  LauncherIdentity who;
  who.host = std::string(parts[0]);
  who.boot_id = std::string(parts[1]);
  if (!parse_number(parts[2], who.pid) || who.pid <= 0) return std::nullopt;
  if (!parse_number(parts[3], who.start_time)) return std::nullopt;
  if (parts.size() == 5) {
    if (!session_lock_path(parts[4])) return std::nullopt;
    who.lock = std::string(parts[4]);
  }
  return who;
}

std::optional<unsigned long long> process_start_time(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  // Fields 3..22: state is field 3, start time field 22.
  for (int i = 3; i <= 22; ++i) {
    if (!(rest >> field)) return std::nullopt;
  }
  unsigned long long start = 0;
  if (!parse_number(std::string_view(field), start)) return std::nullopt;
  return start;
}

LauncherIdentity this_launcher() {
  LauncherIdentity self;
  self.host = hostname();
  self.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  if (self.boot_id.empty()) self.boot_id = "unknown";
  self.pid = static_cast<long>(getpid());
  self.start_time = process_start_time(self.pid).value_or(0);
  return self;
}

Liveness launcher_liveness(const LauncherIdentity& who, const LauncherIdentity& self) {
  if (who.host != self.host || self.boot_id == "unknown") return Liveness::Unknown;
  if (who.boot_id != self.boot_id) return Liveness::Dead;  // from before a reboot
  if (!who.lock.empty()) return session_lock_liveness(who.lock);
  if (who.pid == self.pid && who.start_time == self.start_time) return Liveness::Alive;
  auto start = process_start_time(who.pid);
  if (!start || *start != who.start_time) return Liveness::Dead;
  return Liveness::Alive;
}

}  // namespace run_anvil::launcher
