#!/usr/bin/env bash
# Runs the end-to-end tests against the engine DOCKER_HOST names (dockerd or podman's service):
#   tests/e2e/run.sh [TEST_FUNCTION ...]
# Expects tests/lib/setup.sh's setup to have run (tests/run_all.sh does it).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../lib/setup.sh"
set +e
source "$HERE/lib.sh"
for f in "$HERE"/test_*.sh; do source "$f"; done

if (($#)); then
  tests=("$@")
else
  mapfile -t tests < <(declare -F | awk '{print $3}' | grep '^test_')
fi
setup_dockerd
setup_image
source "$HERE/../lib/podman.sh"
if engine_is_podman; then E2E_ENGINE=podman; else E2E_ENGINE=dockerd; fi
if [ "$E2E_ENGINE" = podman ]; then ANVIL_RUN="podman run"; else ANVIL_RUN="docker run"; fi
export E2E_ENGINE ANVIL_RUN
echo "e2e against $E2E_ENGINE at ${DOCKER_HOST:-the default socket}"
for t in "${tests[@]}"; do run_test "$t"; done
remote_engines_stop_started  # the TLS dockerd and sshd this run started (by their own PIDs)
e2e_summary
