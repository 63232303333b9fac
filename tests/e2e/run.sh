#!/usr/bin/env bash
# Runs the end-to-end tests against a real dockerd: tests/e2e/run.sh [TEST_FUNCTION ...]
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
for t in "${tests[@]}"; do run_test "$t"; done
e2e_summary
