#!/usr/bin/env bash
# Sets up .venv with what rendering needs (requirements/render.txt, once) and renders a showcase video from
# the example photos: no Shopify account, no database, no system packages.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh render
mkdir -p out
.venv/bin/python manage.py render_video \
  examples/photos/slipon-blue-side.png examples/photos/slipon-blue-top.png \
  examples/photos/slipon-blue-pair-angle.png \
  --title "Blue Slip-On Sneakers" --price 48.00 --compare-at 60.00 --currency USD \
  -o out/showcase.mp4 --poster out/showcase.jpg "$@"
