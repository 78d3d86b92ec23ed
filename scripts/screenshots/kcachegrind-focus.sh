#!/usr/bin/env bash
# Reproduces docs/screenshots/kcachegrind-focus.png (README "Focus on what matters"): the
# diff fixtures' changed program (tests/integration/fixtures/diff/changed.py312.prof)
# converted with `--focus tax --hide-profiler`, opened in KCachegrind by kcachegrind.sh:
# only the stacks through tax() are left, exec and the profiler's frames hidden.
# Builds the packages it runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && node_modules/.bin/pnpm run build >/dev/null)
node "$ROOT/apps/cli/dist/cli.js" convert "$ROOT/tests/integration/fixtures/diff/changed.py312.prof" \
  --to callgrind --focus tax --hide-profiler -o "$WORK/callgrind.out.shop-focus-tax" -q
"$ROOT/scripts/screenshots/kcachegrind.sh" "$WORK/callgrind.out.shop-focus-tax" \
  "${1:-$ROOT/docs/screenshots/kcachegrind-focus.png}" main
