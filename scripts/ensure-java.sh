#!/usr/bin/env bash
# Make sure a Java runtime is on PATH for the Spark job (pyspark needs Java 17+).
# Installs Debian's default-jre-headless with apt-get when `java` is missing; bounded in time so CI never hangs.
set -euo pipefail

if command -v java >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-java: java is missing and apt-get is not available; install a Java 17+ runtime" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
timeout 300 $SUDO apt-get update -qq
timeout 600 $SUDO apt-get install -y -qq --no-install-recommends default-jre-headless
command -v java >/dev/null 2>&1 || { echo "ensure-java: java still missing after install" >&2; exit 1; }
java -version 2>&1 | head -1
