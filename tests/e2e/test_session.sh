#!/usr/bin/env bash
# End-to-end tests of session sidecars, secrets, volumes and MCP servers (issue 5) against a real
# dockerd. Sidecars are named e2e-se-*; anvils are named after the test's tag (se_anvil) so
# e2e_cleanup also finds their session networks and volumes.

# A unique anvil name for this test: se_anvil [SUFFIX]
se_anvil() { echo "e2e-se-${1:-a}-$E2E_TAG" | tr '_' '-'; }

# A session web sidecar: serves /www (plus whatever $2 writes there first) on 8080.
se_web_sidecar() {
  sidecar "$1" <<TOML
lifecycle = "session"
image = "$TEST_IMAGE"
command = ["sh", "-c", "${2:-true}; exec httpd -f -p 8080 -h /www"]
${3:-}
[interface]
kind = "port"
port = 8080
TOML
}

# Nothing of session NAME is left: no container, network or volume labelled with it.
se_expect_gone() {
  expect_eq "$(docker ps -aq --filter "label=swarmforge.session=$1")" "" "(session containers of $1)"
  expect_eq "$(docker network ls -q --filter "label=swarmforge.session=$1")" "" \
    "(session network of $1)"
  expect_eq "$(docker volume ls -q --filter "label=swarmforge.session=$1")" "" \
    "(session volumes of $1)"
  docker network inspect "swarmforge-session-$1" >/dev/null 2>&1 &&
    fail "network swarmforge-session-$1 still exists"
  return 0
}

# Waits until FILE contains TEXT (up to 15 s).
se_wait_for() {
  for _ in $(seq 1 150); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  cat "$1" >&2 || true
  fail "[$2] never appeared in $1"
}

test_se_session_sidecar_lives_exactly_as_long_as_the_run() {
  se_web_sidecar e2e-se-web
  local anvil out
  anvil=$(se_anvil)
  out=$(ra -- $ANVIL_RUN --rm --name "$anvil" --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" sh -c '
    wget -qO- "http://$SWARMFORGE_TONG_E2E_SE_WEB_HOST:$SWARMFORGE_TONG_E2E_SE_WEB_PORT/index.html"')
  expect_eq "$out" "hello from the sidecar"
  se_expect_gone "$anvil"
}

test_se_generated_anvil_name_and_teardown_after_exit_3() {
  se_web_sidecar e2e-se-web
  local before rc=0
  before=$(docker network ls -q --filter label=swarmforge.session | sort)
  # No --name: the launcher generates one; the harness reports the session it was given.
  ra -v -- $ANVIL_RUN --rm --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" sh -c '
    wget -qO- http://e2e-se-web:8080/index.html; exit 3' >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 3
  expect_eq "$(cat "$T/out")" "hello from the sidecar"
  local name
  name=$(grep -o 'creating anvil-[0-9a-f]*-tong-e2e-se-web' "$T/err" | sed 's/^creating //; s/-tong-e2e-se-web$//')
  [[ "$name" =~ ^anvil-[0-9a-f]{12}$ ]] || fail "no generated anvil name in: $(cat "$T/err")"
  se_expect_gone "$name"
  expect_eq "$(docker network ls -q --filter label=swarmforge.session | sort)" "$before"
}

# se_signal_run SIGNAL EXPECTED_RC: a session run interrupted by SIGNAL sent to run-anvil.
se_signal_run() {
  se_web_sidecar e2e-se-web
  local anvil
  anvil=$(se_anvil)
  ra_cmd
  "${RA[@]}" -- $ANVIL_RUN --rm --name "$anvil" --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    sh -c 'trap "echo got-signal; exit 0" INT TERM HUP; wget -qO- http://e2e-se-web:8080/index.html;
           echo started; sleep 60 & wait' >"$T/out" 2>&1 &
  local pid=$!
  se_wait_for "$T/out" started
  # The session is really up while the harness runs.
  container_running "$anvil-tong-e2e-se-web" || fail "session sidecar not running during the run"
  kill "-$1" "$pid"
  local rc=0
  wait "$pid" || rc=$?
  expect_eq "$rc" "$2"
  expect_contains "$(cat "$T/out")" "hello from the sidecar"
  expect_contains "$(cat "$T/out")" "got-signal"
  se_expect_gone "$anvil"
}

test_se_teardown_after_ctrl_c() { se_signal_run INT 130; }
test_se_teardown_after_sigterm() { se_signal_run TERM 143; }
test_se_teardown_after_sighup() { se_signal_run HUP 129; }

test_se_teardown_after_readiness_failure() {
  sidecar e2e-se-deaf <<TOML
lifecycle = "session"
image = "$TEST_IMAGE"
command = ["sleep", "600"]
[interface]
kind = "port"
port = 9999
[readiness]
timeout = "1s"
TOML
  local anvil rc=0
  anvil=$(se_anvil)
  ra -- $ANVIL_RUN --rm --name "$anvil" "$TEST_IMAGE" echo HARNESS_RAN >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_eq "$(cat "$T/out")" "" "(harness must not run)"
  expect_contains "$(cat "$T/err")" 'sidecar "e2e-se-deaf"'
  se_expect_gone "$anvil"
}

test_se_concurrent_sessions_with_the_same_sidecar_are_isolated() {
  # Each session's sidecar serves its own container hostname.
  se_web_sidecar e2e-se-web 'hostname > /www/id'
  local a b
  a=$(se_anvil one)
  b=$(se_anvil two)
  ra_cmd
  local script='wget -qO- http://e2e-se-web:8080/id; echo fetched; sleep 30 & wait'
  "${RA[@]}" -- $ANVIL_RUN --rm --name "$a" --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    sh -c "trap 'exit 0' TERM; $script" >"$T/a.out" 2>"$T/a.err" &
  local pa=$!
  "${RA[@]}" -- $ANVIL_RUN --rm --name "$b" --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    sh -c "trap 'exit 0' TERM; $script" >"$T/b.out" 2>"$T/b.err" &
  local pb=$!
  se_wait_for "$T/a.out" fetched
  se_wait_for "$T/b.out" fetched
  # Both sessions are up at once, each with its own sidecar on its own network.
  local ida idb
  ida=$(docker inspect -f '{{.Config.Hostname}}' "$a-tong-e2e-se-web")
  idb=$(docker inspect -f '{{.Config.Hostname}}' "$b-tong-e2e-se-web")
  expect_ne "$ida" "$idb"
  expect_eq "$(head -1 "$T/a.out")" "$ida" "(anvil one reached its own sidecar)"
  expect_eq "$(head -1 "$T/b.out")" "$idb" "(anvil two reached its own sidecar)"
  expect_eq "$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' \
    "$a-tong-e2e-se-web")" "swarmforge-session-$a "
  kill -TERM "$pa" "$pb"
  wait "$pa" || true
  wait "$pb" || true
  se_expect_gone "$a"
  se_expect_gone "$b"
}

test_se_anvil_keeps_its_own_network_next_to_the_session() {
  # The peer is reached by DNS name: keep it under 63 characters (no tag in it).
  local net="e2e-se-net-$E2E_TAG" peer="e2e-se-peer-$$-$RANDOM"
  docker network create --label "run-anvil-e2e=$E2E_TAG" "$net" >/dev/null
  docker run -d --name "$peer" --network "$net" --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    httpd -f -p 8080 -h /www >/dev/null
  se_web_sidecar e2e-se-web
  web_sidecar e2e-se-shared
  local anvil out
  anvil=$(se_anvil)
  # The user's network is joined a moment after the container appears: retry briefly.
  out=$(ra -- $ANVIL_RUN --rm --network "$net" --name "$anvil" --label "run-anvil-e2e=$E2E_TAG" \
    "$TEST_IMAGE" sh -c "wget -qO- http://e2e-se-web:8080/index.html;
      wget -qO- http://e2e-se-shared:8080/index.html;
      for i in \$(seq 1 50); do wget -qO- http://$peer:8080/index.html 2>/dev/null && exit 0;
        sleep 0.1; done; echo peer unreachable; exit 1")
  expect_eq "$out" "hello from the sidecar
hello from the sidecar
hello from the sidecar"
  se_expect_gone "$anvil"
  # The shared sidecar stays, on its networks but no longer on the session's.
  container_running swarmforge-shared-e2e-se-shared || fail "shared sidecar stopped"
  expect_eq "$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' \
    swarmforge-shared-e2e-se-shared)" "$net "
}

test_se_secret_reaches_the_sidecar_and_nowhere_else() {
  local secret="e2e-se-secret-$RANDOM$RANDOM-value"
  se_web_sidecar e2e-se-vault 'echo \"$API_TOKEN\" > /www/token' '[env]
API_TOKEN = "${secret:env:E2E_SE_TOKEN}"
PLAIN = "visible"'
  local anvil
  anvil=$(se_anvil)
  ra_cmd
  E2E_SE_TOKEN="$secret" "${RA[@]}" -v -- $ANVIL_RUN --rm --name "$anvil" \
    --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    sh -c 'trap "exit 0" TERM; wget -qO- http://e2e-se-vault:8080/token; echo fetched;
           sleep 30 & wait' \
    >"$T/out" 2>"$T/err" &
  local pid=$!
  se_wait_for "$T/out" fetched
  expect_eq "$(head -1 "$T/out")" "$secret" "(the sidecar's process saw the secret)"
  local inspect
  inspect=$(docker inspect "$anvil-tong-e2e-se-vault")
  expect_not_contains "$inspect" "$secret"
  expect_contains "$inspect" "PLAIN=visible"
  expect_not_contains "$(docker inspect "$anvil")" "$secret"
  expect_not_contains "$(ps -eo args)" "$secret"
  kill -TERM "$pid"
  wait "$pid" || true
  expect_not_contains "$(cat "$T/err")" "$secret"
  expect_contains "$(cat "$T/err")" "e2e-se-vault"  # -v did print progress
  se_expect_gone "$anvil"
}

test_se_file_and_command_secret_providers() {
  printf '%s\n' "from-a-file" >"$T/token"
  cat >"$T/providers.toml" <<'TOML'
[providers]
upper = ["sh", "-c", "printf '%s\n' \"$0\" | tr a-z A-Z", "{ref}"]
TOML
  se_web_sidecar e2e-se-vault 'printf %s \"$A|$B\" > /www/v' "[env]
A = \"\${secret:file:$T/token}\"
B = \"cmd-\${secret:upper:shout}\""
  local out
  out=$(ra --providers "$T/providers.toml" -- $ANVIL_RUN --rm --name "$(se_anvil)" "$TEST_IMAGE" \
    wget -qO- http://e2e-se-vault:8080/v)
  expect_eq "$out" "from-a-file|cmd-SHOUT"
}

test_se_unresolvable_secret_fails_before_anything_is_created() {
  cat >"$T/providers.toml" <<TOML
[providers]
broken = ["sh", "-c", "cat $T/leak; exit 4", "{ref}"]
TOML
  echo "must-not-leak-$RANDOM" >"$T/leak"
  se_web_sidecar e2e-se-vault true '[env]
T = "${secret:broken:item/1}"'
  local anvil rc=0
  anvil=$(se_anvil)
  ra --providers "$T/providers.toml" -- $ANVIL_RUN --rm --name "$anvil" "$TEST_IMAGE" true \
    >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  local err
  err=$(cat "$T/err")
  expect_contains "$err" 'sidecar "e2e-se-vault": secret ${secret:broken:item/1}'
  expect_contains "$err" "exited with status 4"
  expect_not_contains "$err" "$(cat "$T/leak")"
  expect_eq "$(docker ps -aq --filter label=swarmforge.tong.name=e2e-se-vault)" ""
  se_expect_gone "$anvil"
  rc=0
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true 2>"$T/err2" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err2")" 'unknown secret provider "broken"'
}

test_se_volume_is_shared_between_sidecar_and_anvil() {
  local volume="e2e-se-vol-$E2E_TAG"
  sidecar e2e-se-store <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "echo written-by-sidecar > /data/hello; exec sleep 600"]
[interface]
kind = "volume"
volume = "$volume"
mountpoint = "/data"
[readiness]
mode = "exec"
command = ["test", "-f", "/data/hello"]
TOML
  local out
  out=$(ra -- $ANVIL_RUN --rm "$TEST_IMAGE" sh -c \
    'cat "$SWARMFORGE_TONG_E2E_SE_STORE_PATH/hello"; echo from-anvil > /data/back')
  expect_eq "$out" "written-by-sidecar"
  expect_eq "$(docker exec swarmforge-shared-e2e-se-store cat /data/back)" "from-anvil"
  docker rm -f swarmforge-shared-e2e-se-store >/dev/null
  docker volume rm "$volume" >/dev/null
}

test_se_session_volume_and_workspace_mount_end_with_the_session() {
  echo "from-the-workspace" >"$T/ws/notes.txt"
  sidecar e2e-se-scratch <<TOML
lifecycle = "session"
image = "$TEST_IMAGE"
command = ["sh", "-c", "cp /workspace/notes.txt /scratch/; exec sleep 600"]
mounts = ["workspace:ro"]
[interface]
kind = "volume"
volume = "scratch"
mountpoint = "/scratch"
[readiness]
mode = "exec"
command = ["test", "-f", "/scratch/notes.txt"]
TOML
  local anvil out
  anvil=$(se_anvil)
  out=$(ra -- $ANVIL_RUN --rm --name "$anvil" "$TEST_IMAGE" cat /scratch/notes.txt)
  expect_eq "$out" "from-the-workspace"
  se_expect_gone "$anvil"
  docker volume inspect "$anvil-tong-scratch" >/dev/null 2>&1 && fail "session volume left"
  return 0
}

# se_mcp_run HARNESS: an MCP sidecar and a harness that prints its config and the server's answer.
se_mcp_run() {
  sidecar e2e-se-tools <<TOML
lifecycle = "session"
image = "$TEST_IMAGE"
command = ["sh", "-c", "mkdir -p /www/mcp; echo mcp-answer > /www/mcp/index.html; exec httpd -f -p 8080 -h /www"]
[interface]
kind = "mcp"
port = 8080
name = "e2e-se-github"
path = "/mcp/"
TOML
  mkdir -p "$T/tmp"
  TMPDIR="$T/tmp" ra --harness "$1" -- $ANVIL_RUN --rm --name "$(se_anvil)" "$TEST_IMAGE" sh -c '
    echo "url=$SWARMFORGE_TONG_E2E_SE_TOOLS_URL"; echo "config=$SWARMFORGE_MCP_CONFIG";
    echo "opencode=${OPENCODE_CONFIG:-}"; wget -qO- "$SWARMFORGE_TONG_E2E_SE_TOOLS_URL";
    cat "$SWARMFORGE_MCP_CONFIG"; echo x >> "$SWARMFORGE_MCP_CONFIG" 2>/dev/null || echo read-only'
}

test_se_mcp_url_and_claude_fragment_are_injected() {
  local out
  out=$(se_mcp_run claude)
  expect_contains "$out" "url=http://e2e-se-github:8080/mcp/"
  expect_contains "$out" "config=/run/swarmforge/mcp.json"
  grep -qx 'opencode=' <<<"$out" || fail "OPENCODE_CONFIG set for claude: $out"
  expect_contains "$out" "mcp-answer"
  expect_contains "$out" "read-only"
  local json
  json=$(sed -n '/^{/,/^}/p' <<<"$out")
  expect_eq "$(jq -r '.mcpServers["e2e-se-github"].url' <<<"$json")" "http://e2e-se-github:8080/mcp/"
  expect_eq "$(jq -r '.mcpServers["e2e-se-github"].type' <<<"$json")" "http"
  expect_eq "$(ls -A "$T/tmp")" "" "(the host temp file is removed after the run)"
}

test_se_opencode_fragment_is_found_through_opencode_config() {
  local out
  out=$(se_mcp_run opencode)
  expect_contains "$out" "opencode=/run/swarmforge/opencode.json"
  local json
  json=$(sed -n '/^{/,/^}/p' <<<"$out")
  expect_eq "$(jq -r '.mcp["e2e-se-github"].type' <<<"$json")" "remote"
  expect_eq "$(jq -r '.mcp["e2e-se-github"].url' <<<"$json")" "http://e2e-se-github:8080/mcp/"
  expect_eq "$(ls -A "$T/tmp")" ""
}

test_se_sigkilled_launcher_leftovers_are_removed_by_the_next_launch() {
  se_web_sidecar e2e-se-web
  local anvil
  anvil=$(se_anvil)
  ra_cmd
  "${RA[@]}" -- $ANVIL_RUN --rm --name "$anvil" --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    sh -c 'echo started; sleep 120' >"$T/out" 2>&1 &
  local pid=$!
  se_wait_for "$T/out" started
  kill -KILL "$pid"
  wait "$pid" || true
  # The killed launcher's anvil still runs: the next launch must leave its sidecars alone.
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  container_running "$anvil-tong-e2e-se-web" || fail "a live anvil's session sidecar was removed"
  docker network inspect "swarmforge-session-$anvil" >/dev/null || fail "its network was removed"
  # Once that anvil is gone too, the leftovers are the next launch's to remove.
  docker rm -f "$anvil" >/dev/null
  expect_ne "$(docker ps -aq --filter "label=swarmforge.session=$anvil")" ""
  ra -- $ANVIL_RUN --rm "$TEST_IMAGE" true
  se_expect_gone "$anvil"
}
