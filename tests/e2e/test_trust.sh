#!/usr/bin/env bash
# End-to-end tests of the trust boundary (issue 11, SPEC §14) against a real dockerd: the gate on
# every subcommand, approval of the whole definition, ownership before any removal, liveness
# across PID namespaces, internal networks, the docker-socket mount, alias rules, workspace
# redefinitions. Sidecars are named e2e-tr-*. "Another project" is a second set of layer
# directories under $T (pa = project A); the test's own $T/repo and $T/ws are project B.

# A unique anvil name for this test: tr_anvil [SUFFIX]
tr_anvil() { echo "e2e-tr-${1:-a}-$E2E_TAG" | tr '_' '-'; }

# run-anvil as project A: its repo layer is $T/pa, its workspace $T/wsa.
ra_a() {
  mkdir -p "$T/pa" "$T/wsa"
  "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/pa" --workspace "$T/wsa" \
    --approvals "$T/approvals-a.json" "$@"
}

# run-anvil as project B with its own approvals store.
ra_b() { ra --approvals "$T/approvals.json" "$@"; }

# tr_sidecar FILE [EXTRA TOML] — a shared sidecar running a TERM-aware shell (so removal is quick),
# with a port interface unless EXTRA brings its own [interface].
tr_sidecar() {
  mkdir -p "$(dirname "$1")"
  cat >"$1" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
${2:-}
TOML
}

tr_port='[interface]
kind = "port"
port = 8080'

ws_dir() { echo "$T/ws/.swarmforge/sidecars"; }

# tr_on_terminal ANSWER ARGS... — project B's launcher on a pseudo-terminal, typing ANSWER.
tr_on_terminal() {
  local answer=$1 cmd="" a
  shift
  for a in "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" \
    --workspace "$T/ws" --approvals "$T/approvals.json" "$@"; do
    cmd+=" $(printf '%q' "$a")"
  done
  TR_RC=0
  printf '%s\n' "$answer" | script -qec "$cmd" /dev/null >"$T/tty" 2>&1 || TR_RC=$?
}

# True when FILE exists inside CONTAINER.
in_container() { docker exec "$1" test -e "$2" 2>/dev/null; }

test_tr_status_never_execs_an_unapproved_workspace_readiness_command() {
  # Project A's shared e2e-tr-db runs; project B's workspace has an unapproved e2e-tr-db.toml
  # whose readiness would run a command inside whatever container holds that name.
  tr_sidecar "$T/pa/e2e-tr-db.toml" "$tr_port"
  ra_a -- docker run --rm "$TEST_IMAGE" true
  container_running swarmforge-shared-e2e-tr-db || fail "setup: A's sidecar does not run"
  tr_sidecar "$(ws_dir)/e2e-tr-db.toml" "$tr_port
[readiness]
mode = \"exec\"
command = [\"sh\", \"-c\", \"touch /tmp/pwned\"]"
  ra_b status --no-prompt >"$T/out" 2>"$T/err" || true
  ra_b status --json --no-prompt >"$T/json" 2>>"$T/err" || true
  ra_b doctor --no-prompt >>"$T/out" 2>>"$T/err" || true
  cat "$T/out" "$T/err"
  if in_container swarmforge-shared-e2e-tr-db /tmp/pwned; then
    fail "status/doctor ran the unapproved readiness command inside project A's container"
  fi
  expect_contains "$(cat "$T/out" "$T/json" "$T/err")" "needs approval"
}

test_tr_status_never_probes_another_projects_container_of_the_same_name() {
  # B's workspace definition is approved (B launched it once); A then owns the container. B's
  # status must not exec B's readiness inside A's container.
  tr_sidecar "$(ws_dir)/e2e-tr-db.toml" "$tr_port
[readiness]
mode = \"exec\"
command = [\"sh\", \"-c\", \"touch /tmp/probed-by-b; true\"]"
  tr_on_terminal y -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$TR_RC" 0 "($(cat "$T/tty"))"
  docker rm -f swarmforge-shared-e2e-tr-db >/dev/null
  tr_sidecar "$T/pa/e2e-tr-db.toml" "$tr_port"
  ra_a -- docker run --rm "$TEST_IMAGE" true
  ra_b status --json >"$T/json" 2>"$T/err"
  cat "$T/json" "$T/err"
  if in_container swarmforge-shared-e2e-tr-db /tmp/probed-by-b; then
    fail "status probed (exec) into project A's container with project B's readiness"
  fi
}

test_tr_approval_covers_the_readiness_command() {
  tr_sidecar "$(ws_dir)/e2e-tr-ready.toml" "$tr_port
[readiness]
mode = \"exec\"
command = [\"true\"]"
  tr_on_terminal y -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$TR_RC" 0 "($(cat "$T/tty"))"
  # Only the readiness command changes: the container is reusable, the approval must not be.
  sed -i 's|command = \["true"\]|command = ["sh", "-c", "touch /tmp/changed; true"]|' \
    "$(ws_dir)/e2e-tr-ready.toml"
  local rc=0
  ra_b --no-prompt -- docker run --rm "$TEST_IMAGE" echo HARNESS >"$T/out" 2>"$T/err" \
    </dev/null || rc=$?
  cat "$T/err"
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "changed since it was approved"
  expect_not_contains "$(cat "$T/out")" HARNESS
  if in_container swarmforge-shared-e2e-tr-ready /tmp/changed; then
    fail "the changed, unapproved readiness command ran"
  fi
  # And the prompt shows the readiness command before asking.
  tr_on_terminal n -- docker run --rm "$TEST_IMAGE" true
  expect_contains "$(cat "$T/tty")" "touch /tmp/changed"
}

test_tr_down_without_names_never_removes_another_projects_sidecar() {
  tr_sidecar "$T/pa/e2e-tr-db.toml" "$tr_port"
  tr_sidecar "$T/pa/e2e-tr-cache.toml" "$tr_port"
  ra_a -- docker run --rm "$TEST_IMAGE" true
  local db cache
  db=$(container_id swarmforge-shared-e2e-tr-db)
  cache=$(container_id swarmforge-shared-e2e-tr-cache)
  # B: an unapproved workspace file and a trusted repo file of the same names as A's.
  tr_sidecar "$(ws_dir)/e2e-tr-db.toml" "$tr_port"
  tr_sidecar "$T/repo/e2e-tr-cache.toml" "$tr_port
[env]
DIFFERENT = \"yes\""
  local rc=0
  ra_b down --no-prompt >"$T/out" 2>"$T/err" || rc=$?
  cat "$T/err"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-db)" "$db" "(A's db after B's down)"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-cache)" "$cache" "(A's cache after B's down)"
  expect_contains "$(cat "$T/err")" "$T/pa/e2e-tr-cache.toml"
  # A's own down still removes its sidecars.
  ra_a down 2>"$T/err-a"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-db)" "" "(A's own down)"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-cache)" "" "(A's own down)"
}

# run-anvil as uid 65534 (in the docker group, so it reaches the daemon): it cannot read $T/pa.
ra_nobody() {
  mkdir -p "$T/nobody"
  chmod 777 "$T/nobody"
  chmod o+x "$E2E_WORK" "$T"
  HOME="$T/nobody" setpriv --reuid 65534 --regid 65534 --groups "$(getent group docker | cut -d: -f3)" \
    -- "$RUN_ANVIL_BIN" --user-sidecars "$T/nobody/none" --workspace "$T/nobody" "$@"
}

test_tr_doctor_fix_never_removes_what_it_cannot_read() {
  tr_sidecar "$T/pa/e2e-tr-db.toml" "$tr_port"
  ra_a -- docker run --rm "$TEST_IMAGE" true
  local id
  id=$(container_id swarmforge-shared-e2e-tr-db)
  docker stop -t 1 swarmforge-shared-e2e-tr-db >/dev/null
  # The definition still exists, but uid 65534 cannot see it.
  chmod 700 "$T/pa"
  ra_nobody doctor --fix >"$T/out" 2>"$T/err" || true
  cat "$T/out" "$T/err"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-db)" "$id" "(unreadable is not gone)"
  chmod 755 "$T/pa"
}

# run-anvil with the repo layer DIR: ra_layer DIR ARGS...
ra_layer() {
  "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$1" --workspace "$T/ws" "${@:2}"
}

test_tr_moved_project_keeps_its_sidecars() {
  mkdir -p "$T/proj/layer" "$T/names"
  touch "$T/names/e2e-tr-mv.toml"  # for e2e_cleanup, which looks one level down
  tr_sidecar "$T/proj/layer/e2e-tr-mv.toml" "$tr_port"
  ra_layer "$T/proj/layer" -- docker run --rm "$TEST_IMAGE" true
  local id
  id=$(container_id swarmforge-shared-e2e-tr-mv)
  mv "$T/proj" "$T/proj-moved"
  ra_layer "$T/proj-moved/layer" -- docker run --rm "$TEST_IMAGE" true 2>"$T/err"
  cat "$T/err"
  expect_not_contains "$(cat "$T/err")" "two projects"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-mv)" "$id" "(reused after the move)"
  # From the moved project, doctor sees nothing wrong with it.
  ra_layer "$T/proj-moved/layer" doctor >"$T/doc" 2>&1 || true
  cat "$T/doc"
  expect_not_contains "$(cat "$T/doc")" "e2e-tr-mv"
  # From an unrelated directory, doctor --fix does not remove the live sidecar.
  mkdir -p "$T/elsewhere"
  "$RUN_ANVIL_BIN" --user-sidecars "$T/elsewhere" --workspace "$T/elsewhere" doctor --fix \
    >"$T/doc2" 2>&1 || true
  cat "$T/doc2"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-mv)" "$id" "(live sidecar of a moved project)"
  # A changed definition after the move replaces the container without calling the old path
  # another project (it is gone).
  tr_sidecar "$T/proj-moved/layer/e2e-tr-mv.toml" "$tr_port
[env]
CHANGED = \"yes\""
  ra_layer "$T/proj-moved/layer" -- docker run --rm "$TEST_IMAGE" true 2>"$T/err3"
  cat "$T/err3"
  expect_not_contains "$(cat "$T/err3")" "two projects"
}

test_tr_sweep_spares_a_live_launcher_in_another_pid_namespace() {
  # Launcher A runs in its own PID namespace and waits (exec readiness) on its session sidecar
  # until the test releases it; launcher B, on the host, launches meanwhile and sweeps.
  mkdir -p "$T/pa" "$T/wsa"
  cat >"$T/pa/e2e-tr-sess.toml" <<TOML
lifecycle = "session"
image = "$TEST_IMAGE"
command = ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]
[interface]
kind = "none"
[readiness]
mode = "exec"
timeout = "120s"
command = ["test", "-e", "/tmp/go"]
TOML
  local anvil sidecar
  anvil=$(tr_anvil pidns)
  sidecar="$anvil-tong-e2e-tr-sess"
  unshare -pf --mount-proc "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/pa" \
    --workspace "$T/wsa" -- docker run --rm --name "$anvil" --label "run-anvil-e2e=$E2E_TAG" \
    "$TEST_IMAGE" echo A-DONE >"$T/a.out" 2>"$T/a.err" &
  local a=$!
  for _ in $(seq 1 300); do container_running "$sidecar" && break; sleep 0.1; done
  container_running "$sidecar" || fail "launcher A's session sidecar never ran"
  tr_sidecar "$T/repo/e2e-tr-other.toml" '[interface]
kind = "none"
[readiness]
mode = "none"'
  ra -v -- docker run --rm "$TEST_IMAGE" true 2>"$T/b.err"
  cat "$T/b.err"
  container_running "$sidecar" || fail "launcher B swept the live session of launcher A"
  docker exec "$sidecar" touch /tmp/go 2>/dev/null || true
  local rc=0
  wait "$a" || rc=$?
  cat "$T/a.err"
  expect_eq "$rc" 0 "(launcher A)"
  expect_eq "$(cat "$T/a.out")" A-DONE
}

test_tr_internal_network_stays_internal_with_session_sidecars() {
  local net anvil
  net="e2e-tr-sandbox-$$"
  anvil=$(tr_anvil internal)
  docker network create --internal --label "run-anvil-e2e=$E2E_TAG" "$net" >/dev/null
  cat >"$T/repo/e2e-tr-isess.toml" <<TOML
lifecycle = "session"
image = "$TEST_IMAGE"
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
[interface]
kind = "port"
port = 8080
TOML
  # The harness waits until it is on both networks (the session's and its own), prints its routes,
  # fetches from the session sidecar, then waits for the test to look at the networks.
  ra_cmd
  "${RA[@]}" -- docker run --rm --name "$anvil" --network "$net" --label "run-anvil-e2e=$E2E_TAG" \
    "$TEST_IMAGE" sh -c '
      for i in $(seq 1 200); do [ "$(ip -o -4 addr | grep -c " eth")" -ge 2 ] && break; sleep 0.05; done
      ip -o -4 addr | grep -c " eth"; ip route; wget -qO- http://e2e-tr-isess:8080/index.html
      while [ ! -e /tmp/stop ]; do sleep 0.1; done' >"$T/out" 2>"$T/err" &
  local launcher=$!
  for _ in $(seq 1 300); do grep -q "hello from the sidecar" "$T/out" 2>/dev/null && break; sleep 0.1; done
  # Docker gives even an --internal network a default route; isolation is that its gateway
  # forwards nothing. So every default route must lead to an internal network's gateway.
  local session="swarmforge-session-$anvil" gateways="" n
  expect_eq "$(docker network inspect -f '{{.Internal}}' "$session")" true "(session network)"
  for n in "$net" "$session"; do
    gateways+=" $(docker network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$n")"
  done
  docker exec "$anvil" touch /tmp/stop
  wait "$launcher"
  cat "$T/out" "$T/err"
  expect_eq "$(head -1 "$T/out")" 2 "(the harness is on two networks)"
  local gw
  for gw in $(awk '$1 == "default" {print $3}' "$T/out"); do
    grep -qw -- "$gw" <<<"$gateways" || fail "default route via $gw, which is not an internal network's gateway ($gateways)"
  done
  expect_contains "$(cat "$T/out")" "hello from the sidecar"
}

test_tr_docker_socket_mount_follows_docker_host() {
  tr_sidecar "$T/repo/e2e-tr-sock.toml" 'mounts = ["docker-socket:ro"]
[interface]
kind = "none"
[readiness]
mode = "none"'
  ra -- docker run --rm "$TEST_IMAGE" true
  local sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  sock="${sock#unix://}"
  local mounts
  if on_podman; then
    # podman's compat inspect does not echo HostConfig.Mounts; its .Mounts has the bind.
    mounts=$(docker inspect -f \
      '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{not .RW}}{{end}}' \
      swarmforge-shared-e2e-tr-sock)
  else
    mounts=$(docker inspect -f \
      '{{range .HostConfig.Mounts}}{{.Type}} {{.Source}} {{.Target}} {{.ReadOnly}}{{end}}' \
      swarmforge-shared-e2e-tr-sock)
  fi
  expect_eq "$mounts" "bind $sock /var/run/docker.sock true"
  docker exec swarmforge-shared-e2e-tr-sock test -S /var/run/docker.sock ||
    fail "the sidecar's /var/run/docker.sock is not a socket"
  # A daemon that is not a unix socket cannot be handed to a sidecar: refused before any call.
  local rc=0
  DOCKER_HOST=tcp://127.0.0.1:9 ra plan -- docker run --rm "$TEST_IMAGE" true >"$T/out" \
    2>"$T/err" || rc=$?
  cat "$T/err"
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "docker-socket"
  expect_contains "$(cat "$T/err")" "tcp://127.0.0.1:9"
}

test_tr_docker_socket_mount_never_creates_a_missing_source() {
  skip_on_podman "known difference: podman 4.3's compat API creates a missing bind source as a directory even for HostConfig.Mounts Type=bind (dockerd refuses the create); README, Engines"
  # The launcher reaches the daemon by a path only its own mount namespace has (a tmpfs there):
  # the daemon, on the host, has nothing at that path. A plain bind would make it create an empty
  # directory there (on /var/run/docker.sock that later kept dockerd from listening); the mount
  # must fail the create instead, with an error naming the path.
  tr_sidecar "$T/repo/e2e-tr-nosock.toml" 'mounts = ["docker-socket:ro"]
[interface]
kind = "none"
[readiness]
mode = "none"'
  local real="${DOCKER_HOST:-unix:///var/run/docker.sock}" ns="$T/ns" rc=0
  real="${real#unix://}"
  mkdir -p "$ns"
  # shellcheck disable=SC2016
  unshare -m sh -c 'd=$1 s=$2; shift 2; mount -t tmpfs tmpfs "$d" && touch "$d/d.sock" &&
    mount --bind "$s" "$d/d.sock" && DOCKER_HOST="unix://$d/d.sock" exec "$@"' sh "$ns" "$real" \
    "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" --workspace "$T/ws" \
    -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" || rc=$?
  cat "$T/err"
  expect_eq "$rc" 1 "(launch with a socket the daemon cannot see)"
  expect_contains "$(cat "$T/err")" "docker-socket mount binds $ns/d.sock"
  [ ! -e "$ns/d.sock" ] || fail "the daemon created $ns/d.sock on the host ($(stat -c %F "$ns/d.sock"))"
  docker inspect swarmforge-shared-e2e-tr-nosock >/dev/null 2>&1 && fail "a container was created anyway"
  return 0
}

test_tr_names_and_aliases_are_dns_labels() {
  local long64
  long64=$(printf 'e2e-tr-%057d' 0)
  tr_sidecar "$T/repo/$long64.toml" "$tr_port"
  local rc=0
  ra validate 2>"$T/err" || rc=$?
  cat "$T/err"
  expect_eq "$rc" 1 "(a 64-character name)"
  rm "$T/repo/$long64.toml"
  tr_sidecar "$T/repo/e2e-tr-longalias.toml" "$tr_port
aliases = [\"$long64\"]"
  rc=0
  ra validate 2>"$T/err" || rc=$?
  cat "$T/err"
  expect_eq "$rc" 1 "(a 64-character alias)"
  expect_contains "$(cat "$T/err")" "e2e-tr-longalias.toml"
  rm "$T/repo/e2e-tr-longalias.toml"
  # The workspace layer may not claim dotted (external) names.
  tr_sidecar "$(ws_dir)/e2e-tr-hijack.toml" "$tr_port
aliases = [\"github.com\"]"
  rc=0
  ra validate 2>"$T/err" || rc=$?
  cat "$T/err"
  expect_eq "$rc" 1 "(a dotted workspace alias)"
  expect_contains "$(cat "$T/err")" "e2e-tr-hijack.toml"
  expect_contains "$(cat "$T/err")" "github.com"
}

test_tr_alias_held_by_another_sidecar_on_the_network_is_an_error() {
  tr_sidecar "$T/pa/e2e-tr-a.toml" "$tr_port
aliases = [\"e2e-tr-shared-alias\"]"
  ra_a -- docker run --rm "$TEST_IMAGE" true
  tr_sidecar "$T/repo/e2e-tr-b.toml" "$tr_port
aliases = [\"e2e-tr-shared-alias\"]"
  local rc=0
  ra -- docker run --rm "$TEST_IMAGE" echo HARNESS >"$T/out" 2>"$T/err" || rc=$?
  cat "$T/err"
  expect_eq "$rc" 1
  expect_not_contains "$(cat "$T/out")" HARNESS
  expect_contains "$(cat "$T/err")" "e2e-tr-shared-alias"
  expect_contains "$(cat "$T/err")" "e2e-tr-b"
  expect_contains "$(cat "$T/err")" "swarmforge-shared-e2e-tr-a"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-b)" "" "(nothing created)"
}

test_tr_workspace_redefinition_is_ignored_with_one_warning() {
  tr_sidecar "$T/repo/e2e-tr-web.toml" "$tr_port"
  cat >"$(mkdir -p "$(ws_dir)" && ws_dir)/e2e-tr-web.toml" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "touch /tmp/workspace-version; exec httpd -f -p 8080 -h /www"]
[interface]
kind = "port"
port = 8080
TOML
  local rc=0
  ra_b --no-prompt -- docker run --rm "$TEST_IMAGE" wget -qO- http://e2e-tr-web:8080/index.html \
    >"$T/out" 2>"$T/err" </dev/null || rc=$?
  cat "$T/err"
  expect_eq "$rc" 0
  expect_eq "$(cat "$T/out")" "hello from the sidecar"
  expect_eq "$(grep -c "e2e-tr-web.toml" "$T/err")" 1 "(one warning naming the file)"
  expect_contains "$(cat "$T/err")" "$(ws_dir)/e2e-tr-web.toml"
  if in_container swarmforge-shared-e2e-tr-web /tmp/workspace-version; then
    fail "the workspace redefinition was used"
  fi
}

test_tr_workspace_disable_of_a_trusted_sidecar_prints_one_notice() {
  tr_sidecar "$T/repo/e2e-tr-on.toml" "$tr_port"
  tr_sidecar "$T/repo/e2e-tr-off.toml" "$tr_port"
  mkdir -p "$(ws_dir)"
  echo 'disable = true' >"$(ws_dir)/e2e-tr-off.toml"
  ra_b --no-prompt -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" </dev/null
  cat "$T/err"
  expect_eq "$(grep -c "e2e-tr-off.toml" "$T/err")" 1 "(one notice naming the file)"
  expect_eq "$(container_id swarmforge-shared-e2e-tr-off)" "" "(disabled)"
  container_running swarmforge-shared-e2e-tr-on || fail "the other sidecar did not start"
}
