#!/usr/bin/env bash
# Create .venv and install AdWarden with every extra the tests need, at the versions pinned in constraints.txt
# (a clean machine once got a newer Starlette whose test client the suite had never run with). Re-runs only when
# pyproject.toml or constraints.txt changed.
# On a stock Debian machine `python3 -m venv` fails (after creating a venv without pip) until python3-venv,
# which provides ensurepip, is installed: as root that package is installed (time-bounded) and the venv
# completed; otherwise the error says what to install. An existing venv is never deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

has_pip() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

install_venv_package() {
  local ver
  ver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  echo "ensure-venv.sh: python3 -m venv needs ensurepip; installing python3-venv from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq >&2 || true
  timeout 600 apt-get install -y -qq python3-venv >&2 \
    || timeout 600 apt-get install -y -qq "python$ver-venv" >&2
}

ensure_venv() {
  has_pip && return 0
  # Creates the venv, or completes one a failed run left without pip (venv on an existing directory adds pip).
  python3 -m venv "$VENV" >&2 && has_pip && return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    echo "ensure-venv.sh: 'python3 -m venv' failed; install python3-venv (sudo apt-get install python3-venv)" >&2
    return 1
  fi
  install_venv_package || { echo "ensure-venv.sh: could not install python3-venv" >&2; return 1; }
  python3 -m venv "$VENV" >&2 && has_pip
}

stamp="$VENV/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  ensure_venv
  timeout 900 "$VENV/bin/python" -m pip install -q -U pip
  timeout 1800 "$VENV/bin/python" -m pip install -q -c constraints.txt -e '.[dev,postgres,spark]'
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
