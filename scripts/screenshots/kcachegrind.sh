#!/usr/bin/env bash
# Reproduces the KCachegrind screenshot(s) in docs/screenshots/: a corpus profile is
# converted to callgrind and opened in Debian's real KCachegrind on a virtual screen, and
# the screen is captured. The default shows the decorators profile with `main` selected:
# the flat profile lists both closures named `decorated` (21 and 7 calls) and the call
# graph shows each with its own caller and callees.
#
#   scripts/screenshots/kcachegrind.sh [INPUT.prof] [OUT.png] [FUNCTION] [converter options…]
#
# An INPUT named callgrind.out.* is opened as it is (scripts/screenshots/kcachegrind-diff.sh
# makes one with `pyprof diff`).
#
# KCACHEGRIND_TAB=callees shows the lower pane's callee list instead of the call graph
# (which leaves out callees below its cost threshold).
# Needs (installed when missing, as root): kcachegrind xvfb xauth dbus-x11 imagemagick
# xdotool. Builds the packages it runs. KCachegrind's settings live in a throw-away
# XDG_CONFIG_HOME (tips off), so the user's own settings are neither read nor changed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
INPUT=${1:-$ROOT/packages/input-cprofile/test/fixtures/pstats/py312/decorators.cprofile.prof}
OUT=${2:-$ROOT/docs/screenshots/kcachegrind-decorators.png}
SELECT=${3:-main}
shift $(($# < 3 ? $# : 3))
GEOMETRY=1400x900
case ${KCACHEGRIND_TAB:-graph} in
  callees) TAB_X=438 ;;
  *) TAB_X=521 ;;
esac
WAIT=${KCACHEGRIND_WAIT:-8}

missing=()
for tool in kcachegrind xvfb-run xauth dbus-run-session import xdotool; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "installing viewer tools (missing: ${missing[*]})" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcachegrind xvfb xauth dbus-x11 imagemagick xdotool >/dev/null
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
NAME=callgrind.out.$(basename "$INPUT")
if [[ $(basename "$INPUT") == callgrind.out.* ]]; then
  # Already callgrind (e.g. a `pyprof diff --to callgrind` output): shown as it is.
  NAME=$(basename "$INPUT")
  cp "$INPUT" "$WORK/$NAME"
else
  "$ROOT/scripts/screenshots/convert-callgrind.sh" "$INPUT" "$WORK/$NAME" "$@"
fi

mkdir -p "$WORK/config" "$(dirname "$OUT")"
printf '[TipOfDay]\nRunOnStart=false\n' >"$WORK/config/kcachegrindrc"

# Inside the virtual screen: start KCachegrind, select the function with the flat
# profile's search box unless it is `main` (KCachegrind selects `main` by itself), show
# the call graph of the selection, capture.
cat >"$WORK/inside.sh" <<INSIDE
set -eu
kcachegrind -qwindowgeometry $GEOMETRY+0+0 "$WORK/$NAME" >"$WORK/kcachegrind.log" 2>&1 &
pid=\$!
sleep $WAIT
if [ -n "$SELECT" ] && [ "$SELECT" != "main" ]; then
  window=\$(xdotool search --sync --onlyvisible --class kcachegrind | head -1)
  xdotool windowactivate --sync "\$window" key ctrl+f
  sleep 1
  xdotool type --delay 50 "$SELECT"
  sleep 1
  xdotool key Return
  sleep 2
fi
# The lower pane's "Call Graph" (or "Callees") tab, then the splitter above it dragged up
# so that pane gets most of the height (fixed positions at this window size).
xdotool mousemove $TAB_X 856 click 1
sleep 1
xdotool mousemove 870 477 mousedown 1 mousemove 870 300 mousemove 870 200 mouseup 1
sleep 3
import -window root "$WORK/shot.png"
kill \$pid
INSIDE
XDG_CONFIG_HOME="$WORK/config" xvfb-run -a -s "-screen 0 ${GEOMETRY}x24" \
  dbus-run-session bash "$WORK/inside.sh"
cp "$WORK/shot.png" "$OUT"
echo "wrote $OUT (from $NAME)"
