#!/usr/bin/env bash
# End-to-end tests of observe -> plan -> parallel execution (issue 3).

# A sidecar that starts listening on 8080 only after DELAY seconds.
slow_sidecar() {
  local name="$1" delay="$2" deps="${3:-}"
  sidecar "$name" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "sleep $delay; exec httpd -f -p 8080 -h /www"]
${deps:+depends_on = [$deps]}
[interface]
kind = "port"
port = 8080
[readiness]
timeout = "20s"
TOML
}

# Everything a plan could have changed: this test's sidecars, any probe container, and the
# launcher's networks (other developers' containers on a shared daemon are left out).
engine_snapshot() {
  docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.State}} {{.Labels}}' |
    grep -E 'e2e-pl-|swarmforge-probe' | sort
  docker network ls --no-trunc --format '{{.ID}} {{.Name}}' | grep swarmforge | sort
}

test_chain_starts_in_dependency_order() {
  slow_sidecar e2e-pl-c 1
  slow_sidecar e2e-pl-b 1 '"e2e-pl-c"'
  slow_sidecar e2e-pl-a 1 '"e2e-pl-b"'
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-pl-a:8080/index.html >"$T/out"
  expect_eq "$(cat "$T/out")" "hello from the sidecar"
  local a b c
  a=$(started_at swarmforge-shared-e2e-pl-a)
  b=$(started_at swarmforge-shared-e2e-pl-b)
  c=$(started_at swarmforge-shared-e2e-pl-c)
  # Each listens 1 s after it starts, so a dependent may start only 1 s after its dependency.
  (($(echo "$b - $c >= 1.0" | bc))) || fail "b started $(echo "$b - $c" | bc)s after c"
  (($(echo "$a - $b >= 1.0" | bc))) || fail "a started $(echo "$a - $b" | bc)s after b"
}

test_independent_slow_sidecars_start_concurrently() {
  slow_sidecar e2e-pl-x 2
  slow_sidecar e2e-pl-y 2
  local t0 t1
  t0=$(date +%s.%N)
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  t1=$(date +%s.%N)
  echo "two 2-second sidecars ready and harness done in $(echo "$t1 - $t0" | bc)s"
  # Overlap, not speed: the second started while the first was still in its 2 s warm-up.
  local gap
  gap=$(echo "$(started_at swarmforge-shared-e2e-pl-x) - $(started_at swarmforge-shared-e2e-pl-y)" | bc)
  (($(echo "${gap#-} < 1.0" | bc))) || fail "sidecars started ${gap}s apart: not concurrent"
}

test_failure_reports_every_failed_sidecar_and_skips_dependents() {
  sidecar e2e-pl-bad1 <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "echo bad1 is broken; exit 3"]
[interface]
kind = "port"
port = 8080
TOML
  sidecar e2e-pl-bad2 <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "echo bad2 is broken too; exit 4"]
[interface]
kind = "port"
port = 8080
TOML
  slow_sidecar e2e-pl-dep 0 '"e2e-pl-bad1"'
  local rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS_RAN >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_eq "$(cat "$T/out")" ""
  local err
  err=$(cat "$T/err")
  expect_contains "$err" 'sidecar "e2e-pl-bad1" stopped before it was ready'
  expect_contains "$err" "bad1 is broken"
  expect_contains "$err" 'sidecar "e2e-pl-bad2" stopped before it was ready'
  expect_contains "$err" "bad2 is broken too"
  [ -z "$(container_id swarmforge-shared-e2e-pl-dep)" ] || fail "dependent of a failed sidecar was created"
}

test_plan_changes_nothing_in_the_engine() {
  web_sidecar e2e-pl-web
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  # Make it stale and add an absent one: the plan must say recreate/create, and do neither.
  web_sidecar e2e-pl-web '[env]
X = "1"'
  web_sidecar e2e-pl-new
  local before after
  before=$(engine_snapshot)
  ra plan -- $ANVIL_RUN --rm "$TEST_IMAGE" true >"$T/plan.txt"
  ra plan --json -- $ANVIL_RUN --rm "$TEST_IMAGE" true >"$T/plan.json"
  after=$(engine_snapshot)
  expect_eq "$after" "$before" "(plan changed the engine)"
  expect_contains "$(cat "$T/plan.txt")" "sidecar e2e-pl-web: recreate swarmforge-shared-e2e-pl-web (config changed)"
  expect_contains "$(cat "$T/plan.txt")" "sidecar e2e-pl-new: create swarmforge-shared-e2e-pl-new (absent)"
  expect_eq "$(jq -r '.sidecars[] | select(.name=="e2e-pl-web") | .action' "$T/plan.json")" "recreate"
  expect_eq "$(jq -r '.anvil_argv[1]' "$T/plan.json")" "run"
  expect_eq "$(jq -r '.env.SWARMFORGE_TONG_E2E_PL_NEW_PORT' "$T/plan.json")" "8080"
}

test_progress_goes_to_stderr_and_quiet_silences_it() {
  slow_sidecar e2e-pl-p 1
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" echo harness-output >"$T/out" 2>"$T/err"
  expect_eq "$(cat "$T/out")" "harness-output"
  expect_contains "$(cat "$T/err")" "e2e-pl-p: creating swarmforge-shared-e2e-pl-p"
  expect_contains "$(cat "$T/err")" "e2e-pl-p: ready in"
  docker rm -f swarmforge-shared-e2e-pl-p >/dev/null
  ra -q -- $ANVIL_RUN --rm "$TEST_IMAGE" echo harness-output >"$T/out" 2>"$T/err"
  expect_eq "$(cat "$T/out")" "harness-output"
  expect_eq "$(cat "$T/err")" ""
}
