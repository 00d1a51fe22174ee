#!/usr/bin/env bash
# `make test-compose`: the docker compose stack, built and run for real.
#
#   build the base images when Docker Hub cannot be reached (stand-ins from
#   Debian's packages, deploy/base-images/build.sh), then silkfeed:latest;
#   up -d and time every service to healthy; `ps` without the token; ports on
#   loopback only; the sample page -> 6 entries, 5 rates; kill -9 of a worker's
#   main process (back within 10 s); a stopped (stuck) worker killed by its
#   healthcheck and restarted; Redis restarted, another page; the ingest
#   worker scaled to two, migrate not run again; down -v.
#
# Only the image builds reach package registries (`--network host`); the
# containers talk to each other and to this host's loopback ports.
# Needs root (or docker access) and a Docker daemon: tests/compose/docker-daemon.sh.
#   KEEP=1  leave the stack up at the end (no down -v)
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SAMPLE=$ROOT/tests/fixtures/timesca-2025-12-15.txt
STATE=$(mktemp -d /tmp/silkfeed-compose.XXXXXX)
PROJECT=${COMPOSE_PROJECT_NAME:-silkfeedtest}
ENVF=$STATE/env
# Classic builder (no buildx needed); compose builds nothing here, but its
# docker-py must not try BuildKit either.
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0 COMPOSE_HTTP_TIMEOUT=400
# Ceilings for a loaded machine; the figures themselves are printed. On an
# idle 2-core machine the stack is healthy well within HEALTHY_TARGET; other
# work on the machine (a test suite beside it) can multiply that.
HEALTHY_WITHIN=${HEALTHY_WITHIN:-300}
HEALTHY_TARGET=40
RESTARTED_WITHIN=10

T_START=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
say() { printf '  %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }

dc() { docker-compose --project-name "$PROJECT" --env-file "$ENVF" "$@"; }

cleanup() {
    local rc=$?
    if [ -z "${KEEP:-}" ] && [ -s "$ENVF" ]; then
        if [ "$rc" != 0 ]; then
            dc ps >&2 || true
            dc logs --no-color --tail 30 >"$STATE/logs-at-failure.txt" 2>&1 || true
            printf 'last 30 log lines per service: %s\n' "$STATE/logs-at-failure.txt" >&2
        fi
        dc down -v --remove-orphans >/dev/null 2>&1 || true
    fi
    [ "$rc" = 0 ] && [ -z "${KEEP:-}" ] && rm -rf "$STATE"
    exit "$rc"
}
trap cleanup EXIT

# ------------------------------------------------------------------ images
step "Docker"
"$ROOT/tests/compose/docker-daemon.sh" || fail "no Docker daemon"
say "$(docker-compose version --short 2>/dev/null || docker-compose version | head -1)"

step "base images"
if docker image inspect python:3.11-slim-bookworm redis:7-bookworm postgres:16-bookworm >/dev/null 2>&1 \
        || timeout 60 docker pull -q python:3.11-slim-bookworm >/dev/null 2>&1; then
    say "Docker Hub's images"
    for image in redis:7-bookworm postgres:16-bookworm; do
        docker image inspect "$image" >/dev/null 2>&1 || docker pull -q "$image" >/dev/null
    done
    PYTHON_IMAGE=python:3.11-slim-bookworm REDIS_IMAGE=redis:7-bookworm POSTGRES_IMAGE=postgres:16-bookworm
else
    say "Docker Hub unreachable: stand-in images from Debian's packages"
    t0=$(now)
    "$ROOT/deploy/base-images/build.sh" | grep -v '^[#A-Z]' | sed 's/^/  /'
    say "ready after $(since "$t0")s"
    PYTHON_IMAGE=local/python:3.11 REDIS_IMAGE=local/redis:7 POSTGRES_IMAGE=local/postgres:15
fi

step "silkfeed:latest"
t0=$(now)
docker build --network host --build-arg "PYTHON_IMAGE=$PYTHON_IMAGE" -t silkfeed:latest . \
    >"$STATE/build.log" 2>&1 || { tail -40 "$STATE/build.log"; fail "image build"; }
say "built in $(since "$t0")s ($(grep -c 'Using cache' "$STATE/build.log" || true) cached steps)"
if grep -i 'useradd warning' "$STATE/build.log"; then fail "useradd warns"; fi
docker run --rm silkfeed:latest sh -c 'test ! -e /app/.env && test ! -e /app/tests' \
    || fail "the image holds .env or tests/"

# ------------------------------------------------------------------ stack
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
FEED_PORT=$(free_port)
INGEST_PORT=$(free_port)
while [ "$INGEST_PORT" = "$FEED_PORT" ]; do INGEST_PORT=$(free_port); done
TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
FEED=http://127.0.0.1:$FEED_PORT
INGEST=http://127.0.0.1:$INGEST_PORT
write_env() {  # with or without the token
    cat >"$ENVF" <<EOF
POSTGRES_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
SILKFEED_FEED_PORT=$FEED_PORT
SILKFEED_INGEST_PORT=$INGEST_PORT
SILKFEED_PYTHON_IMAGE=$PYTHON_IMAGE
SILKFEED_REDIS_IMAGE=$REDIS_IMAGE
SILKFEED_POSTGRES_IMAGE=$POSTGRES_IMAGE
SILKFEED_INGEST_TOKENS=$TOKEN
EOF
    chmod 600 "$ENVF"
}
write_env
dc down -v --remove-orphans >/dev/null 2>&1 || true

# The services `up` starts: those of no profile (docker-compose 1.29's
# `config --services` lists the others too).
SERVICES=$(dc config | python3 -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
print(" ".join(name for name, svc in services.items() if not svc.get("profiles")))')
WORKERS=$(printf '%s\n' $SERVICES | grep -- '-worker$' | tr '\n' ' ')

containers() {  # SERVICE: its container ids (the docker CLI answers faster than compose)
    docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" \
        --filter "label=com.docker.compose.service=$1"
}

# health SERVICE...: one word per container, "healthy" when it is.
health() {
    local svc id
    for svc in "$@"; do
        for id in $(containers "$svc"); do
            docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id"
        done
    done
}

# wait_healthy TIMEOUT SERVICE...: every container of each service healthy.
# With T0 set (a date +%s.%N), prints when each service first was.
wait_healthy() {
    local timeout=$1 t0=$SECONDS svc states s; shift
    declare -A seen=()
    while :; do
        states=
        for svc in "$@"; do
            s=$(health "$svc" | sort -u | tr '\n' ' ')
            if [ "$s" != "healthy " ]; then
                states="$states $svc:${s:-none}"
            elif [ -n "${T0:-}" ] && [ -z "${seen[$svc]:-}" ]; then
                seen[$svc]=1
                say "$(printf '%-14s healthy at +%ss' "$svc" "$(since "$T0")")"
            fi
        done
        [ -z "$states" ] && return 0
        [ $((SECONDS - t0)) -lt "$timeout" ] || { say "not healthy after ${timeout}s:$states"; return 1; }
        sleep 0.2
    done
}

step "up -d"
t0=$(now)
# In the background, so the services' health is timed from the moment up starts
# (docker-compose up -d itself returns only once migrate is healthy).
dc up -d --no-build >"$STATE/up.log" 2>&1 &
up_pid=$!
T0=$t0 wait_healthy "$HEALTHY_WITHIN" $SERVICES || fail "services not healthy"
HEALTHY_AFTER=$(since "$t0")
wait "$up_pid" || { cat "$STATE/up.log"; fail "docker-compose up -d"; }
say "every service healthy ${HEALTHY_AFTER}s after up: $SERVICES"
if awk -v t="$HEALTHY_AFTER" -v max="$HEALTHY_TARGET" 'BEGIN{exit !(t > max)}'; then
    say "NOTE: above the ${HEALTHY_TARGET}s target; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
fi
MIGRATE_STARTED=$(docker inspect -f '{{.Id}} {{.State.StartedAt}}' "$(dc ps -q migrate)")

step "safe defaults"
for svc in feed ingest-api; do
    bindings=$(docker inspect -f '{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostIp}}:{{.HostPort}} {{end}}{{end}}' "$(dc ps -q "$svc")")
    say "$svc published on $bindings"
    case $bindings in 127.0.0.1:*) ;; *) fail "$svc published off loopback: $bindings" ;; esac
done
for svc in $SERVICES; do
    if docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$(dc ps -q "$svc" | head -1)" \
            | grep -q '^SILKFEED_INGEST_TOKENS=.'; then
        [ "$svc" = ingest-api ] || fail "$svc has the ingest token"
    fi
done
say "the token is in ingest-api's environment only"
sed -i '/^SILKFEED_INGEST_TOKENS=/d' "$ENVF"
dc ps >/dev/null || fail "docker-compose ps without the token"
dc logs --tail 1 redis >/dev/null || fail "docker-compose logs without the token"
echo "SILKFEED_INGEST_TOKENS=$TOKEN" >>"$ENVF"
say "docker-compose ps and logs work without the token"
if out=$(docker run --rm -e SILKFEED_INGEST_TOKENS= silkfeed:latest silkfeed serve ingest-api 2>&1); then
    fail "ingest-api started without a token"
fi
say "ingest-api without a token: $(echo "$out" | tail -1)"
maxmemory=$(dc exec -T redis redis-cli config get maxmemory | tail -1 | tr -d '\r')
[ "$maxmemory" -gt 0 ] || fail "Redis has no maxmemory"
say "Redis maxmemory $maxmemory bytes, policy $(dc exec -T redis redis-cli config get maxmemory-policy | tail -1 | tr -d '\r')"

# ------------------------------------------------------------------ pipeline
# post FILE: prints the submission id
post() {
    local code
    code=$(curl -sS -o "$STATE/post.json" -w '%{http_code}' -X POST "$INGEST/v1/submissions?source=timesca" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain; charset=utf-8' --data-binary "@$1")
    [ "$code" = 202 ] || fail "POST $1: HTTP $code $(cat "$STATE/post.json")"
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$STATE/post.json"
}

wait_done() {  # ID TIMEOUT
    local t0=$SECONDS st
    while :; do
        st=$(curl -sS -H "Authorization: Bearer $TOKEN" "$INGEST/v1/submissions/$1" \
            | python3 -c 'import json, sys; print(json.load(sys.stdin).get("status"))' 2>/dev/null || echo '?')
        case $st in done) return 0 ;; failed) fail "submission $1 failed" ;; esac
        [ $((SECONDS - t0)) -lt "$2" ] || fail "submission $1 still '$st' after $2s"
        sleep 0.5
    done
}

entries() {
    curl -sS "$FEED/feeds/articles.atom" | python3 -c '
import sys, xml.etree.ElementTree as ET
print(len(ET.parse(sys.stdin).getroot().findall("{http://www.w3.org/2005/Atom}entry")))'
}

latest() {  # "DATE PAIRS KGS/USD"
    curl -sS "$FEED/api/v1/rates/latest" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = {x["pair"]: x["rate"] for x in d.get("rates", [])}
print(d.get("date"), len(r), r.get("KGS/USD"))'
}

wait_for() {  # DESCRIPTION TIMEOUT COMMAND EXPECTED
    local t0=$SECONDS got
    while :; do
        got=$($3 2>/dev/null || echo error)
        [ "$got" = "$4" ] && { say "$1: $got"; return 0; }
        [ $((SECONDS - t0)) -lt "$2" ] || fail "$1: got '$got', wanted '$4'"
        sleep 0.5
    done
}

# variant N: the sample dated 2025-12-(15+N) with KGS/USD moved: a new page
# whose ticker becomes the latest snapshot.
variant() {
    local day=$((15 + $1))
    sed -e "s/^15 December 2025\$/$day December 2025/" \
        -e "s#KGS/USD = 0.01144#KGS/USD = 0.011$((44 + $1))#g" "$SAMPLE" >"$STATE/page-$1.txt"
    grep -q "^$day December 2025\$" "$STATE/page-$1.txt" || fail "variant $1"
    echo "$STATE/page-$1.txt"
}

step "the sample page"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$INGEST/v1/submissions" -H 'Content-Type: text/plain' --data-binary x)
[ "$code" = 401 ] || fail "POST without a token: HTTP $code"
t0=$(now)
wait_done "$(post "$SAMPLE")" 120
say "processed $(since "$t0")s after the POST"
wait_for "entries in /feeds/articles.atom" 60 entries 6
wait_for "/api/v1/rates/latest" 60 latest "2025-12-15 5 0.01144"

# ------------------------------------------------------------------ workers
worker_main_pid() {  # CONTAINER: host PID of the worker under docker-init
    local init; init=$(docker inspect -f '{{.State.Pid}}' "$1")
    pgrep -P "$init" | head -1
}

# restarted CONTAINER RESTARTS_BEFORE TIMEOUT: running again with one more restart
restarted() {
    local t0=$SECONDS
    until [ "$(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "$1")" = "$(($2 + 1)) true" ]; do
        [ $((SECONDS - t0)) -lt "$3" ] || return 1
        sleep 0.1
    done
}

step "kill -9 of the ingest worker's main process"
c=$(dc ps -q ingest-worker)
pid=$(worker_main_pid "$c")
[ -n "$pid" ] || fail "no worker process under docker-init"
say "main process: host pid $pid, $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-80)"
n=$(docker inspect -f '{{.RestartCount}}' "$c")
t0=$(now)
kill -9 "$pid"
restarted "$c" "$n" "$RESTARTED_WITHIN" || fail "not running again ${RESTARTED_WITHIN}s after kill -9"
RESTART_AFTER=$(since "$t0")
say "running again after ${RESTART_AFTER}s (restart policy)"
wait_healthy 60 ingest-worker || fail "ingest-worker not healthy again"
say "healthy again after $(since "$t0")s"

step "a stuck worker (main process stopped with SIGSTOP)"
c=$(dc ps -q rates-worker)
pid=$(worker_main_pid "$c")
n=$(docker inspect -f '{{.RestartCount}}' "$c")
t0=$(now)
kill -STOP "$pid"
restarted "$c" "$n" 90 || fail "stuck rates-worker not restarted within 90s"
say "killed by its healthcheck and running again after $(since "$t0")s (heartbeat limit 30s)"
wait_healthy 60 rates-worker || fail "rates-worker not healthy again"
# The new worker's start is not taken for the old one's stale heartbeat.
[ "$(docker inspect -f '{{.RestartCount}}' "$c")" = $((n + 1)) ] || fail "rates-worker restarted again"
say "healthy again after $(since "$t0")s, restarted once"

step "Redis restarted"
t0=$(now)
dc restart redis 2>&1 | sed 's/^/  /'
wait_healthy 60 redis || fail "Redis not healthy"
say "Redis healthy again after $(since "$t0")s"
wait_done "$(post "$(variant 1)")" 180
wait_for "/api/v1/rates/latest after the Redis restart" 60 latest "2025-12-16 5 0.01145"
wait_healthy 60 $WORKERS || fail "workers not healthy after the Redis restart"
say "workers healthy"

step "ingest-worker scaled to two"
t0=$(now)
dc up -d --no-build --scale ingest-worker=2 2>&1 | sed 's/^/  /'
[ "$(dc ps -q ingest-worker | wc -l)" = 2 ] || fail "not two ingest-worker containers"
wait_healthy 120 ingest-worker || fail "two ingest workers not healthy"
say "two ingest-worker containers healthy after $(since "$t0")s"
[ "$(docker inspect -f '{{.Id}} {{.State.StartedAt}}' "$(dc ps -q migrate)")" = "$MIGRATE_STARTED" ] \
    || fail "migrate ran again"
say "migrate not run again"
wait_done "$(post "$(variant 2)")" 120
wait_for "/api/v1/rates/latest" 60 latest "2025-12-17 5 0.01146"
wait_for "entries in /feeds/articles.atom" 60 entries 6

step "down -v"
if [ -n "${KEEP:-}" ]; then
    say "KEEP set: the stack stays up (project $PROJECT, env $ENVF)"
else
    t0=$(now)
    dc down -v --remove-orphans 2>&1 | sed 's/^/  /'
    say "down -v took $(since "$t0")s"
    [ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ] || fail "containers left"
    [ -z "$(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT")" ] || fail "volumes left"
fi

printf '\ncompose test passed in %ss: healthy %ss after up, a killed worker running again after %ss\n' \
    "$(since "$T_START")" "$HEALTHY_AFTER" "$RESTART_AFTER"
