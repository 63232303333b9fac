#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

// Log readiness (SPEC §13): counting the log lines that match a pattern since the container's
// current start, over repeated reads of "what was written since <cursor>". Pure: the caller
// fetches the text (Engine::logs_since); memory stays bounded by one batch whatever the
// container writes over time.
namespace run_anvil::sidecars {

struct UnixTime {
  std::int64_t seconds = 0;
  std::int64_t nanos = 0;
  auto operator<=>(const UnixTime&) const = default;
};

// "2026-12-01T22:30:00.123456789Z" (UTC, as Docker writes them; an offset is honoured) ->
// unix time; nullopt when it is not RFC 3339.
std::optional<UnixTime> parse_rfc3339(std::string_view text);
// "1764628200.123456789": the form Docker's `since` query parameter takes.
std::string since_text(UnixTime t);

class LogMatcher {
 public:
  // Throws std::regex_error for a bad pattern (validation has already refused those).
  LogMatcher(const std::string& pattern, UnixTime start);

  // One answer to logs_since(since_text(cursor())): lines "<RFC 3339> <message>\n". Lines
  // already counted in an earlier batch (same timestamp as the cursor) are skipped.
  void feed(std::string_view batch);
  int matches() const { return matches_; }
  UnixTime cursor() const { return cursor_; }
  std::size_t lines_seen() const { return lines_; }

 private:
  void line(UnixTime at, std::string_view message, int& equal_in_batch);

  std::regex pattern_;
  UnixTime cursor_;
  int seen_at_cursor_ = 0;  // lines with exactly the cursor's timestamp already counted
  int matches_ = 0;
  std::size_t lines_ = 0;
};

}  // namespace run_anvil::sidecars
