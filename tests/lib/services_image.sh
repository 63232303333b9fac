#!/usr/bin/env bash
# A Debian 12 image with real services from Debian's packages (PostgreSQL 15, Redis 7, nginx,
# curl, netcat), made with debootstrap + docker import: no registry needed.
#   source tests/lib/services_image.sh; services_image   # sets SERVICES_IMAGE, imports if absent
# The root file system is built once and cached as a tarball keyed by the package list and this
# script's recipe (/var/cache/run-anvil/), so a rerun only imports (a few seconds).
# Imported images have no CMD: definitions pass their own command.
SERVICES_PACKAGES="postgresql redis-server nginx-light curl netcat-openbsd ca-certificates procps"
SERVICES_RECIPE=2
SERVICES_IMAGE="${SERVICES_IMAGE:-run-anvil-test/debian-services:1}"
export SERVICES_IMAGE

# Two test passes side by side (dockerd and podman) build it once: the second waits for the
# first under a lock and then finds the tarball.
services_rootfs_tar() {
  mkdir -p /var/cache/run-anvil
  (
    flock 9
    services_rootfs_tar_locked
  ) 9>/var/cache/run-anvil/.services.lock
}

services_rootfs_tar_locked() {
  local key mirror dir tar
  key=$(printf '%s|%s' "$SERVICES_PACKAGES" "$SERVICES_RECIPE" | sha256sum | cut -c1-16)
  tar="/var/cache/run-anvil/debian-services-$key.tar"
  if [ -s "$tar" ]; then echo "$tar"; return 0; fi
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  mirror="${mirror:-http://deb.debian.org/debian}"
  mkdir -p /var/cache/run-anvil
  dir=$(mktemp -d /var/cache/run-anvil/rootfs.XXXXXX)
  echo "==> building the Debian services image root ($SERVICES_PACKAGES; about a minute)" >&2
  debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$dir.log" 2>&1 || {
    tail -20 "$dir.log" >&2; rm -rf "$dir"; return 1; }
  # No daemon may start inside the chroot while packages install.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"; chmod +x "$dir/usr/sbin/policy-rc.d"
  chroot "$dir" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $SERVICES_PACKAGES && apt-get clean && rm -rf /var/lib/apt/lists/*" >>"$dir.log" 2>&1 || {
    tail -20 "$dir.log" >&2; rm -rf "$dir"; return 1; }
  rm -f "$dir/usr/sbin/policy-rc.d"
  # The cluster Debian's package made at install time is removed: each sidecar inits its own.
  rm -rf "$dir/var/lib/postgresql/15/main" "$dir/etc/postgresql/15/main"
  tar -C "$dir" --numeric-owner -cf "$tar.tmp.$$" . && mv "$tar.tmp.$$" "$tar"
  rm -rf "$dir" "$dir.log"
  echo "$tar"
}

services_image() {
  if docker image inspect "$SERVICES_IMAGE" >/dev/null 2>&1; then return 0; fi
  local tar
  tar=$(services_rootfs_tar) || return 1
  docker import -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV LANG=C.UTF-8' "$tar" "$SERVICES_IMAGE" >/dev/null
}
