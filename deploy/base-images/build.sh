#!/usr/bin/env bash
# Stand-in base images for a host that cannot reach Docker Hub: built from
# Debian's own packages, so only the Debian mirror (and PyPI, later, for the
# silkfeed image) need be reachable.
#
#   deploy/base-images/build.sh [--force] [--flower]
#
#   local/debian:bookworm   debootstrap --variant=minbase, then docker import
#   local/python:3.11       Debian's Python 3.11 in a venv (for python:3.11-slim-bookworm)
#   local/redis:7           Debian's redis-server 7.0      (for redis:7-bookworm)
#   local/postgres:15       Debian's PostgreSQL 15         (for postgres:16-bookworm)
#   local/flower:2.0        with --flower                  (for mher/flower:2.0)
#
# Images already present are kept (--force rebuilds them). At the end it prints
# the variables that make docker-compose.yml use them; put those in .env.
# DEBIAN_MIRROR overrides the mirror (default: the host's own apt source).
# Needs root, a Docker daemon, and debootstrap (installed with apt-get when missing).
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FORCE=
FLOWER=
for arg in "$@"; do
    case $arg in
        --force) FORCE=1 ;;
        --flower) FLOWER=1 ;;
        *) sed -n '2,17p' "$0"; exit 2 ;;
    esac
done
# The classic builder: it takes --network host with any 20.10+ daemon and
# needs no buildx plugin.
export DOCKER_BUILDKIT=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { printf 'base-images: %s\n' "$*"; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

host_mirror() {
    # The first Debian archive the host's apt uses (one-line or deb822 sources).
    local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
    grep -h -o -E '(^deb|^URIs:)[[:space:]]+(\[[^]]*\][[:space:]]+)?[a-z]+://[^[:space:]]+/debian/?([[:space:]]|$)' \
        "${files[@]}" 2>/dev/null | grep -o -E '[a-z]+://[^[:space:]]+' | head -1 | sed 's#/$##'
}

debian_image() {
    if have_image local/debian:bookworm && [ -z "$FORCE" ]; then
        log "local/debian:bookworm present; kept"
        return
    fi
    command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap >/dev/null
    local mirror=${DEBIAN_MIRROR:-$(host_mirror)}
    [ -n "$mirror" ] || { log "no Debian mirror in the host's apt sources; set DEBIAN_MIRROR"; exit 1; }
    local rootfs=$WORK/rootfs
    log "debootstrap --variant=minbase bookworm from $mirror"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 \
        || { tail -20 "$WORK/debootstrap.log"; exit 1; }
    # The same suites as the official image; no downloaded .debs or lists kept.
    cat > "$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $mirror-security bookworm-security main
EOF
    rm -f "$rootfs"/var/cache/apt/archives/*.deb
    rm -rf "$rootfs"/var/lib/apt/lists/*
    : > "$rootfs/etc/hostname"
    tar -C "$rootfs" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - local/debian:bookworm >/dev/null
    log "built local/debian:bookworm"
}

derived_image() {  # TAG DOCKERFILE
    local tag=$1 file=$2
    if have_image "$tag" && [ -z "$FORCE" ]; then
        log "$tag present; kept"
        return
    fi
    local ctx=$WORK/ctx
    rm -rf "$ctx"; mkdir -p "$ctx/ca"
    cp "$HERE"/*.Dockerfile "$HERE"/*-entrypoint.sh "$ctx/"
    cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
    # --network host: the build's apt-get and pip reach the mirror and PyPI the
    # way the host does; the containers of the stack never need to.
    docker build --network host -t "$tag" -f "$ctx/$file" "$ctx" > "$WORK/build.log" 2>&1 \
        || { tail -30 "$WORK/build.log"; exit 1; }
    log "built $tag"
}

[ "$(id -u)" = 0 ] || { log "run as root (debootstrap and docker import need it)"; exit 1; }
debian_image
derived_image local/python:3.11 python.Dockerfile
derived_image local/redis:7 redis.Dockerfile
derived_image local/postgres:15 postgres.Dockerfile
if [ -n "$FLOWER" ]; then derived_image local/flower:2.0 flower.Dockerfile; fi

cat <<'EOF'
# Stand-in base images ready. docker-compose.yml uses them with:
SILKFEED_PYTHON_IMAGE=local/python:3.11
SILKFEED_REDIS_IMAGE=local/redis:7
SILKFEED_POSTGRES_IMAGE=local/postgres:15
EOF
if [ -n "$FLOWER" ]; then echo "SILKFEED_FLOWER_IMAGE=local/flower:2.0"; fi
