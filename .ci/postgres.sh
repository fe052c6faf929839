#!/usr/bin/env bash
# Start a throw-away PostgreSQL server from the machine's binaries (initdb/pg_ctl) in a temp dir.
# Usage: .ci/postgres.sh start DIR PORT   -> prints the server URL on stdout
#        .ci/postgres.sh stop DIR
# initdb refuses to run as root, so as root the server runs as the 'postgres' system user.
set -euo pipefail
cmd=$1 dir=$2
bindir=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    port=${3:-55432}
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    if ! as_owner "$bindir/initdb" -D "$dir/data" -U xuncha --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2; exit 1
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
      cat "$dir/server.log" >&2; exit 1
    fi
    echo "postgresql://xuncha@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
