#!/usr/bin/env bash
# Installs what the language check (`npx projen test:languages`) needs and this machine lacks, from Debian's
# packages: Python's venv module (jsii-pacmak and the Python app make virtual environments), a JDK and Maven
# (the Java package and app), and Go (the Go package and app; the app's go.mod needs Go 1.26 or newer). Nothing is
# installed where the command already works. .NET is not installed: NuGet, which its build restores from, is
# not reachable here (docs/decisions/0019-languages-in-ci.md).
set -euo pipefail

missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v javac >/dev/null || missing+=(default-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v go >/dev/null || missing+=(golang-go)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "$go_minor" -lt 26 ]; then
  echo "Go $(go env GOVERSION) is older than the 1.26 the Go app needs (its go.mod): install a newer Go." >&2
  exit 1
fi
echo "Toolchains: $(python3 --version), javac $(javac -version 2>&1 | cut -d' ' -f2), $(go env GOVERSION), $(command -v mvn)"
