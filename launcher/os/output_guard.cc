#include "run_anvil/launcher/os/output_guard.h"

#include <iostream>
#include <mutex>
#include <streambuf>
#include <vector>

#include "run_anvil/sidecars/text/terminal_text.h"

namespace run_anvil::launcher {
namespace {

constexpr std::size_t kMinLineToMask = 4;

struct Registry {
  std::mutex mutex;
  std::vector<std::string> values;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: printing may happen during exit
  return *r;
}

std::string masked(std::string_view text) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return sidecars::mask_values(text, r.values);
}

// Holds output until a newline (or a flush) so a secret is never split across two writes and
// masked in neither.
class GuardBuf : public std::streambuf {
 public:
  explicit GuardBuf(std::streambuf* target) : target_(target) {}

 protected:
  int_type overflow(int_type ch) override {
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    pending_ += traits_type::to_char_type(ch);
    if (ch == '\n') emit();
    return ch;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    pending_.append(s, static_cast<std::size_t>(n));
    if (pending_.find('\n') != std::string::npos) emit();
    return n;
  }
  int sync() override {
    emit_all();
    return target_->pubsync();
  }

 private:
  // Complete lines only; a partial line waits for its end or a flush.
  void emit() {
    const auto last = pending_.rfind('\n');
    if (last == std::string::npos) return;
    const std::string out = printable(std::string_view(pending_).substr(0, last + 1));
    target_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
    pending_.erase(0, last + 1);
  }
  void emit_all() {
    emit();
    if (pending_.empty()) return;
    const std::string out = printable(pending_);
    target_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
    pending_.clear();
  }

  std::streambuf* target_;
  std::string pending_;
};

}  // namespace

void register_secret_value(const std::string& value) {
  if (value.empty()) return;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto add = [&](std::string v) {
    for (const auto& known : r.values) {
      if (known == v) return;
    }
    r.values.push_back(std::move(v));
  };
  add(value);
  std::size_t from = 0;
  while (from < value.size() && value.find('\n') != std::string::npos) {
    auto end = value.find('\n', from);
    if (end == std::string::npos) end = value.size();
    std::string line = value.substr(from, end - from);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() >= kMinLineToMask) add(std::move(line));
    from = end + 1;
  }
}

std::string printable(std::string_view text) { return sidecars::terminal_safe(masked(text)); }

std::string printable_line(std::string_view text) {
  return sidecars::terminal_safe_line(masked(text));
}

void guard_standard_streams() {
  static GuardBuf* out = new GuardBuf(std::cout.rdbuf());
  static GuardBuf* err = new GuardBuf(std::cerr.rdbuf());
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  // std::cerr is unit-buffered: every << flushes, which would emit partial lines. The guard
  // buffers until the newline instead; std::endl and the exit flush still go through sync().
}

}  // namespace run_anvil::launcher
