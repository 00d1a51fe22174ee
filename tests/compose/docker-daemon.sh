#!/usr/bin/env bash
# Make sure a Docker daemon answers, and docker-compose is there: install
# Debian's docker.io and docker-compose when missing (as root), start dockerd
# when none answers. Exits 0 when Docker is usable, else 1 with the reason.
#
# A dockerd it starts keeps running (its log: $DOCKERD_LOG); its PID is
# written to $DOCKERD_PIDFILE so the caller can stop it.
set -uo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/tmp/silkfeed-dockerd.log}
DOCKERD_PIDFILE=${DOCKERD_PIDFILE:-/tmp/silkfeed-dockerd.pid}

say() { printf 'docker: %s\n' "$*"; }
answers() { timeout 20 docker info >/dev/null 2>&1; }
root() { [ "$(id -u)" = 0 ]; }

install_missing() {  # PACKAGE COMMAND...
    local package=$1; shift
    local cmd missing=
    for cmd in "$@"; do command -v "$cmd" >/dev/null || missing=1; done
    [ -z "$missing" ] && return 0
    if ! root; then say "$package is not installed and this is not root"; return 1; fi
    say "installing Debian's $package"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" \
            >"/tmp/silkfeed-apt-$package.log" 2>&1; then
        apt-get update >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" \
            >"/tmp/silkfeed-apt-$package.log" 2>&1 \
            || { say "apt-get install $package failed: $(tail -1 "/tmp/silkfeed-apt-$package.log")"; return 1; }
    fi
}

install_missing docker-compose docker-compose || exit 1
if answers; then
    say "daemon answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    exit 0
fi
install_missing docker.io docker dockerd || exit 1
if ! root; then say "no daemon answers and this is not root: cannot start one"; exit 1; fi
say "no daemon answers; starting dockerd (log $DOCKERD_LOG)"
nohup dockerd >"$DOCKERD_LOG" 2>&1 &
echo $! >"$DOCKERD_PIDFILE"
for _ in $(seq 60); do
    if answers; then
        say "dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null) started (pid $(cat "$DOCKERD_PIDFILE"))"
        exit 0
    fi
    kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null || break
    sleep 1
done
say "dockerd did not come up: $(tail -3 "$DOCKERD_LOG" | tr '\n' ' ')"
kill "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null || true
rm -f "$DOCKERD_PIDFILE"
exit 1
