#!/usr/bin/env bash
# Converts one profile to callgrind for the screenshot and benchmark scripts: with the
# CLI when it is built and knows `--to callgrind`, else with a small Node harness over
# the built packages (core, readers, @pyprof/output-callgrind).
#
#   scripts/screenshots/convert-callgrind.sh INPUT OUTPUT [converter options as key=value…]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
INPUT=$1
OUTPUT=$2
shift 2
CLI=$ROOT/apps/cli/dist/cli.js
flags=()
for option in "$@"; do flags+=("--${option%%=*}" "${option#*=}"); done
if [ -f "$CLI" ] && node "$CLI" convert "$INPUT" --to callgrind ${flags[@]+"${flags[@]}"} -o "$OUTPUT" 2>/dev/null; then
  exit 0
fi
(cd "$ROOT" && npx pnpm --filter '@pyprof/output-callgrind...' --filter '@pyprof/input-cprofile...' build >/dev/null)
node "$ROOT/scripts/screenshots/convert-callgrind.mjs" "$INPUT" "$OUTPUT" "$@"
