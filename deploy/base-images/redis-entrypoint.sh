#!/bin/sh
# Entrypoint of local/redis:7, as the official redis image's: `redis-server
# ARGS` runs as the unprivileged redis user after fixing /data's ownership.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
    # The official image compiles Redis with protected mode off; Debian's binary
    # keeps it on, which (with no config file and no password) refuses every
    # client that is not on loopback — i.e. every other container.
    case " $* " in
        *" --protected-mode "*) ;;
        *) set -- "$@" --protected-mode no ;;
    esac
    if [ "$(id -u)" = 0 ]; then
        find . \! -user redis -exec chown redis '{}' +
        exec setpriv --reuid=redis --regid=redis --init-groups "$@"
    fi
fi
exec "$@"
