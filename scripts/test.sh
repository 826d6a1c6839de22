#!/usr/bin/env bash
# The whole test command: static checks, then the test suite on SQLite and PostgreSQL (and Spark local mode).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-venv.sh
V=.venv/bin
echo "== ruff"; "$V/ruff" check src tests bench
echo "== mypy"; "$V/mypy"
echo "== java (for the Spark tests)"; bash scripts/ensure-java.sh >&2
echo "== fonts (for the PDF summaries)"; bash scripts/ensure-fonts.sh >&2
echo "== chromium (for the console's browser tests)"; bash scripts/ensure-chromium.sh >&2
pg_dir=""
# An if, not `[ ... ] && ...`: the trap's status becomes the script's, so a false test would fail a good run.
cleanup() {
  if [ -n "$pg_dir" ]; then bash scripts/postgres.sh stop "$pg_dir"; fi
}
trap cleanup EXIT
if [ -z "${ADWARDEN_TEST_POSTGRES_URL:-}" ]; then
  out=$(bash scripts/postgres.sh start)
  export ADWARDEN_TEST_POSTGRES_URL="${out%%|*}"
  pg_dir="${out##*|}"
fi
echo "== pytest (PostgreSQL at ${ADWARDEN_TEST_POSTGRES_URL})"
"$V/pytest" -q -p no:cacheprovider "$@"
