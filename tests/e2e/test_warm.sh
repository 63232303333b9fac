#!/usr/bin/env bash
# End-to-end: a warm launch does not run an exec probe again for a sidecar proven ready since
# its current start (issue 17); a restart of the sidecar brings the probe back. Sidecars e2e-wm-*.

wm_exec_sidecar() {
  sidecar e2e-wm-exec <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", ": > /tmp/probes; exec sleep 100000"]
[interface]
kind = "none"
[readiness]
mode = "exec"
command = ["sh", "-c", "echo probe >> /tmp/probes"]
TOML
}

wm_probes() { docker exec swarmforge-shared-e2e-wm-exec sh -c 'wc -l < /tmp/probes' | tr -d ' '; }

test_wm_warm_launch_skips_the_exec_probe_of_a_proven_sidecar_until_it_restarts() {
  wm_exec_sidecar
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err1" || fail "cold launch failed: $(cat "$T/err1")"
  expect_eq "$(wm_probes)" "1" "(cold launch probes once)"
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err2" || fail "warm launch failed: $(cat "$T/err2")"
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err3" || fail "warm launch failed: $(cat "$T/err3")"
  expect_eq "$(wm_probes)" "1" "(warm launches must not exec the probe again)"
  docker restart -t 1 swarmforge-shared-e2e-wm-exec >/dev/null
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err4" || fail "launch after restart failed: $(cat "$T/err4")"
  expect_eq "$(wm_probes)" "1" "(after a restart /tmp/probes starts again: exactly one new probe)"
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err5" || fail "warm launch failed: $(cat "$T/err5")"
  expect_eq "$(wm_probes)" "1" "(proven again after its one probe)"
}
