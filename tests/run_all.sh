#!/usr/bin/env bash
# The test command: on a fresh Debian 12 machine as root, installs what is needed, builds,
# runs the unit tests (ctest) and the end-to-end tests against a real dockerd and against podman
# (the same scenarios), then the unit tests
# again under ASan + UBSan and a bounded libFuzzer run over definitions.
#   bash tests/run_all.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/setup.sh"
setup_all

say "unit tests"
(cd "$RUN_ANVIL_BUILD" && ctest --output-on-failure -j"$(nproc)")

# The same scenarios against dockerd and against podman's Docker-compatible service (issue 15),
# side by side: two engines, nothing shared but the host (each pass has its own work directory,
# sshd port and sidecar names on its own engine), and most of an e2e test is waiting. podman is
# installed, its containers.conf merged, its service started here and stopped afterwards (only
# that one). The podman pass prints when it is done; a failure of either fails the run.
say "end-to-end tests against dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?') (API $(docker version -f '{{.Server.APIVersion}}')) and, side by side, podman"
RUN_ANVIL_REAL_DOCKER=1 "$RUN_ANVIL_BUILD/unit_tests" --gtest_filter='EngineApiReal*' --gtest_brief=1
# The Debian services image's root (debootstrap, about a minute) once, before both passes need it.
source "$HERE/lib/services_image.sh"
services_rootfs_tar >/dev/null
source "$HERE/lib/podman.sh"
(
  podman_start
  trap podman_stop EXIT
  bash "$HERE/e2e/run.sh"
) >/tmp/run-anvil-e2e-podman-summary.log 2>&1 &
podman_pass=$!
e2e_start=$SECONDS
dockerd_rc=0
bash "$HERE/e2e/run.sh" | tee /tmp/run-anvil-e2e-summary.log || dockerd_rc=$?
say "dockerd pass done after $((SECONDS - e2e_start)) s; waiting for the podman pass"
podman_rc=0
wait "$podman_pass" || podman_rc=$?
say "end-to-end tests against podman $(podman --version | awk '{print $3}') (done after $((SECONDS - e2e_start)) s)"
cat /tmp/run-anvil-e2e-podman-summary.log
if ((dockerd_rc || podman_rc)); then
  echo "e2e failed (dockerd pass: exit $dockerd_rc, podman pass: exit $podman_rc)" >&2
  exit 1
fi
say "$SECONDS s so far"

# Hardening (issue 6): the unit suite again under ASan + UBSan, then bounded fuzzing.
source "$HERE/lib/hardening.sh"
sanitized_unit_tests
fuzz_definitions

# One closing line for the whole run (any failure above has already stopped it with set -e).
unit_count=$(cd "$RUN_ANVIL_BUILD" && ctest -N | awk '/Total Tests:/ {print $3}')
e2e_count=$(awk '/^e2e: [0-9]+ passed/ {n += $2} END {print n}' /tmp/run-anvil-e2e-summary.log \
  /tmp/run-anvil-e2e-podman-summary.log)
echo
echo "all: $((unit_count + e2e_count)) passed, 0 failed ($SECONDS s)"
