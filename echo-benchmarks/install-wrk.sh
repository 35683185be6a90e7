#!/usr/bin/env bash
# Installs wrk, the HTTP workloads' load generator (Debian package wrk), when it is missing.
# Run as root; otherwise it only says what to run. ./echo.sh bench calls it.
set -euo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-wrk.sh: wrk is missing and this is not root; the HTTP workloads will be UNAVAILABLE. Install it with: sudo apt-get install -y wrk" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-wrk.sh: wrk is missing and there is no apt-get here; install wrk 4.x by hand" >&2
  exit 0
fi
echo "install-wrk.sh: installing wrk (apt-get install -y wrk)" >&2
apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; } || \
  echo "install-wrk.sh: apt-get could not install wrk; the HTTP workloads will be UNAVAILABLE" >&2
