#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL for the test suite: loopback only, a temporary data directory.
#   scripts/postgres.sh start   -> prints the database URL on stdout (installs PostgreSQL when missing)
#   scripts/postgres.sh stop DIR
# Bounded in time: installation and start-up each give up after a few minutes.
set -euo pipefail

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

install_pg() {
  echo "installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq >&2 || true
  timeout 600 apt-get install -y -qq postgresql >&2
}

run_as_pg() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    bin=$(find_bin) || { install_pg; bin=$(find_bin); }
    dir=$(mktemp -d /tmp/adwarden-pg.XXXXXX)
    [ "$(id -u)" = "0" ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    run_as_pg "$bin/initdb" -D "$dir/data" -U adwarden --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    run_as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 120 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
    echo "$dir" > "$dir/dir"
    echo "postgresql+psycopg://adwarden@127.0.0.1:$port/postgres|$dir"
    ;;
  stop)
    dir="${2:?usage: postgres.sh stop DIR}"
    bin=$(find_bin)
    run_as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
