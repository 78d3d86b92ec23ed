#!/usr/bin/env bash
# Reproduces docs/screenshots/kcachegrind-diff.png (README "Compare two runs"): the diff
# fixtures' first run and the changed copy (tests/integration/fixtures/diff) compared with
# `pyprof diff --to callgrind`, opened in KCachegrind by kcachegrind.sh (the flat profile by the Base event, the call
# graph of `main`).
# Builds the packages it runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIXTURES=$ROOT/tests/integration/fixtures/diff
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && node_modules/.bin/pnpm run build >/dev/null)
node "$ROOT/apps/cli/dist/cli.js" diff "$FIXTURES/run1.py312.prof" "$FIXTURES/changed.py312.prof" \
  --to callgrind -o "$WORK/callgrind.out.shop-diff" -q
"$ROOT/scripts/screenshots/kcachegrind.sh" "$WORK/callgrind.out.shop-diff" \
  "${1:-$ROOT/docs/screenshots/kcachegrind-diff.png}" main
