#include "parse_values.h"

#include <cstdio>

#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/define/secret_ref.h"

namespace run_anvil::sidecars {
namespace {

bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// A decimal "123" or "1.25": the whole part and the fraction in billionths. Signs, exponents,
// spaces and more than 9 decimals are rejected rather than guessed at.
struct Decimal {
  std::int64_t whole = 0;
  std::int64_t nanos = 0;
};
std::optional<Decimal> parse_decimal(std::string_view text) {
  Decimal d;
  std::size_t i = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (i >= 15) return std::nullopt;  // far beyond every range we accept
    d.whole = d.whole * 10 + (text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  if (i == text.size()) return d;
  if (text[i] != '.' || i + 1 == text.size() || text.size() - i - 1 > 9) return std::nullopt;
  std::int64_t scale = 100000000;
  for (++i; i < text.size(); ++i, scale /= 10) {
    if (!is_digit(text[i])) return std::nullopt;
    d.nanos += (text[i] - '0') * scale;
  }
  return d;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    std::int64_t ms;
  };
  // "ms" before "m" and "s": the longest suffix wins.
  static constexpr Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  constexpr std::int64_t kMaxMs = std::int64_t{24} * 3600000;
  std::int64_t unit_ms = 1000;  // a bare number means seconds
  for (const auto& unit : kUnits) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      text.remove_suffix(unit.suffix.size());
      unit_ms = unit.ms;
      break;
    }
  }
  auto d = parse_decimal(text);
  if (!d || d->whole > kMaxMs) return std::nullopt;
  std::int64_t ms = d->whole * unit_ms + (d->nanos * unit_ms + 500000000) / 1000000000;
  if (ms <= 0 || ms > kMaxMs) return std::nullopt;
  return std::chrono::milliseconds{ms};
}

bool valid_sidecar_name(std::string_view name) {
  return name.size() <= kMaxDnsLabel && detail::valid_simple_name(name);
}

bool valid_dns_name(std::string_view name, bool single_label) {
  return valid_sidecar_name(name) && (!single_label || name.find('.') == std::string_view::npos);
}

namespace detail {

std::string quoted(std::string_view value) {
  constexpr std::size_t kMax = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size() && i < kMax; ++i) {
    char c = value[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (is_control(c)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += value.size() > kMax ? "\"..." : "\"";
  return out;
}

bool valid_simple_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || !is_alnum(name[0])) return false;
  for (char c : name) {
    if (!is_alnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool has_control_chars(std::string_view text) {
  for (char c : text) {
    if (is_control(c)) return true;
  }
  return false;
}

bool valid_image(std::string_view image) {
  if (image.empty() || image[0] == '-') return false;
  for (char c : image) {
    if (is_control(c) || c == ' ') return false;
  }
  return true;
}

bool valid_env_key(std::string_view key) {
  if (key.empty() || is_digit(key[0])) return false;
  for (char c : key) {
    if (!is_alnum(c) && c != '_') return false;
  }
  return true;
}

bool valid_secret_references(std::string_view value) {
  return parse_secret_refs(value).has_value();
}

std::optional<Mount> parse_mount(std::string_view text) {
  Mount mount;
  auto colon = text.find(':');
  auto kind = text.substr(0, colon);
  if (kind == "workspace") {
    mount.kind = Mount::Kind::Workspace;
  } else if (kind == "docker-socket") {
    mount.kind = Mount::Kind::DockerSocket;
  } else {
    return std::nullopt;
  }
  if (colon == std::string_view::npos) return mount;
  auto mode = text.substr(colon + 1);
  if (mode != "ro" && mode != "rw") return std::nullopt;
  mount.read_only = mode == "ro";
  return mount;
}

bool valid_mountpoint(std::string_view path) {
  if (path.size() < 2 || path[0] != '/' || has_control_chars(path)) return false;
  if (path.find(':') != std::string_view::npos) return false;
  // ".." as a whole path component, wherever it is.
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

bool valid_url_path(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  for (char c : path) {
    if (is_control(c) || c == ' ') return false;
  }
  return true;
}

std::optional<std::int64_t> parse_memory(std::string_view text) {
  std::int64_t multiplier = 1;
  if (!text.empty() && lower(text.back()) == 'b') text.remove_suffix(1);
  if (!text.empty()) {
    switch (lower(text.back())) {
      case 'k':
        multiplier = std::int64_t{1} << 10;
        break;
      case 'm':
        multiplier = std::int64_t{1} << 20;
        break;
      case 'g':
        multiplier = std::int64_t{1} << 30;
        break;
      default:
        multiplier = 0;
        break;
    }
    if (multiplier != 0) {
      text.remove_suffix(1);
    } else {
      multiplier = 1;
    }
  }
  if (text.empty() || text.find('.') != std::string_view::npos) return std::nullopt;
  auto d = parse_decimal(text);
  // parse_decimal caps the digits, so the check below cannot overflow.
  if (!d || d->whole > kMaxMemoryBytes / multiplier) return std::nullopt;
  std::int64_t bytes = d->whole * multiplier;
  if (bytes < kMinMemoryBytes) return std::nullopt;
  return bytes;
}

std::optional<std::int64_t> parse_nano_cpus(std::string_view text) {
  auto d = parse_decimal(text);
  if (!d || d->whole > kMaxNanoCpus / 1000000000) return std::nullopt;
  std::int64_t nano = d->whole * 1000000000 + d->nanos;
  if (nano <= 0 || nano > kMaxNanoCpus) return std::nullopt;
  return nano;
}

std::string format_nano_cpus(std::int64_t nano) {
  std::string out = std::to_string(nano / 1000000000);
  std::int64_t fraction = nano % 1000000000;
  if (fraction == 0) return out;
  std::string digits = std::to_string(fraction);
  digits.insert(0, 9 - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

}  // namespace detail
}  // namespace run_anvil::sidecars
