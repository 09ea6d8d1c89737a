#!/bin/bash
# Stand-in for the official mariadb image's entrypoint: the same variables initialise the
# same things, so tests depend only on what the official image (and mysql's) does:
#   MARIADB_ROOT_PASSWORD / MYSQL_ROOT_PASSWORD (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD /
#   MYSQL_ALLOW_EMPTY_PASSWORD, or MARIADB_RANDOM_ROOT_PASSWORD / MYSQL_RANDOM_ROOT_PASSWORD),
#   MARIADB_DATABASE / MYSQL_DATABASE, MARIADB_USER / MYSQL_USER,
#   MARIADB_PASSWORD / MYSQL_PASSWORD, each also as *_FILE, and /docker-entrypoint-initdb.d.
# As with the official images, arguments go to the server, so a port for host networking
# is a command argument: `mariadbd --port=13306` (or just `--port=13306`).
set -euo pipefail

# Like the official image: options alone mean "the server, with these options".
if [ "${1:0:1}" = "-" ]; then set -- mariadbd "$@"; fi
case "${1:-mariadbd}" in
  mariadbd | mysqld) [ $# -gt 0 ] && shift ;;
  *) exec "$@" ;;
esac

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

# The first of MARIADB_<name>, MARIADB_<name>_FILE, MYSQL_<name>, MYSQL_<name>_FILE that is set.
setting() {
  local var file
  for var in "MARIADB_$1" "MYSQL_$1"; do
    file="${var}_FILE"
    if [ -n "${!var:-}" ]; then
      printf '%s' "${!var}"
      return
    fi
    if [ -n "${!file:-}" ]; then
      cat -- "${!file}"
      return
    fi
  done
}

# A value as an SQL string literal body, and a name as an SQL identifier.
sql_string() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }
sql_name() { printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"; }

mkdir -p "$DATADIR" /run/mysqld
chown -R mysql:mysql "$DATADIR" /run/mysqld

if [ ! -d "$DATADIR/mysql" ]; then
  root_password=$(setting ROOT_PASSWORD)
  allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
  random_root=${MARIADB_RANDOM_ROOT_PASSWORD:-${MYSQL_RANDOM_ROOT_PASSWORD:-}}
  database=$(setting DATABASE)
  user=$(setting USER)
  password=$(setting PASSWORD)
  root_host=${MARIADB_ROOT_HOST:-${MYSQL_ROOT_HOST:-%}}

  if [ -z "$root_password" ] && [ -z "$allow_empty" ] && [ -z "$random_root" ]; then
    echo "error: database is uninitialized and password option is not specified" >&2
    echo "  You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD" >&2
    exit 1
  fi
  if [ -n "$random_root" ]; then
    root_password=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)
    echo "GENERATED ROOT PASSWORD: $root_password"
  fi

  # As the official image: root starts with an empty password (not unix_socket), no test db.
  mariadb-install-db --user=mysql --datadir="$DATADIR" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >/dev/null
  # The initialisation server listens on the socket only, so a TCP answer means the real one.
  mariadbd --user=mysql --datadir="$DATADIR" --socket="$SOCKET" --skip-networking >/dev/null 2>&1 &
  init_pid=$!
  for _ in $(seq 1 300); do
    mariadb-admin --socket="$SOCKET" --user=root ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  init_sql() { mariadb --socket="$SOCKET" --user=root --batch "$@"; }

  {
    echo "DROP USER IF EXISTS root@'127.0.0.1', root@'::1', ''@'localhost';"
    echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@''', @@hostname, ''', ''''@''', @@hostname, '''');"
    if [ -n "$root_password" ]; then
      echo "SET PASSWORD FOR root@localhost = PASSWORD('$(sql_string "$root_password")');"
    fi
    if [ "$root_host" != "localhost" ]; then
      echo "CREATE USER root@'$(sql_string "$root_host")' IDENTIFIED BY '$(sql_string "$root_password")';"
      echo "GRANT ALL ON *.* TO root@'$(sql_string "$root_host")' WITH GRANT OPTION;"
    fi
    if [ -n "$database" ]; then
      echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$database");"
    fi
    if [ -n "$user" ] && [ -n "$password" ]; then
      echo "CREATE USER '$(sql_string "$user")'@'%' IDENTIFIED BY '$(sql_string "$password")';"
      if [ -n "$database" ]; then
        echo "GRANT ALL ON $(sql_name "$database").* TO '$(sql_string "$user")'@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | init_sql

  # From here on root needs its password, as in the official image.
  export MYSQL_PWD="$root_password"
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) . "$f" ;;
      *.sql) init_sql ${database:+--database="$database"} <"$f" ;;
      *.sql.gz) gunzip -c "$f" | init_sql ${database:+--database="$database"} ;;
      *) ;;
    esac
  done
  mariadb-admin --socket="$SOCKET" --user=root shutdown
  unset MYSQL_PWD
  wait "$init_pid" || true
fi

exec mariadbd --user=mysql --datadir="$DATADIR" --socket="$SOCKET" "$@"
