#!/bin/bash
# Stand-in for the official postgres image's entrypoint: the same variables initialise
# the same things (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA, PGPORT,
# /docker-entrypoint-initdb.d), so tests depend only on what the official image does.
set -euo pipefail

if [ "${1:-postgres}" != "postgres" ]; then exec "$@"; fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

mkdir -p "$PGDATA" /var/run/postgresql
chown -R postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != "trust" ]; then
    echo "error: POSTGRES_PASSWORD is not set" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  chown postgres "$pwfile"
  as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >/dev/null
  rm -f "$pwfile"
  as_postgres pg_ctl -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$POSTGRES_DB" != "postgres" ]; then
    # psql interpolates :"db" only in scripts, so the statement goes through stdin.
    echo 'CREATE DATABASE :"db";' | as_postgres psql -v ON_ERROR_STOP=1 -q \
      --username="$POSTGRES_USER" --dbname=postgres --set db="$POSTGRES_DB"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) as_postgres psql -v ON_ERROR_STOP=1 -q --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" -f "$f" ;;
      *.sh) . "$f" ;;
    esac
  done
  as_postgres pg_ctl -m fast -w stop >/dev/null
fi

# Loopback only: test containers share the host's network.
exec setpriv --reuid=postgres --regid=postgres --init-groups -- \
  postgres -c listen_addresses="${POSTGRES_LISTEN_ADDRESSES:-127.0.0.1}"
