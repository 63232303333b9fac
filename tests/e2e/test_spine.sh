#!/usr/bin/env bash
# End-to-end tests of the launcher spine (issue 2) against a real dockerd.

ARGV_DUMP="$RUN_ANVIL_BUILD/argv_dump"

test_passthrough_is_byte_for_byte_same_pid_no_daemon() {
  local args=("a b" "" $'line1\nline2' $'\xff\xfe not utf8' "--" "-e" "--network" "x")
  # Both through env(1) and both in the background, so the variables bash itself adjusts (`_`,
  # SHLVL) are the same for both.
  env DOCKER_HOST=unix:///nonexistent/docker.sock "$ARGV_DUMP" "${args[@]}" >"$T/direct" 2>&1 &
  wait $!
  # A bogus DOCKER_HOST proves the daemon is never contacted on this path.
  ra_cmd
  env DOCKER_HOST=unix:///nonexistent/docker.sock "${RA[@]}" -- "$ARGV_DUMP" "${args[@]}" \
    >"$T/via" 2>"$T/err" &
  local pid=$!
  wait $pid
  expect_eq "$(head -1 "$T/via")" "pid $pid" "(exec keeps the PID)"
  expect_eq "$(tail -n +2 "$T/via")" "$(tail -n +2 "$T/direct")"
  expect_eq "$(cat "$T/err")" "" "(nothing printed)"
}

test_passthrough_returns_exit_code_and_127_for_missing_command() {
  local rc=0
  ARGV_DUMP_EXIT=7 ra -- "$ARGV_DUMP" >/dev/null || rc=$?
  expect_eq "$rc" 7
  rc=0
  ra -- /nonexistent/harness 2>"$T/err" || rc=$?
  expect_eq "$rc" 127
  expect_contains "$(cat "$T/err")" "cannot execute /nonexistent/harness"
}

test_passthrough_when_every_definition_is_disabled() {
  echo 'disable = true' >"$T/repo/e2e-off.toml"
  local out
  out=$(DOCKER_HOST=unix:///nonexistent ra -- echo hi 2>&1)
  expect_eq "$out" "hi"
}

test_usage_errors_exit_2() {
  local rc=0
  "$RUN_ANVIL_BIN" 2>/dev/null || rc=$?
  expect_eq "$rc" 2
  rc=0
  "$RUN_ANVIL_BIN" --bogus -- true 2>/dev/null || rc=$?
  expect_eq "$rc" 2
  rc=0
  "$RUN_ANVIL_BIN" docker run x 2>"$T/err" || rc=$?
  expect_eq "$rc" 2
  expect_contains "$(cat "$T/err")" "after --"
}

test_harness_reaches_sidecar_by_injected_coordinates() {
  web_sidecar e2e-web
  local out
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" \
    sh -c 'wget -qO- "http://$SWARMFORGE_TONG_E2E_WEB_HOST:$SWARMFORGE_TONG_E2E_WEB_PORT/index.html"')
  expect_eq "$out" "hello from the sidecar"
  expect_eq "$(label_of swarmforge-shared-e2e-web swarmforge.managed-by)" "run-anvil"
  expect_eq "$(label_of swarmforge-shared-e2e-web swarmforge.tong.name)" "e2e-web"
  expect_eq "$(label_of swarmforge-shared-e2e-web swarmforge.tong.lifecycle)" "shared"
  [[ "$(label_of swarmforge-shared-e2e-web swarmforge.tong.config-hash)" =~ ^[0-9a-f]{64}$ ]] ||
    fail "config-hash label is not 64 hex"
  # podman-restart.service brings back only "always" containers after a reboot (README, Engines).
  local policy=unless-stopped
  if on_podman; then policy=always; fi
  expect_eq "$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' swarmforge-shared-e2e-web)" \
    "$policy"
}

test_second_run_reuses_the_same_container() {
  web_sidecar e2e-web
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  local first
  first=$(container_id swarmforge-shared-e2e-web)
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-web:8080/index.html >"$T/out"
  expect_eq "$(container_id swarmforge-shared-e2e-web)" "$first"
  expect_eq "$(cat "$T/out")" "hello from the sidecar"
}

test_edited_definition_recreates_the_sidecar() {
  web_sidecar e2e-web
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  local first
  first=$(container_id swarmforge-shared-e2e-web)
  web_sidecar e2e-web '[env]
GREETING = "changed"'
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true 2>"$T/err"
  expect_ne "$(container_id swarmforge-shared-e2e-web)" "$first"
  expect_contains "$(cat "$T/err")" "config changed"
  expect_contains "$(docker inspect -f '{{.Config.Env}}' swarmforge-shared-e2e-web)" \
    "GREETING=changed"
}

# SPEC §11: a killed sidecar whose config still matches is started again, the same container
# (its file system and volumes kept), never recreated.
test_killed_sidecar_is_started_again_not_recreated() {
  skip_on_podman "podman 4.3's API cannot change a restart policy after create (no update)"
  web_sidecar e2e-web
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  local first
  first=$(container_id swarmforge-shared-e2e-web)
  docker kill swarmforge-shared-e2e-web >/dev/null
  docker update --restart no swarmforge-shared-e2e-web >/dev/null  # keep it down
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-web:8080/index.html)
  expect_eq "$out" "hello from the sidecar"
  expect_eq "$(container_id swarmforge-shared-e2e-web)" "$first"
  container_running swarmforge-shared-e2e-web || fail "not running after the restart"
}

test_readiness_timeout_fails_without_running_the_harness() {
  sidecar e2e-deaf <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "echo starting up but never listening; sleep 600"]
[interface]
kind = "port"
port = 9999
[readiness]
timeout = "1s"
TOML
  local rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS_RAN >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_eq "$(cat "$T/out")" "" "(harness must not run)"
  local err
  err=$(cat "$T/err")
  expect_contains "$err" 'sidecar "e2e-deaf" was not ready after'
  expect_contains "$err" "tcp e2e-deaf:9999"
  expect_contains "$err" "starting up but never listening"
}

test_ctrl_c_during_harness_returns_130_and_sidecar_keeps_running() {
  web_sidecar e2e-web
  ra_cmd
  "${RA[@]}" -- $ANVIL_RUN --rm --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    sh -c 'trap "echo got-int; exit 0" INT TERM; echo started; sleep 60 & wait' >"$T/out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do grep -q started "$T/out" 2>/dev/null && break; sleep 0.1; done
  expect_contains "$(cat "$T/out")" "started"
  kill -INT $pid
  local rc=0
  wait $pid || rc=$?
  expect_eq "$rc" 130
  expect_contains "$(cat "$T/out")" "got-int"
  container_running swarmforge-shared-e2e-web || fail "shared sidecar stopped"
}

test_sigterm_is_forwarded_and_returns_143() {
  web_sidecar e2e-web
  ra_cmd
  "${RA[@]}" -- $ANVIL_RUN --rm --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    sh -c 'trap "echo got-term; exit 0" TERM; echo started; sleep 60 & wait' >"$T/out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do grep -q started "$T/out" 2>/dev/null && break; sleep 0.1; done
  kill -TERM $pid
  local rc=0
  wait $pid || rc=$?
  expect_eq "$rc" 143
  expect_contains "$(cat "$T/out")" "got-term"
}

test_harness_exit_code_is_returned() {
  web_sidecar e2e-web
  local rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" sh -c 'exit 42' || rc=$?
  expect_eq "$rc" 42
}

test_unmanaged_container_with_sidecar_name_is_never_touched() {
  docker run -d --name swarmforge-shared-e2e-clash --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" sleep 600 >/dev/null
  local before
  before=$(container_id swarmforge-shared-e2e-clash)
  web_sidecar e2e-clash
  local rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS_RAN >"$T/out" 2>"$T/err" || rc=$?
  local after running
  after=$(container_id swarmforge-shared-e2e-clash)
  running=$(docker inspect -f '{{.State.Running}}' swarmforge-shared-e2e-clash)
  docker rm -f swarmforge-shared-e2e-clash >/dev/null
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "not managed by run-anvil"
  expect_eq "$(cat "$T/out")" ""
  expect_eq "$after" "$before" "(the unmanaged container was replaced)"
  expect_eq "$running" "true" "(the unmanaged container was stopped)"
}

test_invalid_definition_names_file_and_line_without_daemon() {
  sidecar e2e-bad <<'TOML'
lifecycle = "shared"
image = "x"

[interface]
kind = "port"
port = 70000
TOML
  local rc=0
  DOCKER_HOST=unix:///nonexistent ra -- $ANVIL_RUN --rm x true 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "e2e-bad.toml:6:"
  expect_contains "$(cat "$T/err")" "interface.port"
  rc=0
  DOCKER_HOST=unix:///nonexistent ra validate 2>"$T/err2" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err2")" "e2e-bad.toml:6:"
}

test_shared_workspace_mount_is_refused_before_any_daemon_call() {
  sidecar e2e-sess <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sleep", "600"]
mounts = ["workspace:ro"]
[readiness]
mode = "none"
TOML
  local rc=0
  DOCKER_HOST=unix:///nonexistent ra -- $ANVIL_RUN --rm x true 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "e2e-sess.toml:4: a shared sidecar may not mount the workspace"
}

test_non_run_anvil_command_is_refused_once_sidecars_exist() {
  web_sidecar e2e-web
  local rc=0
  ra -- sh -c 'echo HARNESS_RAN' >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_eq "$(cat "$T/out")" ""
  expect_contains "$(cat "$T/err")" "docker run"
}

test_user_network_gets_sidecar_with_aliases() {
  docker network create --label "run-anvil-e2e=$E2E_TAG" e2e-agents >/dev/null
  web_sidecar e2e-web
  sed -i 's/^port = 8080$/port = 8080\naliases = ["e2e-www"]/' "$T/repo/e2e-web.toml"
  local out
  out=$(ra -- $ANVIL_RUN --rm --network e2e-agents "$TEST_IMAGE" \
    wget -qO- http://e2e-www:8080/index.html)
  expect_eq "$out" "hello from the sidecar"
  # The same shared sidecar now also serves the default network.
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-www:8080/index.html)
  expect_eq "$out" "hello from the sidecar"
}

test_exec_and_healthcheck_readiness_and_dependency_order() {
  sidecar e2e-db <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 600"]
[readiness]
mode = "exec"
command = ["test", "-f", "/tmp/ready"]
TOML
  sidecar e2e-app <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
depends_on = ["e2e-db"]
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
[interface]
kind = "port"
port = 8080
TOML
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-app:8080/index.html)
  expect_eq "$out" "hello from the sidecar"
  # db is ready no sooner than 1 s after it started; app must start after that.
  local gap
  gap=$(echo "$(started_at swarmforge-shared-e2e-app) - $(started_at swarmforge-shared-e2e-db)" | bc)
  (($(echo "$gap >= 1.0" | bc))) || fail "app started only ${gap}s after db (db needs 1s)"
}

test_healthcheck_mode_without_healthcheck_is_a_clear_error() {
  sidecar e2e-hc <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sleep", "600"]
[readiness]
mode = "healthcheck"
timeout = "5s"
TOML
  local rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "defines no HEALTHCHECK"
}

test_ctrl_c_typed_on_a_real_terminal_stops_the_harness() {
  web_sidecar e2e-web
  ra_cmd
  local cmd
  printf -v cmd '%q ' "${RA[@]}" -- $ANVIL_RUN --rm -it --label "run-anvil-e2e=$E2E_TAG" \
    "$TEST_IMAGE" sh -c 'trap "echo got-int; exit 130" INT; echo started; sleep 60 & wait'
  mkfifo "$T/tty-in"
  # script(1) gives the launcher a real pseudo-terminal; ^C typed into it is turned into SIGINT
  # by the terminal, exactly as when a person presses Ctrl-C.
  script -qfec "$cmd" /dev/null <"$T/tty-in" >"$T/out" 2>&1 &
  local spid=$!
  exec 3>"$T/tty-in"
  for _ in $(seq 1 100); do grep -q started "$T/out" 2>/dev/null && break; sleep 0.1; done
  expect_contains "$(cat "$T/out")" "started"
  printf '\003' >&3
  local rc=0
  wait $spid || rc=$?
  exec 3>&-
  expect_eq "$rc" 130
  expect_contains "$(cat "$T/out")" "got-int"
  container_running swarmforge-shared-e2e-web || fail "shared sidecar stopped"
}

test_tcp_probe_from_inside_the_network_with_anvil_image() {
  sidecar e2e-pr <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "sleep 1; exec httpd -f -p 8080 -h /www"]
[interface]
kind = "port"
port = 8080
TOML
  # RUN_ANVIL_PROBE=container takes the path a remote daemon takes: a throwaway probe container.
  local out
  out=$(RUN_ANVIL_PROBE=container ra --anvil-image "$TEST_IMAGE" -- $ANVIL_RUN --rm "$TEST_IMAGE" \
    wget -qO- http://e2e-pr:8080/index.html 2>"$T/err")
  expect_eq "$out" "hello from the sidecar" "(harness ran before the port was open?)"
  expect_not_contains "$(cat "$T/err")" "warning"
  expect_eq "$(docker ps -aq --filter label=swarmforge.probe=e2e-pr)" "" "(probe container left behind)"
  # Without --anvil-image, run-anvil's own probe image dials from inside the network: still
  # no warning, and the harness only runs once the port (opened after 1 s) accepts.
  docker rm -f swarmforge-shared-e2e-pr >/dev/null
  out=$(RUN_ANVIL_PROBE=container ra -- $ANVIL_RUN --rm "$TEST_IMAGE" \
    wget -qO- http://e2e-pr:8080/index.html 2>"$T/err2")
  expect_eq "$out" "hello from the sidecar" "($(cat "$T/err2"))"
  expect_not_contains "$(cat "$T/err2")" "warning"
  expect_eq "$(docker ps -aq --filter label=swarmforge.probe=e2e-pr)" "" "(probe container left behind)"
}

test_missing_image_is_pulled_and_a_failed_pull_names_sidecar_and_image() {
  # No registry is reachable here, so the pull fails the way it does offline.
  local image="run-anvil-test/never-built:1"
  sidecar e2e-pull-missing <<TOML
lifecycle = "shared"
image = "$image"
command = ["sleep", "600"]
[readiness]
mode = "none"
TOML
  # `plan` changes nothing: it shows the pull instead of doing it.
  local out
  out=$(ra plan -- $ANVIL_RUN --rm "$TEST_IMAGE" true 2>"$T/plan-err")
  expect_contains "$out" "sidecar e2e-pull-missing: create swarmforge-shared-e2e-pull-missing (absent), pull $image"
  out=$(ra plan --json -- $ANVIL_RUN --rm "$TEST_IMAGE" true 2>>"$T/plan-err")
  expect_contains "$out" '"pull": true'
  local rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS_RAN >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_eq "$(cat "$T/out")" "" "(harness must not run)"
  local err
  err=$(cat "$T/err")
  expect_contains "$err" "sidecar \"e2e-pull-missing\": cannot pull image $image:"
  # Then the daemon's own words: offline a lookup failure naming the registry, online "pull
  # access denied"; either way not empty.
  local daemon_words
  daemon_words=$(grep -F "cannot pull image $image: " <<<"$err" | sed "s|.*cannot pull image $image: ||")
  expect_ne "$daemon_words" "" "(daemon's message missing)"
  expect_contains "$err" "$(docker pull "$image" 2>&1 | grep -oE 'registry-1.docker.io|pull access denied' | head -1)"
  expect_contains "$err" "build it locally or \`docker pull\` it"
  expect_eq "$(container_id swarmforge-shared-e2e-pull-missing)" "" "(nothing created)"
}
