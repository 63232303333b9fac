#include "run_anvil/sidecars/text/ustar.h"

#include <cstdio>
#include <cstring>

#include "run_anvil/errors.h"

namespace run_anvil::sidecars {
namespace {

constexpr std::size_t kBlock = 512;

// Writes `value` as a NUL-terminated octal field of `width` bytes at `at`.
void octal(std::string& header, std::size_t at, std::size_t width, unsigned long long value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*llo", static_cast<int>(width - 1), value);
  std::memcpy(&header[at], buffer, width - 1);
  header[at + width - 1] = '\0';
}

}  // namespace

std::string ustar_single_file(const std::string& name, std::string_view content, unsigned mode,
                              unsigned uid, unsigned gid) {
  if (name.empty() || name.size() > 99) throw Error("internal: tar member name too long: " + name);
  std::string header(kBlock, '\0');
  std::memcpy(&header[0], name.data(), name.size());
  octal(header, 100, 8, mode);
  octal(header, 108, 8, uid);
  octal(header, 116, 8, gid);
  octal(header, 124, 12, content.size());
  octal(header, 136, 12, 0);              // mtime: fixed, so the archive depends only on its inputs
  header[156] = '0';                      // regular file
  std::memcpy(&header[257], "ustar", 6);  // magic "ustar\0"
  header[263] = '0';
  header[264] = '0';
  std::memcpy(&header[265], "root", 4);
  std::memcpy(&header[297], "root", 4);
  // The checksum is computed with its own field as eight spaces.
  std::memset(&header[148], ' ', 8);
  unsigned long sum = 0;
  for (unsigned char c : header) sum += c;
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06lo", sum);
  std::memcpy(&header[148], checksum, 7);  // six digits, NUL, and the space that stays
  std::string out = header;
  out.append(content.data(), content.size());
  out.append((kBlock - content.size() % kBlock) % kBlock, '\0');
  out.append(2 * kBlock, '\0');  // end of archive
  return out;
}

}  // namespace run_anvil::sidecars
