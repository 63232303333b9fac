#include "run_anvil/launcher/os/random_hex.h"

#include <random>

namespace run_anvil::launcher {

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  out.reserve(2 * bytes);
  for (std::size_t i = 0; i < bytes; ++i) {
    const unsigned byte = device() & 0xffU;
    out += kHex[byte >> 4];
    out += kHex[byte & 0xfU];
  }
  return out;
}

}  // namespace run_anvil::launcher
