#!/usr/bin/env bash
# Installs Debian's chromium, the headless browser the encryption report's page is tested in
# (report/test/render/, driven by playwright-core, which downloads no browser). Nothing is installed when
# /usr/bin/chromium is already there; sudo is used only when not run as root.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "Chromium: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
echo "Installing chromium"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
echo "Chromium: $(/usr/bin/chromium --version)"
