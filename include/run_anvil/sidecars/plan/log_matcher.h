#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

// Log readiness (SPEC §13): counting the log lines that match a pattern since the container's
// current start, over repeated reads of "what was written since <a time>". Pure: the caller
// fetches the text (Engine::logs_since); memory stays bounded by one batch plus the lines of
// the last kReorderWindow, whatever the container writes over time.
namespace run_anvil::sidecars {

struct UnixTime {
  std::int64_t seconds = 0;
  std::int64_t nanos = 0;
  auto operator<=>(const UnixTime&) const = default;
};

// `t` moved back by `seconds`, never before `floor`.
UnixTime earlier_of(UnixTime t, std::int64_t seconds, UnixTime floor);

// "2026-12-01T22:30:00.123456789Z" (UTC, as Docker writes them; an offset is honoured) ->
// unix time; nullopt when it is not RFC 3339.
std::optional<UnixTime> parse_rfc3339(std::string_view text);
// "1764628200.123456789": the form Docker's `since` query parameter takes.
std::string since_text(UnixTime t);

// The daemon stamps each line when that stream's reader gets it but writes stdout's and
// stderr's lines to its log in the order they win its lock, so the log is not in timestamp
// order (measured on dockerd 20.10 under load: 13 lines in 6000 came after a later-stamped line
// of the other stream, by under a millisecond). Each read therefore asks again for the last
// kReorderWindow before the newest line seen, and a line counts once by its timestamp and text.
class LogMatcher {
 public:
  static constexpr std::int64_t kReorderWindow = 5;  // seconds

  // Throws std::regex_error for a bad pattern (validation has already refused those).
  LogMatcher(const std::string& pattern, UnixTime start);

  // One answer to logs_since(since_text(since())): lines "<RFC 3339> <message>\n", in any order.
  // Lines already counted in an earlier batch are skipped.
  void feed(std::string_view batch);
  int matches() const { return matches_; }
  // What to ask the daemon for next: kReorderWindow before the newest line, never before start.
  UnixTime since() const { return earlier_of(newest_, kReorderWindow, start_); }
  std::size_t lines_seen() const { return lines_; }

 private:
  using Key = std::pair<UnixTime, std::size_t>;  // timestamp, hash of the text

  std::regex pattern_;
  UnixTime start_;
  UnixTime newest_;
  std::map<Key, int> recent_;  // lines at or after since(), and how many of each were counted
  int matches_ = 0;
  std::size_t lines_ = 0;
};

}  // namespace run_anvil::sidecars
