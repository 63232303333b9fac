#!/usr/bin/env bash
# End-to-end hardening tests (issue 6) against a real dockerd: concurrent launchers, daemon
# faults, signals at every phase, and the trust gate on a real terminal. Sidecars are e2e-hd-*.
# Daemon faults are played by tests/e2e/fault_socket.cc standing where the daemon's socket would
# be (refusing, silent, or relaying to the real daemon until a chosen request). Timings are
# printed as figures; the only time limits asserted are generous hang guards.

FAULT_SOCKET="$RUN_ANVIL_BUILD/fault_socket"
# Figures go to the stderr of run.sh itself ($$ is its PID even inside the test's subshell), not
# to the test's log, so they are seen on success too. The file is opened per figure: a descriptor
# held open for the whole run would leak into every process the tests start (a restarted dockerd
# would keep a caller's pipe open forever).
hd_figure() {
  printf '     %s\n' "$*" >>"/proc/$$/fd/2" 2>/dev/null || true
  printf 'figure: %s\n' "$*"
}

hd_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# hd_fault MODE [UPSTREAM RULE TEXT] — starts fault_socket on $T/fault.sock, logging to
# $T/fault.log; it is killed when the test's subshell exits.
# The socket of the daemon under test (DOCKER_HOST when it is a unix socket).
hd_real_socket() {
  case "${DOCKER_HOST:-}" in unix://*) echo "${DOCKER_HOST#unix://}" ;; *) echo /var/run/docker.sock ;; esac
}

hd_fault() {
  rm -f "$T/fault.sock"
  "$FAULT_SOCKET" "$T/fault.sock" "$@" >"$T/fault.log" 2>&1 &
  HD_FAULT_PID=$!
  trap 'kill $HD_FAULT_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do grep -q listening "$T/fault.log" 2>/dev/null && return 0; sleep 0.02; done
  fail "fault_socket did not start: $(cat "$T/fault.log")"
}

# hd_wait_for FILE TEXT — until TEXT appears in FILE (at most 30 s).
hd_wait_for() {
  for _ in $(seq 1 600); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  fail "[$2] never appeared in $1: $(cat "$1" 2>/dev/null)"
}

# hd_signal_and_wait PID SIGNAL LABEL — sends SIGNAL, waits for PID, sets HD_RC and HD_MS (signal
# to exit). A watchdog kills a launcher that has not exited 5 s after the signal (exit 137), which
# fails the test's exit-code assertion: that is a hang, not slowness.
hd_signal_and_wait() {
  local pid=$1 sig=$2 label=$3 t0 t1 watchdog
  t0=$(hd_now_ms)
  kill -"$sig" "$pid"
  (sleep 5; kill -KILL "$pid" 2>/dev/null) &
  watchdog=$!
  HD_RC=0
  wait "$pid" || HD_RC=$?
  t1=$(hd_now_ms)
  kill "$watchdog" 2>/dev/null || true
  HD_MS=$((t1 - t0))
  hd_figure "SIG$sig $label: exit $HD_RC after $HD_MS ms"
}

# A port sidecar that listens only after `delay` seconds.
hd_slow_sidecar() {
  sidecar "$1" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "sleep $2; exec httpd -f -p 8080 -h /www"]
${3:-}
[interface]
kind = "port"
port = 8080
[readiness]
timeout = "120s"
TOML
}

# Events of the daemon about container NAME since $1 (epoch seconds), one action per line.
hd_events() {
  if on_podman; then
    # podman's compat API streams no past events; its own CLI reads the same log.
    # podman says "remove" where dockerd says "destroy".
    podman_events "$1" --filter type=container --filter "container=$2" --format '{{.Status}}' |
      sed 's/^remove$/destroy/'
    return
  fi
  docker events --since "$1" --until "$(date +%s.%N)" --filter type=container \
    --filter "container=$2" --format '{{.Action}}'
}

# Starts N launchers that all block reading a FIFO, then releases them at the same instant with
# one line each. The FIFO is held open read-write here, so a launcher that reaches its read late
# (a loaded machine) still finds its line instead of blocking forever. Each launcher writes
# $T/out.I, $T/err.I and $T/rc.I.
hd_launch_together() {
  local n=$1 i gate
  shift
  mkfifo "$T/go"
  exec {gate}<>"$T/go"
  ra_cmd
  for i in $(seq 1 "$n"); do
    (
      read -r _ <"$T/go"
      rc=0
      "${RA[@]}" "$@" >"$T/out.$i" 2>"$T/err.$i" || rc=$?
      echo "$rc" >"$T/rc.$i"
    ) &
  done
  sleep 0.3 # let them all reach the read
  for i in $(seq 1 "$n"); do echo go; done >&"$gate"
  wait
  exec {gate}>&-
}

# ---------------------------------------------------------------- concurrency

test_hd_eight_cold_launchers_create_exactly_one_container() {
  web_sidecar e2e-hd-cold
  local since i
  since=$(date +%s.%N)
  fetch_words http://e2e-hd-cold:8080/index.html
  hd_launch_together 8 -- $ANVIL_RUN --rm "$TEST_IMAGE" "${FETCH[@]}"
  for i in $(seq 1 8); do
    expect_eq "$(cat "$T/rc.$i")" 0 "(launcher $i: $(cat "$T/err.$i"))"
    expect_eq "$(cat "$T/out.$i")" "hello from the sidecar" "(launcher $i)"
  done
  local events
  events=$(hd_events "$since" swarmforge-shared-e2e-hd-cold)
  expect_eq "$(grep -c '^create$' <<<"$events")" 1 "(containers created)"
  expect_eq "$(grep -c '^destroy$' <<<"$events")" 0 "(containers removed)"
  hd_figure "8 cold launchers: events: $(tr '\n' ' ' <<<"$events")"
}

test_hd_eight_launchers_recreate_a_stale_sidecar_once() {
  web_sidecar e2e-hd-stale
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true 2>/dev/null
  local old since i
  old=$(container_id swarmforge-shared-e2e-hd-stale)
  web_sidecar e2e-hd-stale '[env]
EDITED = "yes"'
  since=$(date +%s.%N)
  fetch_words http://e2e-hd-stale:8080/index.html
  hd_launch_together 8 -- $ANVIL_RUN --rm "$TEST_IMAGE" "${FETCH[@]}"
  for i in $(seq 1 8); do
    expect_eq "$(cat "$T/rc.$i")" 0 "(launcher $i: $(cat "$T/err.$i"))"
    expect_eq "$(cat "$T/out.$i")" "hello from the sidecar" "(launcher $i)"
  done
  local events
  events=$(hd_events "$since" swarmforge-shared-e2e-hd-stale)
  expect_eq "$(grep -c '^create$' <<<"$events")" 1 "(containers created)"
  expect_eq "$(grep -c '^destroy$' <<<"$events")" 1 "(containers removed: only the stale one)"
  expect_ne "$(container_id swarmforge-shared-e2e-hd-stale)" "$old"
  expect_contains "$(docker inspect -f '{{.Config.Env}}' swarmforge-shared-e2e-hd-stale)" "EDITED=yes"
  hd_figure "8 launchers on a stale sidecar: events: $(tr '\n' ' ' <<<"$events")"
}

# ---------------------------------------------------------------- daemon faults

test_hd_absent_daemon_socket_fails_fast_naming_endpoint_and_fix() {
  web_sidecar e2e-hd-web
  local rc=0 t0 t1
  t0=$(hd_now_ms)
  DOCKER_HOST=unix:///nonexistent/docker.sock ra -- $ANVIL_RUN --rm x true 2>"$T/err" || rc=$?
  t1=$(hd_now_ms)
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "cannot reach the Docker daemon at unix:///nonexistent/docker.sock (No such file or directory)"
  expect_contains "$(cat "$T/err")" "is dockerd running? (set DOCKER_HOST to use another)"
  ((t1 - t0 < 5000)) || fail "took $((t1 - t0)) ms"
  hd_figure "missing socket: error after $((t1 - t0)) ms"
}

test_hd_socket_nobody_listens_on_fails_fast() {
  web_sidecar e2e-hd-web
  "$FAULT_SOCKET" "$T/dead.sock" refuse
  [ -S "$T/dead.sock" ] || fail "no socket file"
  local rc=0 t0 t1
  t0=$(hd_now_ms)
  DOCKER_HOST="unix://$T/dead.sock" ra -- $ANVIL_RUN --rm x true 2>"$T/err" || rc=$?
  t1=$(hd_now_ms)
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "cannot reach the Docker daemon at unix://$T/dead.sock (Connection refused)"
  expect_contains "$(cat "$T/err")" "DOCKER_HOST"
  ((t1 - t0 < 5000)) || fail "took $((t1 - t0)) ms"
  hd_figure "socket nobody listens on: error after $((t1 - t0)) ms"
}

test_hd_silent_daemon_fails_after_the_bounded_first_contact() {
  web_sidecar e2e-hd-web
  hd_fault silent
  local rc=0 t0 t1
  t0=$(hd_now_ms)
  DOCKER_HOST="unix://$T/fault.sock" ra -- $ANVIL_RUN --rm x echo HARNESS >"$T/out" 2>"$T/err" || rc=$?
  t1=$(hd_now_ms)
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "did not answer GET /_ping within 5000 ms"
  expect_eq "$(cat "$T/out")" ""
  ((t1 - t0 < 9000)) || fail "took $((t1 - t0)) ms: the negotiation timeout was paid more than once"
  hd_figure "silent daemon: error after $((t1 - t0)) ms (bound: 5000 ms)"
}

test_hd_daemon_stuck_mid_launch_fails_after_the_bounded_read() {
  web_sidecar e2e-hd-web
  hd_fault proxy "$(hd_real_socket)" hang-on "/containers/json"
  local rc=0 t0 t1 bound=15000
  # podman serialises calls behind its locks, so its reads get the writes' 60 s (engine_api.cc).
  if on_podman; then bound=60000; fi
  t0=$(hd_now_ms)
  DOCKER_HOST="unix://$T/fault.sock" ra -- $ANVIL_RUN --rm x echo HARNESS >"$T/out" 2>"$T/err" || rc=$?
  t1=$(hd_now_ms)
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "did not answer GET /v1."
  expect_contains "$(cat "$T/err")" "within $bound ms"
  expect_eq "$(cat "$T/out")" ""
  hd_figure "daemon stuck on the container listing: error after $((t1 - t0)) ms (bound: $bound ms)"
}

test_hd_daemon_gone_mid_launch_is_clear_and_the_next_launch_recovers() {
  web_sidecar e2e-hd-web
  hd_fault proxy "$(hd_real_socket)" die-on "/start"
  local rc=0
  DOCKER_HOST="unix://$T/fault.sock" ra -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS \
    >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "Docker daemon at unix://$T/fault.sock"
  expect_contains "$(cat "$T/err")" "the next launch picks up whatever this one left half-made"
  expect_eq "$(cat "$T/out")" ""
  # Created, never started: the next launch starts that very container.
  local half
  half=$(container_id swarmforge-shared-e2e-hd-web)
  expect_eq "$(docker inspect -f '{{.State.Status}}' swarmforge-shared-e2e-hd-web)" created
  local out
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-hd-web:8080/index.html 2>"$T/err2")
  expect_eq "$out" "hello from the sidecar"
  expect_eq "$(container_id swarmforge-shared-e2e-hd-web)" "$half" "(adopted, not recreated)"
  expect_contains "$(cat "$T/err2")" "created, not started yet"
}

test_hd_engine_api_error_shows_the_daemons_own_message() {
  skip_on_podman "podman accepts any CPU count, so this create has no daemon error to show"
  sidecar e2e-hd-cpu <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sleep", "600"]
[readiness]
mode = "none"
[resources]
cpus = "1024"
TOML
  local rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" 'sidecar "e2e-hd-cpu": cannot create swarmforge-shared-e2e-hd-cpu: the Docker daemon said: Range of CPUs is from'
  expect_eq "$(cat "$T/out")" ""
}

# ---------------------------------------------------------------- signals

test_hd_sigint_while_probing_exits_130_promptly_without_probe_containers() {
  docker network create --label "run-anvil-e2e=$E2E_TAG" "e2e-hd-net-$E2E_TAG" >/dev/null
  hd_slow_sidecar e2e-hd-slow 60
  local since
  since=$(date +%s.%N)
  ra_cmd
  "${RA[@]}" -- $ANVIL_RUN --rm --network "e2e-hd-net-$E2E_TAG" "$TEST_IMAGE" echo HARNESS \
    >"$T/out" 2>"$T/err" &
  local pid=$!
  for _ in $(seq 1 200); do container_running swarmforge-shared-e2e-hd-slow && break; sleep 0.05; done
  container_running swarmforge-shared-e2e-hd-slow || fail "sidecar never started"
  sleep 0.5  # well into the readiness wait
  hd_signal_and_wait $pid INT "while probing"
  expect_eq "$HD_RC" 130
  expect_eq "$(cat "$T/out")" "" "(harness must not run)"
  # The tcp probe dials from the host: the only container that ever joined the network is the
  # sidecar itself, no throwaway probe.
  local joined
  if on_podman; then
    # podman records no connect event for a network joined at create: count creations instead.
    joined=$(podman_events "$since" --filter type=container --filter event=create \
      --format '{{.ID}}' | sort -u)
  else
    joined=$(docker events --since "$since" --until "$(date +%s.%N)" --filter type=network \
      --filter "network=e2e-hd-net-$E2E_TAG" --filter event=connect --format '{{.Actor.Attributes.container}}' | sort -u)
  fi
  expect_eq "$joined" "$(container_id swarmforge-shared-e2e-hd-slow)" "(containers that joined)"
  container_running swarmforge-shared-e2e-hd-slow || fail "the shared sidecar was stopped"
}

test_hd_sigint_while_a_probe_container_dials_leaves_no_probe_container() {
  # The path a remote daemon takes: readiness is dialled from a throwaway container.
  hd_slow_sidecar e2e-hd-probed 60
  # Probe containers are not named after the sidecar, so e2e_cleanup would not find a leftover.
  trap 'docker ps -aq --filter label=swarmforge.probe=e2e-hd-probed | xargs -r docker rm -f >/dev/null 2>&1' EXIT
  ra_cmd
  RUN_ANVIL_PROBE=container "${RA[@]}" --anvil-image "$TEST_IMAGE" -- \
    $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS >"$T/out" 2>"$T/err" &
  local pid=$! probes=""
  for _ in $(seq 1 200); do
    probes=$(docker ps -q --filter label=swarmforge.probe=e2e-hd-probed)
    [ -n "$probes" ] && break
    sleep 0.05
  done
  expect_ne "$probes" "" "(a probe container was running)"
  hd_signal_and_wait $pid INT "while a probe container dials"
  expect_eq "$HD_RC" 130
  expect_eq "$(docker ps -aq --filter label=swarmforge.probe=e2e-hd-probed)" "" \
    "(probe containers left behind)"
  container_running swarmforge-shared-e2e-hd-probed || fail "the shared sidecar was stopped"
}

test_hd_sigint_while_probing_a_session_sidecar_leaves_no_session_behind() {
  sidecar e2e-hd-sess <<TOML
lifecycle = "session"
image = "$TEST_IMAGE"
command = ["sh", "-c", "sleep 60; exec httpd -f -p 8080 -h /www"]
[interface]
kind = "port"
port = 8080
[readiness]
timeout = "120s"
TOML
  local anvil="e2e-hd-anvil-$E2E_TAG"
  ra_cmd
  "${RA[@]}" -- $ANVIL_RUN --rm --name "$anvil" "$TEST_IMAGE" echo HARNESS >"$T/out" 2>"$T/err" &
  local pid=$!
  for _ in $(seq 1 200); do
    [ -n "$(docker ps -q --filter "label=swarmforge.session=$anvil")" ] && break
    sleep 0.05
  done
  expect_ne "$(docker ps -q --filter "label=swarmforge.session=$anvil")" "" "(session sidecar up)"
  sleep 0.5
  hd_signal_and_wait $pid INT "while probing a session sidecar (teardown included)"
  expect_eq "$HD_RC" 130
  expect_eq "$(cat "$T/out")" ""
  expect_eq "$(docker ps -aq --filter "label=swarmforge.session=$anvil")" "" "(session containers)"
  expect_eq "$(docker network ls -q --filter "label=swarmforge.session=$anvil")" "" \
    "(session networks)"
  expect_eq "$(docker volume ls -q --filter "label=swarmforge.session=$anvil")" "" \
    "(session volumes)"
}

test_hd_sigterm_while_waiting_for_a_dependency_exits_143_promptly() {
  hd_slow_sidecar e2e-hd-base 60
  web_sidecar e2e-hd-top 'depends_on = ["e2e-hd-base"]'
  ra_cmd
  "${RA[@]}" -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS >"$T/out" 2>"$T/err" &
  local pid=$!
  for _ in $(seq 1 200); do container_running swarmforge-shared-e2e-hd-base && break; sleep 0.05; done
  sleep 0.5
  hd_signal_and_wait $pid TERM "while waiting for a dependency"
  expect_eq "$HD_RC" 143
  expect_eq "$(cat "$T/out")" ""
  expect_eq "$(container_id swarmforge-shared-e2e-hd-top)" "" "(the dependent must never be created)"
}

test_hd_sigint_while_creating_leaves_what_the_next_launch_adopts() {
  web_sidecar e2e-hd-web
  # The daemon creates the container; the launcher never hears back.
  hd_fault proxy "$(hd_real_socket)" hold-response-on "/containers/create"
  ra_cmd
  DOCKER_HOST="unix://$T/fault.sock" "${RA[@]}" -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS \
    >"$T/out" 2>"$T/err" &
  local pid=$!
  hd_wait_for "$T/fault.log" TRIGGERED
  sleep 0.3
  hd_signal_and_wait $pid INT "while creating (create call in flight)"
  expect_eq "$HD_RC" 130
  expect_eq "$(cat "$T/out")" ""
  local half out
  half=$(container_id swarmforge-shared-e2e-hd-web)
  expect_ne "$half" "" "(the daemon did create it)"
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-hd-web:8080/index.html 2>"$T/err2")
  expect_eq "$out" "hello from the sidecar"
  expect_eq "$(container_id swarmforge-shared-e2e-hd-web)" "$half" "(adopted, not recreated)"
}

test_hd_sigterm_while_starting_leaves_what_the_next_launch_adopts() {
  web_sidecar e2e-hd-web
  # The start request is never delivered: the container stays "created".
  hd_fault proxy "$(hd_real_socket)" hang-on "/start"
  ra_cmd
  DOCKER_HOST="unix://$T/fault.sock" "${RA[@]}" -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS \
    >"$T/out" 2>"$T/err" &
  local pid=$!
  hd_wait_for "$T/fault.log" TRIGGERED
  sleep 0.3
  hd_signal_and_wait $pid TERM "while starting (start call in flight)"
  expect_eq "$HD_RC" 143
  expect_eq "$(docker inspect -f '{{.State.Status}}' swarmforge-shared-e2e-hd-web)" created
  local half out
  half=$(container_id swarmforge-shared-e2e-hd-web)
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-hd-web:8080/index.html 2>"$T/err2")
  expect_eq "$out" "hello from the sidecar"
  expect_eq "$(container_id swarmforge-shared-e2e-hd-web)" "$half" "(adopted, not recreated)"
}

test_hd_sigint_while_the_daemon_is_silent_exits_130_promptly() {
  web_sidecar e2e-hd-web
  hd_fault silent
  ra_cmd
  DOCKER_HOST="unix://$T/fault.sock" "${RA[@]}" -- $ANVIL_RUN --rm x true >"$T/out" 2>"$T/err" &
  local pid=$!
  hd_wait_for "$T/fault.log" "GET /_ping"
  hd_signal_and_wait $pid INT "while a daemon call hangs"
  expect_eq "$HD_RC" 130
}

# ---------------------------------------------------------------- trust gate on a real terminal

hd_workspace_sidecar() {
  mkdir -p "$T/ws/.swarmforge/sidecars"
  cat >"$T/ws/.swarmforge/sidecars/e2e-hd-ws.toml" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
mounts = ["docker-socket:ro"]
${1:-}
[interface]
kind = "port"
port = 8080
TOML
}

# hd_on_terminal ANSWER ARGS... — runs the launcher on a pseudo-terminal (script(1)), typing
# ANSWER; output (prompt included) in $T/tty, exit code in HD_RC.
hd_on_terminal() {
  local answer=$1 cmd="" a
  shift
  for a in "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" \
    --workspace "$T/ws" --approvals "$T/approvals.json" "$@"; do
    cmd+=" $(printf '%q' "$a")"
  done
  HD_RC=0
  printf '%s\n' "$answer" | script -qec "$cmd" /dev/null >"$T/tty" 2>&1 || HD_RC=$?
}

test_hd_trust_prompt_on_a_real_terminal_approves_once_and_stores_0600() {
  hd_workspace_sidecar
  hd_on_terminal y -- $ANVIL_RUN --rm "$TEST_IMAGE" wget -qO- http://e2e-hd-ws:8080/index.html
  expect_eq "$HD_RC" 0 "($(cat "$T/tty"))"
  local tty
  tty=$(cat "$T/tty")
  expect_contains "$tty" 'Start sidecar "e2e-hd-ws" from the workspace layer? [y/N]'
  expect_contains "$tty" "image:      $TEST_IMAGE"
  expect_contains "$tty" "the Docker socket: FULL CONTROL OF THIS HOST"
  expect_contains "$tty" "hello from the sidecar"
  expect_eq "$(stat -c %a "$T/approvals.json")" 600
  # Approved: no terminal needed any more, even with --no-prompt.
  local out
  out=$(ra --approvals "$T/approvals.json" --no-prompt -- $ANVIL_RUN --rm "$TEST_IMAGE" \
    wget -qO- http://e2e-hd-ws:8080/index.html </dev/null)
  expect_eq "$out" "hello from the sidecar"
}

test_hd_trust_changed_definition_asks_again_and_no_is_final() {
  hd_workspace_sidecar
  hd_on_terminal y -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  expect_eq "$HD_RC" 0 "($(cat "$T/tty"))"
  docker rm -f swarmforge-shared-e2e-hd-ws >/dev/null
  hd_workspace_sidecar '[env]
EXTRA = "changed"'
  local rc=0
  ra --approvals "$T/approvals.json" --no-prompt -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS \
    >"$T/out" 2>"$T/err" </dev/null || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "changed since it was approved"
  hd_on_terminal n -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS
  expect_eq "$HD_RC" 1
  expect_contains "$(cat "$T/tty")" "\"e2e-hd-ws\" CHANGED since you approved it"
  expect_contains "$(cat "$T/tty")" "+   env:"
  expect_contains "$(cat "$T/tty")" "denied"
  expect_not_contains "$(cat "$T/tty")" "HARNESS"
  expect_eq "$(container_id swarmforge-shared-e2e-hd-ws)" "" "(nothing may start after a no)"
}

test_hd_trust_no_prompt_fails_closed_on_a_terminal_without_daemon_contact() {
  hd_workspace_sidecar
  DOCKER_HOST=unix:///nonexistent/docker.sock \
    hd_on_terminal y --no-prompt -- $ANVIL_RUN --rm "$TEST_IMAGE" echo HARNESS
  expect_eq "$HD_RC" 1
  expect_contains "$(cat "$T/tty")" "--no-prompt forbids asking"
  expect_not_contains "$(cat "$T/tty")" "[y/N]"
  expect_not_contains "$(cat "$T/tty")" "Docker daemon"
  [ ! -e "$T/approvals.json" ] || fail "a refused run wrote the store"
}
