#!/usr/bin/env bash
# End-to-end tests of the command line as a new user meets it (issue 16): messages that name
# what was wrong, explicit layer directories, status scope, the operating verbs (logs, stop,
# start, restart, down), the approval flow on a real terminal, --progress json, Ctrl-C, shell
# completions and the man page. Sidecars are named e2e-cl-*.

# A shared sidecar of the test image that stops at once on SIGTERM, ready when running.
cl_sidecar() {
  local name=$1 extra=${2:-} command=${3:-"trap 'exit 0' TERM; echo hello from $1; sleep 3600 & wait"}
  sidecar "$name" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "$command"]
$extra
[interface]
kind = "none"
[readiness]
mode = "none"
TOML
}

# cl_rc VAR CMD... — runs CMD, its stderr in $T/err, stdout in $T/out, exit code in VAR.
cl_run() {
  CL_RC=0
  "$@" >"$T/out" 2>"$T/err" || CL_RC=$?
}

cl_up() { ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/up.err" || fail "launch: $(cat "$T/up.err")"; }

# ------------------------------------------------------------------------------- usage messages

test_cl_forgotten_dashes_names_the_harness_word_not_a_reversed_argv() {
  cl_run ra docker run --rm --network ux-agents "$TEST_IMAGE" true
  expect_eq "$CL_RC" 2
  expect_contains "$(cat "$T/err")" 'run-anvil: error: "docker" is not a run-anvil command: put the harness command after --, e.g. run-anvil [OPTIONS] -- docker run --rm my-harness:dev'
  expect_not_contains "$(cat "$T/err")" "true $TEST_IMAGE"
}

test_cl_unknown_commands_and_option_typos_get_did_you_mean() {
  cl_run ra staus
  expect_eq "$CL_RC" 2
  expect_contains "$(cat "$T/err")" 'unknown command "staus" (did you mean "status"?); the commands are plan, validate, status, doctor, down, logs, stop, start, restart, import, schema'
  cl_run ra status --jsn
  expect_eq "$CL_RC" 2
  expect_contains "$(cat "$T/err")" 'unknown option "--jsn" for run-anvil status (did you mean "--json"?)'
  cl_sidecar e2e-cl-key
  sed -i 's/^image/imgae/' "$T/repo/e2e-cl-key.toml"
  cl_run ra validate
  expect_eq "$CL_RC" 1
  expect_contains "$(cat "$T/err")" "$T/repo/e2e-cl-key.toml:2: unknown key \"imgae\" (did you mean \"image\"?)"
}

test_cl_subcommand_help_lists_the_layer_options() {
  local c help
  for c in plan validate status doctor down logs stop start restart import schema; do
    help=$("$RUN_ANVIL_BIN" "$c" --help)
    expect_contains "$help" "--repo-sidecars"
    expect_contains "$help" "--workspace-sidecars"
    expect_contains "$help" "--progress"
  done
  expect_contains "$("$RUN_ANVIL_BIN" status --help)" "--all"
  expect_contains "$("$RUN_ANVIL_BIN" logs --help)" "--tail"
  expect_contains "$("$RUN_ANVIL_BIN" down --help)" "--volumes"
  expect_contains "$("$RUN_ANVIL_BIN" import --help)" "--to DIR"
}

# Issue 12's `down --volumes` and issue 14's `import`/`schema` come from the same tables: their
# typos get a "did you mean", the parsed values reach the commands, completions offer them.
test_cl_down_volumes_import_and_schema_are_in_the_tables() {
  cl_run ra down --volume
  expect_eq "$CL_RC" 2
  expect_contains "$(cat "$T/err")" 'unknown option "--volume" for run-anvil down (did you mean "--volumes"?)'
  cl_run ra improt x.yml
  expect_eq "$CL_RC" 2
  expect_contains "$(cat "$T/err")" 'unknown command "improt" (did you mean "import"?)'
  cl_run ra import
  expect_eq "$CL_RC" 2
  expect_contains "$(cat "$T/err")" 'run-anvil import needs COMPOSE_FILE'
  cl_run ra schema
  expect_eq "$CL_RC" 0
  expect_eq "$(jq -r '."$schema"' "$T/out")" "http://json-schema.org/draft-07/schema#"
  cat >"$T/compose.yml" <<YAML
services:
  e2e-cl-imp:
    image: $TEST_IMAGE
    command: sleep 3600
  e2e-cl-skip:
    image: $TEST_IMAGE
YAML
  mkdir -p "$T/imported"
  cl_run ra import "$T/compose.yml" e2e-cl-imp --to "$T/imported"
  expect_eq "$CL_RC" 0
  [ -s "$T/imported/e2e-cl-imp.toml" ] || fail "import did not write e2e-cl-imp.toml: $(cat "$T/err")"
  [ -e "$T/imported/e2e-cl-skip.toml" ] && fail "import wrote a service it was not asked for"
  cl_sidecar e2e-cl-vol 'volumes = ["data:/data"]'
  cl_up
  cl_run ra down e2e-cl-vol --volumes
  expect_eq "$CL_RC" 0
  expect_contains "$(cat "$T/err")" "removed its data volumes"
  docker volume inspect swarmforge-e2e-cl-vol-data >/dev/null 2>&1 && fail "volume kept after down --volumes"
  "$RUN_ANVIL_BIN" completion bash >"$T/ra.bash"
  local offered
  offered=$(bash -c "source '$T/ra.bash'; COMP_WORDS=(run-anvil down --); COMP_CWORD=2; _run_anvil; echo \"\${COMPREPLY[*]}\"")
  expect_contains "$offered" "--volumes"
  offered=$(bash -c "source '$T/ra.bash'; COMP_WORDS=(run-anvil sch); COMP_CWORD=1; _run_anvil; echo \"\${COMPREPLY[*]}\"")
  expect_eq "$offered" "schema"
}

# ------------------------------------------------------------------------------- layer directories

test_cl_a_missing_explicit_layer_directory_is_refused_before_anything_runs() {
  mkdir -p "$T/sidecars"
  # Through the static front: it must not pass the harness through with no sidecars.
  cl_run "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/sidecar" \
    --workspace "$T/ws" -- sh -c "touch $T/ran"
  expect_eq "$CL_RC" 2
  expect_contains "$(cat "$T/err")" "--repo-sidecars $T/sidecar: no such directory (did you mean \"$T/sidecars\"?)"
  [ ! -e "$T/ran" ] || fail "the harness ran"
  cl_run "$RUN_ANVIL_BIN" validate --repo-sidecars "$T/sidecar"
  expect_eq "$CL_RC" 2
}

test_cl_a_near_miss_file_gets_one_warning_and_validate_says_nothing_was_found() {
  cl_sidecar e2e-cl-near
  mv "$T/repo/e2e-cl-near.toml" "$T/repo/e2e-cl-near.tml"
  cl_run ra -- sh -c "echo ran"
  expect_eq "$CL_RC" 0
  expect_eq "$(cat "$T/out")" "ran"
  expect_eq "$(grep -c 'warning' "$T/err")" 1
  expect_contains "$(cat "$T/err")" "run-anvil: warning: $T/repo/e2e-cl-near.tml: is not read: only files named <name>.toml are sidecar definitions (rename it to e2e-cl-near.toml to use it)"
  cl_run ra validate
  expect_eq "$CL_RC" 0
  expect_contains "$(cat "$T/err")" "run-anvil: no sidecar definitions found; looked in:"
  expect_contains "$(cat "$T/err")" "repo layer $T/repo (no *.toml file)"
  # A backup is deliberate: no warning.
  mv "$T/repo/e2e-cl-near.tml" "$T/repo/e2e-cl-near.toml.bak"
  cl_run ra -- true
  expect_eq "$(cat "$T/err")" ""
}

test_cl_validate_rejects_a_variable_image_like_the_launch_does() {
  cl_sidecar e2e-cl-var
  sed -i 's|^image = .*|image = "${IMAGE}"|' "$T/repo/e2e-cl-var.toml"
  local msg="$T/repo/e2e-cl-var.toml:2: image \"\${IMAGE}\" is not an image reference: variables are not expanded in definitions"
  cl_run ra validate
  expect_eq "$CL_RC" 1
  expect_contains "$(cat "$T/err")" "$msg"
  cl_run ra -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$CL_RC" 1
  expect_contains "$(cat "$T/err")" "$msg"
}

# ------------------------------------------------------------------------------- status

test_cl_status_is_scoped_to_the_project_and_shows_image_and_ports() {
  cl_sidecar e2e-cl-mine
  cl_up
  # Another project's sidecar, from its own layer directory.
  mkdir -p "$T/other"
  cl_sidecar e2e-cl-theirs
  mv "$T/repo/e2e-cl-theirs.toml" "$T/other/"
  "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/other" --workspace "$T/ws" \
    -- docker run --rm "$TEST_IMAGE" true 2>/dev/null || fail "other project"
  # A managed container of this project publishing a port (as a `ports` definition would).
  docker run -d --name swarmforge-shared-e2e-cl-port --label "run-anvil-e2e=$E2E_TAG" \
    --label swarmforge.managed-by=run-anvil --label swarmforge.tong.name=e2e-cl-port \
    --label swarmforge.tong.lifecycle=shared \
    --label "swarmforge.tong.definition=$T/repo/e2e-cl-port.toml" \
    -p 127.0.0.1::8080 "$TEST_IMAGE" sleep 300 >/dev/null
  local status
  status=$(ra status)
  expect_contains "$status" "e2e-cl-mine layer=repo"
  expect_contains "$status" "image=$TEST_IMAGE"
  expect_not_contains "$status" "e2e-cl-theirs"
  expect_contains "$status" "of other projects on this daemon: run-anvil status --all"
  local port
  port=$(docker port swarmforge-shared-e2e-cl-port 8080/tcp)
  expect_contains "$status" "ports=$port->8080/tcp"
  expect_contains "$(ra status --all)" "e2e-cl-theirs"
  expect_eq "$(ra status --json | jq -r .scope)" project
  expect_eq "$(ra status --json | jq -c '.sidecars[] | select(.name=="e2e-cl-port") | .ports')" "[\"$port->8080/tcp\"]"
  docker rm -f swarmforge-shared-e2e-cl-theirs >/dev/null
}

# ------------------------------------------------------------------------------- operating verbs

test_cl_logs_stop_start_restart_act_on_the_container_without_removing_it() {
  cl_sidecar e2e-cl-ops
  cl_up
  local id started
  id=$(container_id swarmforge-shared-e2e-cl-ops)
  expect_eq "$(ra logs e2e-cl-ops)" "hello from e2e-cl-ops"
  expect_eq "$(ra logs e2e-cl-ops --tail 1)" "hello from e2e-cl-ops"
  cl_run ra stop e2e-cl-ops
  expect_eq "$CL_RC" 0
  expect_contains "$(cat "$T/err")" "stopped e2e-cl-ops (swarmforge-shared-e2e-cl-ops)"
  expect_eq "$(container_id swarmforge-shared-e2e-cl-ops)" "$id"
  container_running swarmforge-shared-e2e-cl-ops && fail "still running after stop"
  cl_run ra start e2e-cl-ops
  expect_eq "$CL_RC" 0
  container_running swarmforge-shared-e2e-cl-ops || fail "not running after start"
  started=$(docker inspect -f '{{.State.StartedAt}}' swarmforge-shared-e2e-cl-ops)
  cl_run ra restart e2e-cl-ops
  expect_eq "$CL_RC" 0
  expect_eq "$(container_id swarmforge-shared-e2e-cl-ops)" "$id"
  expect_ne "$(docker inspect -f '{{.State.StartedAt}}' swarmforge-shared-e2e-cl-ops)" "$started"
  # Two starts, two greetings: the logs are the container's own, kept across restarts.
  expect_eq "$(ra logs e2e-cl-ops | grep -c hello)" 3
}

test_cl_every_verb_refuses_an_unknown_name_and_touches_nothing() {
  cl_sidecar e2e-cl-known
  cl_up
  local started verb
  started=$(docker inspect -f '{{.State.StartedAt}}' swarmforge-shared-e2e-cl-known)
  for verb in stop start restart logs down; do
    cl_run ra "$verb" e2e-cl-knwon
    expect_eq "$CL_RC" 1 "($verb)"
    expect_contains "$(cat "$T/err")" 'no sidecar "e2e-cl-knwon" is declared here or managed on this daemon (did you mean "e2e-cl-known"?)'
  done
  container_running swarmforge-shared-e2e-cl-known || fail "touched"
  expect_eq "$(docker inspect -f '{{.State.StartedAt}}' swarmforge-shared-e2e-cl-known)" "$started"
}

test_cl_logs_follow_prints_new_lines_until_the_sidecar_stops() {
  cl_sidecar e2e-cl-follow "" "trap 'exit 0' TERM; echo one; sleep 1; echo two; sleep 3600 & wait"
  cl_up
  ra_cmd
  "${RA[@]}" logs -f e2e-cl-follow >"$T/follow" 2>"$T/follow.err" &
  local pid=$! i
  for i in $(seq 1 100); do grep -q two "$T/follow" && break; sleep 0.1; done
  docker stop -t 1 swarmforge-shared-e2e-cl-follow >/dev/null
  local rc=0
  wait $pid || rc=$?
  expect_eq "$rc" 0 "($(cat "$T/follow.err"))"
  expect_eq "$(cat "$T/follow")" "one
two"
}

test_cl_down_names_dependents_and_needs_force() {
  cl_sidecar e2e-cl-pg
  cl_sidecar e2e-cl-web 'depends_on = ["e2e-cl-pg"]'
  cl_up
  cl_run ra down e2e-cl-pg
  expect_eq "$CL_RC" 1
  expect_contains "$(cat "$T/err")" "e2e-cl-pg: not removed: e2e-cl-web depends on it; take it down too (run-anvil down e2e-cl-web e2e-cl-pg), or use --force"
  expect_contains "$(cat "$T/err")" "nothing was removed"
  container_running swarmforge-shared-e2e-cl-pg || fail "removed although refused"
  cl_run ra down e2e-cl-pg --force
  expect_eq "$CL_RC" 0
  expect_eq "$(container_id swarmforge-shared-e2e-cl-pg)" ""
  container_running swarmforge-shared-e2e-cl-web || fail "the dependent went too"
}

# ------------------------------------------------------------------------------- approvals

cl_workspace_sidecar() {
  mkdir -p "$T/ws/.swarmforge/sidecars"
  cat >"$T/ws/.swarmforge/sidecars/$1.toml" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "trap 'exit 0' TERM; sleep ${2:-3600} & wait"]
[interface]
kind = "none"
[readiness]
mode = "none"
TOML
}

# cl_on_terminal ANSWER ARGS... — the launcher on a pseudo-terminal typing ANSWER; output in
# $T/tty, exit code in CL_RC.
cl_on_terminal() {
  local answer=$1 cmd="" a
  shift
  for a in "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --workspace "$T/ws/" \
    --approvals "$T/approvals.json" "$@"; do
    cmd+=" $(printf '%q' "$a")"
  done
  CL_RC=0
  printf '%s\n' "$answer" | script -qec "$cmd" /dev/null >"$T/tty" 2>&1 || CL_RC=$?
}

test_cl_approval_asks_once_shows_a_diff_and_remembers_every_version() {
  cl_workspace_sidecar e2e-cl-wa
  cl_workspace_sidecar e2e-cl-wb
  cl_on_terminal y -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$CL_RC" 0 "($(cat "$T/tty"))"
  expect_eq "$(grep -c '\[y/N\]' "$T/tty")" 1
  expect_contains "$(cat "$T/tty")" "Start these 2 sidecars from the workspace layer (e2e-cl-wa, e2e-cl-wb)? [y/N]"
  expect_not_contains "$(cat "$T/tty")" "//"
  # An edit asks again, with a diff against what was approved.
  sed -i 's/3600/3601/' "$T/ws/.swarmforge/sidecars/e2e-cl-wa.toml"
  cl_run "$RUN_ANVIL_BIN" plan --user-sidecars "$T/user" --workspace "$T/ws" \
    --approvals "$T/approvals.json" -- docker run --rm "$TEST_IMAGE" true
  expect_contains "$(cat "$T/out")" "approval needed: e2e-cl-wa ($T/ws/.swarmforge/sidecars/e2e-cl-wa.toml; changed since it was approved on"
  cl_on_terminal y -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$CL_RC" 0 "($(cat "$T/tty"))"
  local tty
  tty=$(tr -d '\r' <"$T/tty")
  expect_contains "$tty" 'Sidecar "e2e-cl-wa" CHANGED since you approved it on'
  expect_contains "$tty" '- '
  expect_contains "$tty" 'sleep 3600'
  expect_contains "$tty" '+ '
  expect_contains "$tty" 'sleep 3601'
  expect_contains "$tty" 'Start sidecar "e2e-cl-wa" from the workspace layer? [y/N]'
  # Reverting the edit needs no new approval: every approved version is remembered.
  sed -i 's/3601/3600/' "$T/ws/.swarmforge/sidecars/e2e-cl-wa.toml"
  cl_run "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --workspace "$T/ws" \
    --approvals "$T/approvals.json" --no-prompt -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$CL_RC" 0 "($(cat "$T/err"))"
}

test_cl_no_terminal_error_points_scripts_at_the_trusted_layers() {
  cl_workspace_sidecar e2e-cl-wc
  cl_run "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --workspace "$T/ws/" \
    --approvals "$T/approvals.json" -- docker run --rm "$TEST_IMAGE" true </dev/null
  expect_eq "$CL_RC" 1
  expect_contains "$(cat "$T/err")" "for scripts and CI, put definitions you trust in a trusted layer instead (--repo-sidecars DIR, --org-sidecars DIR or --user-sidecars DIR), which needs no approval."
  expect_contains "$(cat "$T/err")" "$T/ws/.swarmforge/sidecars/e2e-cl-wc.toml"
  expect_not_contains "$(cat "$T/err")" "//"
}

# ------------------------------------------------------------------------------- run

test_cl_progress_json_writes_one_object_per_state_change() {
  cl_sidecar e2e-cl-json
  cl_run ra --progress json -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$CL_RC" 0
  jq -e -s 'length > 0 and all(.v == 1 and (.time | type) == "string")' "$T/err" >/dev/null ||
    fail "not JSON lines: $(cat "$T/err")"
  expect_eq "$(jq -r -s '[.[] | select(.event == "sidecar" and .sidecar == "e2e-cl-json")] | last | .state' "$T/err" | cut -c1-8)" "ready in"
}

test_cl_after_ctrl_c_the_harness_status_is_returned() {
  cl_sidecar e2e-cl-int
  mkdir -p "$T/bin"
  # A stand-in for `docker run` that has to be killed after Ctrl-C, as a stubborn harness is.
  cat >"$T/bin/docker" <<'SH'
#!/bin/bash
trap 'kill -KILL $$' INT
touch "$READY"
while :; do sleep 0.1; done
SH
  chmod +x "$T/bin/docker"
  ra_cmd
  READY=$T/ready PATH="$T/bin:$PATH" setsid "${RA[@]}" -- docker run --rm "$TEST_IMAGE" true \
    2>"$T/int.err" &
  local pid=$! i rc=0
  for i in $(seq 1 100); do [ -e "$T/ready" ] && break; sleep 0.1; done
  [ -e "$T/ready" ] || fail "harness did not start: $(cat "$T/int.err")"
  kill -INT -- "-$pid"  # what the terminal does on Ctrl-C: the whole foreground group
  wait $pid || rc=$?
  expect_eq "$rc" 137 "($(cat "$T/int.err"))"
}

test_cl_pull_error_lists_the_local_tags_of_the_repository() {
  cl_sidecar e2e-cl-tag
  sed -i "s|^image = .*|image = \"${TEST_IMAGE%:*}:nope\"|" "$T/repo/e2e-cl-tag.toml"
  cl_run ra -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$CL_RC" 1
  expect_contains "$(cat "$T/err")" "the daemon has ${TEST_IMAGE%:*} only as $TEST_IMAGE locally"
}

# ------------------------------------------------------------------------------- completions

test_cl_completions_and_man_page_are_generated_and_installed() {
  "$RUN_ANVIL_BIN" completion bash >"$T/ra.bash"
  bash -n "$T/ra.bash" || fail "bash script does not parse"
  # Completing `run-anvil status --` offers its options.
  local offered
  offered=$(bash -c "source '$T/ra.bash'; COMP_WORDS=(run-anvil status --); COMP_CWORD=2; _run_anvil; echo \"\${COMPREPLY[*]}\"")
  expect_contains "$offered" "--all"
  expect_contains "$offered" "--repo-sidecars"
  if command -v zsh >/dev/null; then "$RUN_ANVIL_BIN" completion zsh | zsh -n || fail zsh; fi
  if command -v fish >/dev/null; then
    "$RUN_ANVIL_BIN" completion fish >"$T/ra.fish"
    fish -n "$T/ra.fish" || fail "fish script does not parse"
    expect_contains "$(fish -c "source '$T/ra.fish'; complete -C 'run-anvil status --'")" "--all"
  fi
  "$RUN_ANVIL_BIN" manpage >"$T/run-anvil.1"
  local warnings
  warnings=$(groff -man -Tutf8 -ww -z "$T/run-anvil.1" 2>&1)
  expect_eq "$warnings" ""
  expect_contains "$(man -l "$T/run-anvil.1" 2>/dev/null | col -b)" "--repo-sidecars DIR"
  cmake --install "$RUN_ANVIL_BUILD" --prefix "$T/prefix" >/dev/null || fail "cmake --install"
  [ -s "$T/prefix/share/man/man1/run-anvil.1" ] || fail "man page not installed"
  [ -s "$T/prefix/share/bash-completion/completions/run-anvil" ] || fail "bash completion"
  [ -s "$T/prefix/share/zsh/site-functions/_run-anvil" ] || fail "zsh completion"
  [ -s "$T/prefix/share/fish/vendor_completions.d/run-anvil.fish" ] || fail "fish completion"
}
