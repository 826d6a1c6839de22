#!/usr/bin/env bash
# Make sure the TrueType fonts the PDF summaries embed are installed (adwarden.documents.pdf):
# DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew...) and Droid Sans Fallback (CJK), from Debian's packages.
# Without them PDFs still build, but show only Latin-1 (other characters as <U+XXXX>). Bounded in time.
set -euo pipefail

have() { [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ]; }
if have; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-fonts: fonts missing and apt-get is not available; install DejaVu Sans and Droid Sans Fallback" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
timeout 300 $SUDO apt-get update -qq
timeout 600 $SUDO apt-get install -y -qq --no-install-recommends fonts-dejavu-core fonts-droid-fallback
have || { echo "ensure-fonts: fonts still missing after install" >&2; exit 1; }
