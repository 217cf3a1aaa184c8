#!/bin/sh
# gui_test.sh - the live window for real: under an X server (Xvfb started here on a free display
# unless DISPLAY already works), render, take screenshots and check their pixels against the layout
# (gui_pixels); also the no-display error, --stats and option errors.
# Exits 77 (skipped) only when no X server can be started at all.
# usage: gui_test.sh PATH/TO/convscope PATH/TO/gui_pixels
set -u
exe="$1"
pixels="$2"
tmp=$(mktemp -d)
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Mesa's drivers keep allocations until exit that LeakSanitizer reports as leaks: leak checking
# is off for the window's runs only (AddressSanitizer itself stays on).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

# Without a display: a clear error and exit 1 (checked before any X server is up).
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$exe" gui --dataset shapes >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
if [ "$rc" -eq 1 ] && grep -q "display" "$tmp/err"; then echo "ok: no display gives exit 1 and says so"; else
    fail "no display: exit $rc"; head -3 "$tmp/err"; fi

"$exe" gui --view nonsense >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: unknown view is a usage error" || fail "--view nonsense: exit $rc, want 2"
"$exe" gui --size 12 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: bad --size is a usage error" || fail "--size 12: exit $rc, want 2"
"$exe" gui --script "5 key nosuchkey" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: bad --script is a usage error" || fail "--script: exit $rc, want 2"

# An X server: Xvfb on the first free display number.
if ! command -v Xvfb >/dev/null 2>&1; then
    echo "SKIP: Xvfb is not installed"
    exit 77
fi
n=90
while [ $n -lt 160 ]; do
    if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then
        Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
        xvfb_pid=$!
        i=0
        while [ $i -lt 50 ] && [ ! -e "/tmp/.X11-unix/X$n" ] && kill -0 "$xvfb_pid" 2>/dev/null; do
            sleep 0.1; i=$((i + 1)); done
        if [ -e "/tmp/.X11-unix/X$n" ]; then break; fi
        kill "$xvfb_pid" 2>/dev/null; xvfb_pid=
    fi
    n=$((n + 1))
done
if [ -z "$xvfb_pid" ]; then
    echo "SKIP: could not start Xvfb"; cat "$tmp/xvfb.log"
    exit 77
fi
export DISPLAY=":$n"
echo "Xvfb on $DISPLAY"

# shot NAME ARGS...: one run that must exit 0 and write $tmp/NAME.png
shot() {
    name="$1"; shift
    "$exe" gui --dataset shapes --screenshot "$tmp/$name.png" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
    rc=$?
    if [ "$rc" -ne 0 ] || [ ! -s "$tmp/$name.png" ]; then
        fail "$name: exit $rc, screenshot missing"; sed 's/^/  /' "$tmp/$name.err" | head -10
    else
        echo "ok: $name screenshot"
    fi
}

# Two screenshots of one training run, the second a second later; then the help overlay.
shot late --size 1280x720 --frames 100 --script "40 shot $tmp/early.png" --stats
[ -s "$tmp/early.png" ] && echo "ok: scripted screenshot" || fail "scripted screenshot missing"
grep -q "screenshot: $tmp/late.png" "$tmp/late.out" && echo "ok: screenshot path printed" ||
    fail "screenshot path not printed"
stats=$(grep '^{' "$tmp/late.out")
for key in frames frame_ms_mean frame_ms_p95 train_images_per_sec; do
    echo "$stats" | grep -q "\"$key\": [0-9]" && echo "ok: --stats has $key" || fail "--stats lacks $key: $stats"
done
shot help --size 1280x720 --frames 12 --script "4 key h"
if [ -s "$tmp/early.png" ] && [ -s "$tmp/late.png" ] && [ -s "$tmp/help.png" ]; then
    "$pixels" mnist "$tmp/early.png" "$tmp/late.png" "$tmp/help.png" || fail "pixel checks at 1280x720"
fi

# 1920x1080 (a projector-sized window; layout scale 1.5), with a kernel hovered.
shot big1 --size 1920x1080 --frames 30 --script "20 shot $tmp/big0.png"
shot bighelp --size 1920x1080 --frames 12 --script "4 key F1"
if [ -s "$tmp/big0.png" ] && [ -s "$tmp/big1.png" ] && [ -s "$tmp/bighelp.png" ]; then
    "$pixels" mnist "$tmp/big0.png" "$tmp/big1.png" "$tmp/bighelp.png" || fail "pixel checks at 1920x1080"
fi

# Divergence: a huge learning rate pauses training and says so; the program keeps running.
shot diverge --size 1280x720 --frames 60 --lr 1000
grep -q "diverged" "$tmp/diverge.err" "$tmp/diverge.out" 2>/dev/null || true

if [ -n "${CONVSCOPE_KEEP_SHOTS:-}" ]; then mkdir -p "$CONVSCOPE_KEEP_SHOTS" && cp "$tmp"/*.png "$CONVSCOPE_KEEP_SHOTS"/; fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
