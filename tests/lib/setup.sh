#!/usr/bin/env bash
# Shared setup for the demo, the tests and the benchmarks, on a fresh Debian 12 machine as root:
# installs the build and engine packages, builds run-anvil, starts dockerd if none answers, and
# imports a small busybox image (no registry needed). Idempotent: a second call is quick.
# Source it; it defines RUN_ANVIL_ROOT, RUN_ANVIL_BUILD, RUN_ANVIL_BIN and TEST_IMAGE.
set -euo pipefail

RUN_ANVIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_ANVIL_BUILD="${RUN_ANVIL_BUILD:-$RUN_ANVIL_ROOT/build}"
RUN_ANVIL_BIN="$RUN_ANVIL_BUILD/run-anvil"
TEST_IMAGE="${TEST_IMAGE:-run-anvil-test/busybox:1}"
export RUN_ANVIL_ROOT RUN_ANVIL_BUILD RUN_ANVIL_BIN TEST_IMAGE

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

need_packages() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then echo "run as root (or install: ${missing[*]})" >&2; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

setup_packages() {
  need_packages build-essential cmake g++ libcli11-dev libtomlplusplus-dev nlohmann-json3-dev \
    libcurl4-openssl-dev libyaml-cpp-dev googletest libgmock-dev libgtest-dev busybox-static docker.io iproute2 \
    util-linux procps bc jq clang-format podman catatonit openssh-server openssh-client openssl groff-base man-db zsh fish \
    ${RUN_ANVIL_EXTRA_PACKAGES:-}
}

setup_build() {
  say "building run-anvil in $RUN_ANVIL_BUILD"
  # Developer mode: our warnings are errors here (CI), never in a user's build.
  cmake -S "$RUN_ANVIL_ROOT" -B "$RUN_ANVIL_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUN_ANVIL_DEVELOPER=ON \
    ${RUN_ANVIL_CMAKE_ARGS:-} >/dev/null
  cmake --build "$RUN_ANVIL_BUILD" -j"$(nproc)" >/dev/null
}

docker_ok() { timeout 5 docker version >/dev/null 2>&1; }

setup_dockerd() {
  if docker_ok; then return; fi
  say "starting dockerd (log: /tmp/run-anvil-dockerd.log)"
  if [ "$(id -u)" -ne 0 ]; then echo "no Docker daemon answers; start one (or run as root)" >&2; exit 1; fi
  # An empty directory where the socket belongs is what a daemon leaves when it was asked to
  # bind-mount a socket that did not exist (`-v /var/run/docker.sock:...` against another engine);
  # dockerd then refuses to start. Only an empty directory is removed, nothing else.
  if [ -d /var/run/docker.sock ] && [ ! -L /var/run/docker.sock ]; then
    if rmdir /var/run/docker.sock 2>/dev/null; then
      say "removed an empty directory left at /var/run/docker.sock (a bind mount of a missing socket)"
    else
      echo "/var/run/docker.sock is a directory that is not empty; dockerd cannot listen there" >&2
      exit 1
    fi
  fi
  # Its own session: the daemon must outlive whatever job started it.
  setsid -f dockerd >/tmp/run-anvil-dockerd.log 2>&1 </dev/null
  for _ in $(seq 1 100); do docker_ok && return; sleep 0.2; done
  echo "dockerd did not come up; see /tmp/run-anvil-dockerd.log" >&2
  tail -20 /tmp/run-anvil-dockerd.log >&2 || true
  exit 1
}

# A busybox root file system as an image: /bin/busybox plus one symlink per applet.
setup_image() {
  if docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then return; fi
  say "importing $TEST_IMAGE from Debian's busybox-static"
  local root
  root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/www" "$root/proc" "$root/sys" "$root/dev"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
  echo 'hello from the sidecar' >"$root/www/index.html"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - "$TEST_IMAGE" >/dev/null
  rm -rf "$root"
}

setup_all() {
  setup_packages
  setup_build
  setup_dockerd
  setup_image
}
