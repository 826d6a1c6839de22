#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL for the test suite: loopback only, a temporary data directory.
#   scripts/postgres.sh start   -> prints "URL|DIR" on stdout (installs PostgreSQL when missing)
#   scripts/postgres.sh stop DIR
# Bounded in time: installation and start-up each give up after a few minutes. Nothing else is left running:
# Debian's package would create and start a default "main" cluster, which is turned off before installing.
# ADWARDEN_PG_EXTRA_OPTS adds server options (e.g. "-c log_min_duration_statement=0"). If start-up fails the
# server log goes to stderr, the directory is removed and the exit status is 1.
set -euo pipefail

CREATECLUSTER_CONF=${ADWARDEN_PG_CREATECLUSTER_CONF:-/etc/postgresql-common/createcluster.conf}

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

no_main_cluster() {
  # postgresql-common reads this when the server package is configured; with it, no cluster is created or
  # started. The existing file is kept on install by --force-confold below.
  mkdir -p "$(dirname "$CREATECLUSTER_CONF")"
  if [ -f "$CREATECLUSTER_CONF" ] && grep -qE '^[[:space:]]*create_main_cluster' "$CREATECLUSTER_CONF"; then
    sed -i -E 's/^[[:space:]]*create_main_cluster.*/create_main_cluster = false/' "$CREATECLUSTER_CONF"
  else
    echo "create_main_cluster = false" >> "$CREATECLUSTER_CONF"
  fi
}

install_pg() {
  echo "installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  no_main_cluster
  timeout 300 apt-get update -qq >&2 || true
  timeout 600 apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    postgresql >&2
}

run_as_pg() {
  # From /tmp: runuser keeps the cwd, and the postgres user may not be able to read the caller's.
  if [ "$(id -u)" = "0" ]; then
    (cd /tmp && runuser -u postgres -- "$@")
  else
    (cd /tmp && "$@")
  fi
}

fail_start() {
  local dir=$1 what=$2 log=$3
  echo "postgres.sh: $what failed" >&2
  if [ -s "$log" ]; then echo "--- $log:" >&2; cat "$log" >&2; fi
  run_as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 1
}

main() {
  case "${1:-}" in
    start)
      bin=$(find_bin) || {
        install_pg || echo "postgres.sh: installing PostgreSQL failed" >&2
        bin=$(find_bin) || { echo "postgres.sh: no PostgreSQL server binaries (initdb) found" >&2; exit 1; }
      }
      dir=$(mktemp -d /tmp/adwarden-pg.XXXXXX)
      if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
      run_as_pg "$bin/initdb" -D "$dir/data" -U adwarden --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || fail_start "$dir" "initdb" "$dir/initdb.log"
      run_as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 120 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${ADWARDEN_PG_EXTRA_OPTS:-}" \
        start >/dev/null 2>&1 || fail_start "$dir" "pg_ctl start" "$dir/log"
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
}

# Sourcing the file (for testing its functions) defines them without running anything.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
