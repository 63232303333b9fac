#include "run_anvil/sidecars/text/durations.h"

#include <sstream>

namespace run_anvil::sidecars {

std::string seconds_text(std::chrono::milliseconds d) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(d.count() < 10000 ? 1 : 0);
  out << static_cast<double>(d.count()) / 1000.0 << "s";
  return out.str();
}

}  // namespace run_anvil::sidecars
