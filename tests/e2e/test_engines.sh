#!/usr/bin/env bash
# End-to-end tests of the engines (issue 15, SPEC §16): podman's differences, a TLS daemon, an
# ssh engine, readiness through a daemon this host cannot dial (no --anvil-image), and the
# refusal of an anvil aimed at another daemon. Sidecars are named e2e-en-*.
source "$RUN_ANVIL_ROOT/tests/lib/remote_engines.sh"

# A web sidecar that opens its port only after `delay` seconds: a readiness check that only
# looks at "running" lets the anvil in too early, and its wget then fails.
en_slow_web() {
  sidecar "$1" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sh", "-c", "sleep ${2:-2}; exec httpd -f -p 8080 -h /www"]
[interface]
kind = "port"
port = 8080
[readiness]
timeout = "60s"
TOML
}

# Removes this test's sidecars from the engine DOCKER_HOST names now (e2e_cleanup only knows
# the primary engine).
en_cleanup_here() {
  local f name
  for f in "$T"/repo/*.toml; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .toml)
    docker ps -aq --filter label=swarmforge.managed-by=run-anvil \
      --filter "label=swarmforge.tong.name=$name" | xargs -r docker rm -f >/dev/null 2>&1 || true
  done
}

# An isolated docker config directory (contexts live there), never the user's ~/.docker.
en_docker_config() {
  export DOCKER_CONFIG="$T/docker-config"
  mkdir -p "$DOCKER_CONFIG"
}

# ---------------------------------------------------------------- podman's differences

test_en_32_cold_launchers_all_succeed_with_one_container() {
  web_sidecar e2e-en-cold32
  fetch_words http://e2e-en-cold32:8080/index.html
  hd_launch_together 32 -- docker run --rm "$TEST_IMAGE" "${FETCH[@]}"
  local i
  for i in $(seq 1 32); do
    expect_eq "$(cat "$T/rc.$i")" 0 "(launcher $i: $(cat "$T/err.$i"))"
    expect_eq "$(cat "$T/out.$i")" "hello from the sidecar" "(launcher $i: $(cat "$T/err.$i"))"
  done
  expect_eq "$(docker ps -aq --filter label=swarmforge.tong.name=e2e-en-cold32 | wc -l)" 1 \
    "(containers holding the sidecar)"
}

test_en_a_created_container_left_behind_is_adopted() {
  web_sidecar e2e-en-created
  # A create that was never started (a launcher killed between create and start).
  ra -- docker run --rm "$TEST_IMAGE" true 2>/dev/null
  local hash
  hash=$(label_of swarmforge-shared-e2e-en-created swarmforge.tong.config-hash)
  docker rm -f swarmforge-shared-e2e-en-created >/dev/null
  docker create --name swarmforge-shared-e2e-en-created \
    --label swarmforge.managed-by=run-anvil --label swarmforge.tong.name=e2e-en-created \
    --label swarmforge.tong.lifecycle=shared --label "swarmforge.tong.config-hash=$hash" \
    "$TEST_IMAGE" httpd -f -p 8080 -h /www >/dev/null
  out=$(ra -- docker run --rm --network swarmforge-net "$TEST_IMAGE" \
    wget -qO- http://e2e-en-created:8080/index.html 2>"$T/err") || true
  # The created container either gets started and attached, or is replaced: the launch works.
  expect_eq "$out" "hello from the sidecar" "($(cat "$T/err"))"
}

test_en_doctor_reports_nothing_on_healthy_sidecars_and_fix_keeps_them() {
  web_sidecar e2e-en-doc1
  web_sidecar e2e-en-doc2
  ra -- docker run --rm "$TEST_IMAGE" true 2>/dev/null
  local before out
  before=$(container_id swarmforge-shared-e2e-en-doc1)
  out=$(ra doctor 2>&1) || true
  expect_not_contains "$out" "missing-network"
  ra doctor --fix >/dev/null 2>&1 || true
  expect_eq "$(container_id swarmforge-shared-e2e-en-doc1)" "$before" "(doctor --fix kept it)"
  container_running swarmforge-shared-e2e-en-doc2 || fail "doctor --fix stopped e2e-en-doc2"
}

# An image whose HEALTHCHECK passes once /tmp/ok exists (podman runs healthchecks only from
# systemd timers; without systemd run-anvil runs them itself).
en_health_image() {
  DOCKER_BUILDKIT=0 docker build -q -t e2e-en-health:1 - >/dev/null 2>"$T/build.err" <<EOF
FROM $TEST_IMAGE
HEALTHCHECK --interval=1s --timeout=2s --retries=3 CMD test -e /tmp/ok
EOF
}

test_en_healthcheck_readiness_becomes_healthy() {
  en_health_image || fail "cannot build the health image: $(cat "$T/build.err")"
  sidecar e2e-en-health <<TOML
lifecycle = "shared"
image = "e2e-en-health:1"
command = ["sh", "-c", "sleep 1; touch /tmp/ok; exec sleep 600"]
[readiness]
mode = "healthcheck"
timeout = "40s"
TOML
  local rc=0
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 0 "($(cat "$T/err"))"
  expect_eq "$(docker inspect -f '{{.State.Health.Status}}' swarmforge-shared-e2e-en-health)" healthy
  docker rmi -f e2e-en-health:1 >/dev/null 2>&1 || true
}

test_en_shared_sidecars_come_back_after_a_reboot_on_either_engine() {
  web_sidecar e2e-en-restart
  ra -- docker run --rm "$TEST_IMAGE" true 2>/dev/null
  local policy
  policy=$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' swarmforge-shared-e2e-en-restart)
  # podman-restart.service starts only "always" containers after a reboot.
  if on_podman; then expect_eq "$policy" always; else expect_eq "$policy" unless-stopped; fi
}

test_en_podman_default_network_without_dns_is_refused() {
  on_podman || e2e_skip "dockerd: its default bridge is refused by name (test_user_network...)"
  web_sidecar e2e-en-nodns
  local rc=0
  ra -- docker run --rm --network podman "$TEST_IMAGE" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "has DNS turned off"
  expect_eq "$(docker ps -aq --filter label=swarmforge.tong.name=e2e-en-nodns)" "" "(nothing created)"
}

test_en_podman_run_anvil_keeps_its_exit_code() {
  web_sidecar e2e-en-exit
  local rc=0
  if on_podman; then
    ra -- podman run --rm --network swarmforge-net "$TEST_IMAGE" \
      sh -c 'wget -qO- http://e2e-en-exit:8080/index.html && exit 3' >"$T/out" 2>"$T/err" || rc=$?
    expect_eq "$rc" 3 "($(cat "$T/err"))"
    expect_eq "$(cat "$T/out")" "hello from the sidecar"
    # docker run --rm through podman's socket loses the code: said once, up front.
    rc=0
    ra -- docker run --rm "$TEST_IMAGE" sh -c 'exit 3' 2>"$T/err2" || rc=$?
    expect_contains "$(cat "$T/err2")" "always exits 0"
  else
    # `podman run` would start the anvil on podman's own engine, not this dockerd.
    ra -- podman run --rm "$TEST_IMAGE" true 2>"$T/err" || rc=$?
    expect_eq "$rc" 1
    expect_contains "$(cat "$T/err")" "sidecars are on a Docker daemon"
  fi
}

# ---------------------------------------------------------------- another daemon

test_en_anvil_aimed_at_another_daemon_is_refused() {
  web_sidecar e2e-en-other
  local argv rc
  for argv in "docker -H unix:///elsewhere.sock run --rm $TEST_IMAGE true" \
    "docker --context other run --rm $TEST_IMAGE true" \
    "docker --host=tcp://10.0.0.1:2375 container run --rm $TEST_IMAGE true" \
    "podman --url unix:///elsewhere.sock run --rm $TEST_IMAGE true" \
    "podman --remote run --rm $TEST_IMAGE true"; do
    rc=0
    # shellcheck disable=SC2086
    ra -- $argv 2>"$T/err" || rc=$?
    expect_eq "$rc" 1 "($argv)"
    expect_contains "$(cat "$T/err")" "another daemon"
  done
  expect_eq "$(docker ps -aq --filter label=swarmforge.tong.name=e2e-en-other)" "" "(nothing created)"
}

# ---------------------------------------------------------------- TLS

en_tls_env() {
  export DOCKER_HOST="$TLS_DOCKER_HOST" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$TLS_DIR"
}

en_tls_ready() {
  skip_on_podman "the TLS engine is a second dockerd; it runs in the dockerd pass"
  tls_dockerd_start >/dev/null
  DOCKER_HOST="$TLS_UNIX_HOST" setup_image
}

test_en_tls_daemon_runs_a_sidecar_without_anvil_image() {
  en_tls_ready
  en_slow_web e2e-en-tlsweb 2
  en_tls_env
  trap en_cleanup_here EXIT
  out=$(ra -- docker run --rm "$TEST_IMAGE" wget -qO- http://e2e-en-tlsweb:8080/index.html \
    2>"$T/err")
  expect_eq "$out" "hello from the sidecar" "($(cat "$T/err"))"
  # Probed from inside the network with run-anvil's own image, not degraded to "running".
  expect_not_contains "$(cat "$T/err")" "degrades"
  [ -n "$(docker images -q 'run-anvil/probe')" ] || fail "no run-anvil/probe image on the TLS daemon"
  expect_eq "$(docker ps -aq --filter label=swarmforge.probe)" "" "(probe containers left)"
}

test_en_tls_with_a_foreign_ca_is_refused_naming_tls() {
  en_tls_ready
  web_sidecar e2e-en-tlsbad
  tls_certs "$T/other-ca" >/dev/null
  export DOCKER_HOST="$TLS_DOCKER_HOST" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/other-ca"
  local rc=0
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "TLS"
  expect_contains "$(cat "$T/err")" "$TLS_DOCKER_HOST"
}

test_en_tls_through_a_docker_context() {
  en_tls_ready
  web_sidecar e2e-en-tlsctx
  en_docker_config
  docker context create en-tls --docker \
    "host=$TLS_DOCKER_HOST,ca=$TLS_DIR/ca.pem,cert=$TLS_DIR/cert.pem,key=$TLS_DIR/key.pem" >/dev/null
  unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH
  export DOCKER_CONTEXT=en-tls
  trap en_cleanup_here EXIT
  out=$(ra -- docker run --rm "$TEST_IMAGE" wget -qO- http://e2e-en-tlsctx:8080/index.html \
    2>"$T/err")
  expect_eq "$out" "hello from the sidecar" "($(cat "$T/err"))"
  expect_contains "$(ra status 2>&1)" "e2e-en-tlsctx"
}

# ---------------------------------------------------------------- ssh

en_ssh_ready() {
  # One sshd per engine, so the dockerd and podman passes may run side by side.
  if on_podman; then SSH_PORT=$((SSH_PORT + 100)) SSH_DIR="$SSH_DIR-podman"; fi
  ssh_engine_start "${DOCKER_HOST:-unix:///var/run/docker.sock}" >/dev/null
  export PATH="$SSH_WRAPPER_DIR:$PATH"
}

test_en_ssh_engine_runs_a_sidecar_over_one_login() {
  en_ssh_ready
  en_slow_web e2e-en-sshweb 2
  web_sidecar e2e-en-sshweb2
  web_sidecar e2e-en-sshweb3
  export DOCKER_HOST="$SSH_DOCKER_HOST"
  out=$(ra -- docker run --rm "$TEST_IMAGE" wget -qO- http://e2e-en-sshweb:8080/index.html \
    2>"$T/err")
  expect_eq "$out" "hello from the sidecar" "($(cat "$T/err"))"
  expect_not_contains "$(cat "$T/err")" "degrades"
  # Everything run-anvil itself says to the daemon rides on one ssh login.
  local before after
  before=$(ssh_logins)
  ra status >"$T/status" 2>&1 || fail "status over ssh: $(cat "$T/status")"
  ra plan -- docker run --rm "$TEST_IMAGE" true >/dev/null 2>&1 || fail "plan over ssh failed"
  after=$(ssh_logins)
  expect_eq "$((after - before))" 2 "(ssh logins for one status and one plan)"
  expect_contains "$(cat "$T/status")" "e2e-en-sshweb3"
  # No ssh process outlives the launcher.
  expect_eq "$(pgrep -fc -- "-p $SSH_PORT -o ConnectTimeout=30 -o ControlPath=/tmp/run-anvil-ssh-" ||
    true)" 0 "(ssh processes left)"
}

test_en_ssh_through_a_docker_context() {
  en_ssh_ready
  web_sidecar e2e-en-sshctx
  en_docker_config
  docker context create en-ssh --docker "host=$SSH_DOCKER_HOST" >/dev/null
  unset DOCKER_HOST
  export DOCKER_CONTEXT=en-ssh
  out=$(ra -- docker run --rm "$TEST_IMAGE" wget -qO- http://e2e-en-sshctx:8080/index.html \
    2>"$T/err")
  expect_eq "$out" "hello from the sidecar" "($(cat "$T/err"))"
}

test_en_ssh_login_failure_is_clear() {
  en_ssh_ready
  web_sidecar e2e-en-sshbad
  export DOCKER_HOST="ssh://nobody-here@127.0.0.1:$SSH_PORT"
  local rc=0
  ra -- docker run --rm "$TEST_IMAGE" true 2>"$T/err" || rc=$?
  expect_eq "$rc" 1
  expect_contains "$(cat "$T/err")" "ssh could not log in"
  expect_contains "$(cat "$T/err")" "Permission denied"
}
