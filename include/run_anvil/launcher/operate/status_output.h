#pragma once

#include <ostream>
#include <string>

#include "run_anvil/sidecars/operate/status_model.h"

// Rendering `run-anvil status`. The JSON form is a stable interface for scripts and agents; its
// schema is documented in the README ("status --json") and versioned by "schema_version":
// fields are only ever added, never renamed or removed, without bumping it.
namespace run_anvil::launcher {

inline constexpr int kStatusSchemaVersion = 1;

enum class StatusFormat { Table, Plain, Json };

void print_status(std::ostream& out, const StatusReport& report, StatusFormat format);

// "45s", "12m", "3h05m", "2d04h".
std::string uptime_text(long long seconds);

}  // namespace run_anvil::launcher
