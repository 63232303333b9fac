#include "run_anvil/sidecars/plan/log_matcher.h"

#include <ctime>
#include <functional>

namespace run_anvil::sidecars {
namespace {

// std::regex matches recursively: a bounded subject keeps a hostile log line from exhausting
// the stack. A ready message is never this long.
constexpr std::size_t kMaxMatchedLine = 4096;

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm): no timegm, no locale.
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

}  // namespace

std::optional<UnixTime> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::int64_t scale = 100000000;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) {
      nanos += (s[pos] - '0') * scale;
    }
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else if (pos >= s.size() || (s[pos] != 'Z' && s[pos] != 'z')) {
    return std::nullopt;
  }
  std::int64_t seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return UnixTime{seconds, nanos};
}

std::string since_text(UnixTime t) {
  std::string nanos = std::to_string(t.nanos);
  nanos.insert(0, 9 - nanos.size(), '0');
  return std::to_string(t.seconds) + "." + nanos;
}

UnixTime earlier_of(UnixTime t, std::int64_t seconds, UnixTime floor) {
  UnixTime back{t.seconds - seconds, t.nanos};
  return back < floor ? floor : back;
}

LogMatcher::LogMatcher(const std::string& pattern, UnixTime start)
    : pattern_(pattern, std::regex::ECMAScript), start_(start), newest_(start) {}

void LogMatcher::feed(std::string_view batch) {
  const UnixTime window = since();  // what the caller asked for; older lines were seen or dropped
  std::map<Key, int> in_batch;      // how often each line came in this batch
  while (!batch.empty()) {
    auto end = batch.find('\n');
    std::string_view text = batch.substr(0, end);
    batch = end == std::string_view::npos ? std::string_view() : batch.substr(end + 1);
    auto space = text.find(' ');
    auto at = parse_rfc3339(text.substr(0, space));
    if (!at || *at < window) continue;  // not a timestamped line, or before the window
    std::string_view message =
        space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (!message.empty() && message.back() == '\r') message.remove_suffix(1);
    Key key{*at, std::hash<std::string_view>{}(message)};
    int& counted = recent_[key];
    if (++in_batch[key] <= counted) continue;  // the same line, counted in an earlier batch
    ++counted;
    if (*at > newest_) newest_ = *at;
    ++lines_;
    std::string subject(message.substr(0, kMaxMatchedLine));
    if (std::regex_search(subject, pattern_)) ++matches_;
  }
  // Forget what the next request cannot return again.
  recent_.erase(recent_.begin(), recent_.lower_bound(Key{since(), 0}));
}

}  // namespace run_anvil::sidecars
