#!/bin/bash
# Stand-in for the official mongo image's entrypoint. `mongod [--port N] [--bind_ip A]`
# starts FerretDB (MongoDB wire protocol, SQLite backend) on /data/db; with
# MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD set, it creates that user in
# the admin database and requires SCRAM authentication, as the official image does.
set -euo pipefail

if [ "${1:-mongod}" != "mongod" ]; then exec "$@"; fi
[ $# -gt 0 ] && shift

port=27017
bind=127.0.0.1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    --bind_ip) bind="$2"; shift 2 ;;
    --bind_ip=*) bind="${1#*=}"; shift ;;
    --bind_ip_all) bind=0.0.0.0; shift ;;
    *) echo "stand-in mongod: ignoring $1" >&2; shift ;;
  esac
done

mkdir -p /data/db
args=(
  --handler=sqlite --sqlite-url=file:/data/db/ --state-dir=/data/db
  --listen-addr="$bind:$port" --debug-addr=- --telemetry=disable --log-level=warn
)
if [ -n "${MONGO_INITDB_ROOT_USERNAME:-}" ]; then
  if [ -z "${MONGO_INITDB_ROOT_PASSWORD:-}" ]; then
    echo "error: MONGO_INITDB_ROOT_PASSWORD is required with MONGO_INITDB_ROOT_USERNAME" >&2
    exit 1
  fi
  # FerretDB reads the password from its environment, so it never shows in argv.
  export FERRETDB_SETUP_PASSWORD="$MONGO_INITDB_ROOT_PASSWORD"
  args+=(--test-enable-new-auth --setup-username="$MONGO_INITDB_ROOT_USERNAME" --setup-database=admin)
fi
exec ferretdb "${args[@]}"
