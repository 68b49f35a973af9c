#!/usr/bin/env bash
# Sets up .venv with the test tools (requirements/dev.txt, once; it includes moto, the S3-compatible server
# the storage tests start on loopback), Debian's Chromium and a CJK font for the browser tests, then runs
# the whole test suite: lint, then pytest against SQLite + the ORM broker, then against PostgreSQL
# (127.0.0.1:5432) + the Redis broker (127.0.0.1:6379). Fails when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh dev
# The browser tests (tests/ui/) drive Debian's Chromium (never `playwright install`), with a CJK font so
# Chinese text in the screenshots is readable; installed once, only when missing and we are root.
if { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; } && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
.venv/bin/ruff check .
echo "== pytest: SQLite, ORM broker =="
env -u DATABASE_URL -u REDIS_URL .venv/bin/python -m pytest "$@"
echo "== pytest: PostgreSQL, Redis broker =="
DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/showreel}" \
REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}" \
  .venv/bin/python -m pytest "$@"
