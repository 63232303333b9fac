#include "run_anvil/sidecars/text/terminal_text.h"

#include <algorithm>
#include <cstdio>

namespace run_anvil::sidecars {
namespace {

void append_hex(std::string& out, unsigned char byte) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "\\x%02x", byte);
  out += hex;
}

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at `i` (2..4), or 0 when it is not one. Overlong
// forms and surrogates are not valid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = at(0);
  std::size_t n = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if (!continuation(at(k))) return 0;
  }
  if (lead == 0xE0 && at(1) < 0xA0) return 0;  // overlong
  if (lead == 0xED && at(1) > 0x9F) return 0;  // surrogate
  if (lead == 0xF0 && at(1) < 0x90) return 0;  // overlong
  if (lead == 0xF4 && at(1) > 0x8F) return 0;  // beyond U+10FFFF
  return n;
}

std::string escape(std::string_view s, bool keep_newlines) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && !(keep_newlines && c == '\n')) || c == 0x7F) {
        append_hex(out, c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      append_hex(out, c);  // not UTF-8: a raw 0x80..0xFF byte
      ++i;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      append_hex(out, static_cast<unsigned char>(s[i + 1]));  // C1 control U+0080..U+009F
      i += 2;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

std::string terminal_safe(std::string_view text) { return escape(text, true); }

std::string terminal_safe_line(std::string_view text) { return escape(text, false); }

std::string mask_values(std::string_view text, const std::vector<std::string>& values) {
  std::vector<const std::string*> order;
  for (const auto& v : values) {
    if (!v.empty()) order.push_back(&v);
  }
  if (order.empty()) return std::string(text);
  std::sort(order.begin(), order.end(),
            [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
  std::string out(text);
  for (const std::string* value : order) {
    std::string next;
    std::size_t from = 0;
    for (auto at = out.find(*value); at != std::string::npos; at = out.find(*value, from)) {
      next.append(out, from, at - from).append("***");
      from = at + value->size();
    }
    if (from == 0) continue;
    next.append(out, from, std::string::npos);
    out = std::move(next);
  }
  return out;
}

}  // namespace run_anvil::sidecars
