#!/usr/bin/env bash
# Installs the template scanners that `npm test` runs (checkov, cfn-lint; test/scanners/) into
# .venv-scanners/, exactly as requirements.txt beside this script pins them (versions and hashes), from
# PyPI. Idempotent: a venv built from the same requirements.txt is kept, so later runs take milliseconds.
# Prints the venv's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$(cd "$here/../.." && pwd)/.venv-scanners"
requirements="$here/requirements.txt"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
stamp="$venv/requirements.sha256"

# Two test runs starting at once must not build the same venv together.
exec 9>"$venv.lock"
flock 9
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "Installing checkov and cfn-lint into $venv (once; about a minute)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  # --no-deps: requirements.txt is the complete, compiled set; --require-hashes: nothing else is installed.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
echo "$venv"
