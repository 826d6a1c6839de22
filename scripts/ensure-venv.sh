#!/usr/bin/env bash
# Create .venv and install AdWarden with every extra the tests need. Re-runs only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  timeout 900 "$VENV/bin/python" -m pip install -q -U pip
  timeout 1800 "$VENV/bin/python" -m pip install -q -e '.[dev,postgres,spark]'
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
