#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the console's browser tests (Playwright drives it through
# executable_path; no browser is ever downloaded). Time-bounded; needs root or apt-get rights when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing and apt-get is not available: install Debian's chromium package" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing Debian's chromium for the browser tests" >&2
timeout 600 $SUDO apt-get install -y --no-install-recommends chromium >&2 || {
  timeout 300 $SUDO apt-get update >&2
  timeout 600 $SUDO apt-get install -y --no-install-recommends chromium >&2
}
test -x /usr/bin/chromium
