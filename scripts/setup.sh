#!/usr/bin/env bash
# Creates the virtual environment at .venv/ and installs one pinned requirements set (idempotent):
#   render  what `manage.py render_video` needs (README command 1; no server, storage or test packages)
#   base    everything the app runs with in production (web server, workers, S3 storage, health checks)
#   dev     base + the test tools (pytest, Playwright's Python package, a local S3 server, ruff); the default
# Each is a superset of the one before, so a later, larger set installs on top of a smaller one.
set -euo pipefail
cd "$(dirname "$0")/.."
set_name="${1:-dev}"
case "$set_name" in render|base|dev) ;; *) echo "usage: $0 [render|base|dev]" >&2; exit 2 ;; esac
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.requirements-$set_name.sha"
want=$(sha256sum "requirements/$set_name.txt" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "requirements/$set_name.txt"
  echo "$want" > "$stamp"
fi
