#!/usr/bin/env bash
# Sets up a fresh Debian 12 + Node 20 machine for ccbox: the Debian packages the tests and the
# simulators use, then the npm packages (better-sqlite3 compiles from source: about 2 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(socat espeak-ng sox mosquitto)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
  echo "setup: installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi
echo "setup: done"
