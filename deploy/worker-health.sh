#!/bin/sh
# Healthcheck of a silkfeed worker container (installed in the image as
# silkfeed-worker-health):  silkfeed-worker-health [MAX_AGE_SECONDS]
#
# Healthy while the worker's heartbeat file (shared/heartbeat.py; its path is
# SILKFEED_HEARTBEAT_FILE) is younger than MAX_AGE (default 30 s): the main
# process rewrites it every 5 s from its event loop. This costs a stat, not a
# Celery client and a broker round trip.
#
# A heartbeat older than that means the event loop stopped turning (a stuck
# worker, or a broker it could not reach again in that time). Docker marks the
# container unhealthy but does not restart it, so this check kills the
# worker's main process: the container exits and its restart policy starts a
# fresh worker, whose tasks in hand are redelivered (acks_late). No file means
# starting (the start period covers it) or a warm shutdown under way: never
# killed.
set -u
file=${SILKFEED_HEARTBEAT_FILE:?SILKFEED_HEARTBEAT_FILE is not set}
max_age=${1:-30}

if ! mtime=$(stat -c %Y "$file" 2>/dev/null); then
    echo "no heartbeat file: the worker is starting or shutting down"
    exit 1
fi
age=$(( $(date +%s) - mtime ))
if [ "$age" -le "$max_age" ]; then
    echo "heartbeat ${age}s ago"
    exit 0
fi
# "PID START": the main process and when it started (/proc/PID/stat field 22),
# so a file left by a process that is gone (a container restart keeps /tmp,
# and the new worker likely has the same PID) never gets another one killed.
read -r pid started <"$file" 2>/dev/null || true
case ${pid:-x}${started:-x} in
    *[!0-9]*) echo "heartbeat ${age}s old, without a PID and start time"; exit 1 ;;
esac
running=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f20)
if [ "$running" != "$started" ]; then
    echo "heartbeat ${age}s old, from process $pid which is no longer running"
    exit 1
fi
# PID 1 cannot be killed from inside its own namespace: compose runs workers
# with `init: true`, so the worker is a child of docker-init.
if [ "$pid" != 1 ] && kill -KILL "$pid" 2>/dev/null; then
    echo "heartbeat ${age}s old (limit ${max_age}s): killed the worker's main process $pid"
else
    echo "heartbeat ${age}s old (limit ${max_age}s): could not kill process $pid"
fi
exit 1
