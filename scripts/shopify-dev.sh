#!/usr/bin/env bash
# Run by `shopify app dev` (shopify.web.toml): migrations, one django-q2 worker, and Django's development
# server on the port the CLI hands over. The CLI's tunnel forwards the admin's requests to it.
set -euo pipefail
cd "$(dirname "$0")/.."
# The CLI names the tunnel URL HOST / APP_URL and the scopes SCOPES (its web process environment).
export SHOPIFY_APP_URL="${SHOPIFY_APP_URL:-${APP_URL:-${HOST:-http://127.0.0.1:${PORT:-8000}}}}"
export SHOPIFY_SCOPES="${SHOPIFY_SCOPES:-${SCOPES:-read_products,write_products,write_files}}"
./scripts/setup.sh base
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py qcluster &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
.venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
