#!/usr/bin/env bash
# `npm ci`, skipped when node_modules already holds exactly what package-lock.json names (a stamp of its
# sha256 is written after a successful install).
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=node_modules/.package-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "node_modules matches package-lock.json."
  exit 0
fi
npm ci --no-audit --no-fund
echo "$want" >"$stamp"
