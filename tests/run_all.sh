#!/usr/bin/env bash
# The test command: on a fresh Debian 12 machine as root, installs what is needed, builds,
# runs the unit tests (ctest) and the end-to-end tests against a real dockerd, then the unit tests
# again under ASan + UBSan and a bounded libFuzzer run over definitions.
#   bash tests/run_all.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/setup.sh"
setup_all

say "unit tests"
(cd "$RUN_ANVIL_BUILD" && ctest --output-on-failure -j"$(nproc)")

say "end-to-end tests against $(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?') (API $(docker version -f '{{.Server.APIVersion}}'))"
RUN_ANVIL_REAL_DOCKER=1 "$RUN_ANVIL_BUILD/unit_tests" --gtest_filter='EngineApiReal*' --gtest_brief=1
bash "$HERE/e2e/run.sh" | tee /tmp/run-anvil-e2e-summary.log

# Hardening (issue 6): the unit suite again under ASan + UBSan, then bounded fuzzing.
source "$HERE/lib/hardening.sh"
sanitized_unit_tests
fuzz_definitions

# One closing line for the whole run (any failure above has already stopped it with set -e).
unit_count=$(cd "$RUN_ANVIL_BUILD" && ctest -N | awk '/Total Tests:/ {print $3}')
e2e_count=$(awk '/^e2e: [0-9]+ passed/ {print $2}' /tmp/run-anvil-e2e-summary.log)
echo
echo "all: $((unit_count + e2e_count)) passed, 0 failed"
