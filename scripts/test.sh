#!/usr/bin/env bash
# Sets up .venv (once) and runs the whole test suite: lint, then pytest against SQLite + the ORM broker,
# then against PostgreSQL (127.0.0.1:5432) + the Redis broker (127.0.0.1:6379). Fails when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/ruff check .
echo "== pytest: SQLite, ORM broker =="
env -u DATABASE_URL -u REDIS_URL .venv/bin/python -m pytest "$@"
echo "== pytest: PostgreSQL, Redis broker =="
DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/showreel}" \
REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}" \
  .venv/bin/python -m pytest "$@"
