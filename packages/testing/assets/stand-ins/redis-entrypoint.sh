#!/bin/sh
# Stand-in for the official redis image's entrypoint: `redis-server` is the default
# command, options or a .conf file as the first argument are passed to it, and the
# server runs as the redis user from /data, as in the official image.
set -e

# first arg is `-f` or `--some-option`, or `something.conf`
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = "redis-server" ] && [ "$(id -u)" = "0" ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups -- "$0" "$@"
fi

um="$(umask)"
if [ "$um" = "0022" ]; then
  umask 0077
fi

exec "$@"
