#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the issuer service tests and prints the URL to export:
#   export ENHANCE_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh)
# Installs PostgreSQL from Debian's packages if it is missing (needs root). The cluster lives in a
# temporary directory, listens on 127.0.0.1:${PGPORT:-55432} only, trusts local connections, and is
# reused if already running. Stop it with: su postgres -c "pg_ctl -D <dir> stop" (dir printed on stderr).
set -euo pipefail
PORT="${PGPORT:-55432}"
DIR="${ENHANCE_PG_DIR:-/tmp/enhance-pg-$PORT}"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

if ! as_pg "$BIN/pg_isready -q -h 127.0.0.1 -p $PORT"; then
  if [ ! -f "$DIR/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    as_pg "$BIN/initdb -D $DIR -U postgres --auth=trust -E UTF8 >/dev/null"
  fi
  as_pg "$BIN/pg_ctl -D $DIR -l $DIR/server.log -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off' -w start >/dev/null"
fi
as_pg "$BIN/psql -h 127.0.0.1 -p $PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='enhance_test'\"" | grep -q 1 \
  || as_pg "$BIN/createdb -h 127.0.0.1 -p $PORT -U postgres enhance_test"
echo "PostgreSQL cluster: $DIR (port $PORT)" >&2
echo "postgres://postgres@127.0.0.1:$PORT/enhance_test"
