#!/bin/sh
# gui_matrix.sh - every view of the window at every size and scale, checked from its --dump-text:
# sizes {1024x600, 1280x720, 1920x1080, 2560x1440} x --scale {1, 1.5, 2, 2.5} x views {training,
# step, help overlay, enlarged map}, plain and presenting. One window per view and mode walks the
# 16 sizes and scales through --script (`size`, `scale`, `dump`), so the resizes are real and the
# layout follows each one; every dump must pass dump_text_check (no overlaps, no text outside its
# box, no empty number cell, no text under the minimum size). Presenter frames are also checked in
# their pixels: text reaches 7:1 contrast. Then: fullscreen on, off, on lays out for the real
# drawable size each time, and a click on a map enlarges it (a second click returns).
# Everything runs in lockstep (a script implies it): no timing, any machine.
# Exits 77 (skipped) only when no X server can be started.
# usage: gui_matrix.sh PATH/TO/convscope PATH/TO/dump_text_check
set -u
exe="$1"
check="$2"
tmp=$(mktemp -d)
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

. "$(dirname "$0")/xvfb.sh"
# a screen as large as the largest window (fullscreen covers all of it)
start_xvfb 160 230 2560x1440x24
start=$(date +%s)

sizes="1024x600 1280x720 1920x1080 2560x1440"
scales="1 1.5 2 2.5"

# matrix VIEW MODE FIRST ARGS...: one window through all sizes and scales (MODE plain or
# present); FIRST is a script item for frame 1 (the help key, an enlarge), ARGS more options
matrix() {
    view="$1"; mode="$2"; first="$3"; shift 3
    script="$first" f=2
    for sz in $sizes; do for sc in $scales; do
        tag="${view}_${mode}_${sz}_${sc}"
        script="$script; $f size $sz; $f scale $sc; $((f + 2)) dump $tmp/$tag.json"
        [ "$mode" = present ] && script="$script; $((f + 2)) shot $tmp/$tag.png"
        f=$((f + 3))
    done; done
    present=""
    [ "$mode" = present ] && present="--present"
    # shellcheck disable=SC2086
    "$exe" gui --dataset shapes --limit 600 --size 1280x720 $present "$@" --screenshot "$tmp/${view}_${mode}_last.png" \
        --frames $((f + 1)) --script "${script#; }" >"$tmp/$view.$mode.out" 2>"$tmp/$view.$mode.err" </dev/null
    rc=$?
    [ "$rc" -eq 0 ] || { fail "$view $mode: exit $rc"; sed 's/^/  /' "$tmp/$view.$mode.err" | head -5; }
    min=0
    [ "$view" = step ] && min=147 # window, kernel and products: 49 numbers each
    # the backprop view's phases: 2 (the table: 8 classes x 4 columns and L), 5 (a 5x5 filter and
    # the sum), 6 (four 5x5 grids and the rate)
    dview="$view"
    case "$view" in backprop*) dview=backprop ;; esac
    [ "$view" = backprop2 ] && min=33
    [ "$view" = backprop5 ] && min=27
    [ "$view" = backprop6 ] && min=101
    for sz in $sizes; do for sc in $scales; do
        tag="${view}_${mode}_${sz}_${sc}"
        if [ ! -s "$tmp/$tag.json" ]; then fail "$tag: no dump"; continue; fi
        "$check" frame "$tmp/$tag.json" "${sz%x*}" "${sz#*x}" >"$tmp/$tag.frame" ||
            { fail "$tag: frame"; sed 's/^/  /' "$tmp/$tag.frame"; }
        "$check" check "$tmp/$tag.json" --view "$dview" --min-values $min >"$tmp/$tag.check" ||
            { fail "$tag: text"; sed 's/^/  /' "$tmp/$tag.check" | head -12; }
        if [ "$mode" = present ] && [ -s "$tmp/$tag.png" ]; then
            "$check" contrast "$tmp/$tag.json" "$tmp/$tag.png" 7 >"$tmp/$tag.contrast" ||
                { fail "$tag: contrast"; sed 's/^/  /' "$tmp/$tag.contrast" | head -6; }
        fi
    done; done
    echo "ok: $view $mode: $(ls "$tmp"/"${view}_${mode}"_*.json 2>/dev/null | wc -l) frames dumped"
}

for mode in plain present; do
    matrix train "$mode" ""
    matrix step "$mode" "" --view step
    matrix help "$mode" "1 key h"
    matrix enlarged "$mode" "1 enlarge map pool1 3"
    for phase in 2 5 6; do matrix "backprop$phase" "$mode" "1 key $phase" --view backprop; done
done
"$check" minpx "$tmp"/*_1920x1080_1.json | sed 's|.*/||' >"$tmp/minpx.txt"
sed 's/^/  smallest text: /' "$tmp/minpx.txt"

# Fullscreen on, off, on: each time the frame (and the screenshot) is the real drawable size.
"$exe" gui --dataset shapes --limit 600 --size 1280x720 --screenshot "$tmp/fs_last.png" --frames 30 \
    --script "4 key f; 8 dump $tmp/fs1.json; 8 shot $tmp/fs1.png; 10 key f; 14 dump $tmp/fs2.json; 14 shot $tmp/fs2.png; \
16 key f; 20 dump $tmp/fs3.json; 20 shot $tmp/fs3.png" >"$tmp/fs.out" 2>&1 </dev/null || fail "fullscreen run"
for step in "fs1 2560 1440" "fs2 1280 720" "fs3 2560 1440"; do
    set -- $step
    "$check" frame "$tmp/$1.json" "$2" "$3" >"$tmp/$1.frame" || { fail "$1: layout not for ${2}x$3"; cat "$tmp/$1.frame"; }
    "$check" check "$tmp/$1.json" --view train >/dev/null || fail "$1: text"
done
echo "ok: fullscreen on, off, on"

# Click to enlarge: the dump says where map conv1 3 is; a click there enlarges it, a second click returns.
"$exe" gui --dataset shapes --limit 600 --size 1920x1080 --screenshot "$tmp/t0.png" --frames 4 \
    --dump-text "$tmp/t0.json" >/dev/null 2>&1 </dev/null || fail "targets run"
xy=$("$check" point "$tmp/t0.json" "map conv1 3") || fail "no target map conv1 3"
set -- $xy
"$exe" gui --dataset shapes --limit 600 --size 1920x1080 --screenshot "$tmp/t3.png" --frames 12 \
    --script "4 click $1 $2; 6 dump $tmp/t1.json; 8 click $1 $2; 10 dump $tmp/t2.json" >/dev/null 2>&1 </dev/null ||
    fail "click run"
"$check" check "$tmp/t1.json" --view enlarged --contains "activation map 3 of 8" >/dev/null ||
    fail "a click on map conv1 3 does not enlarge it"
"$check" check "$tmp/t2.json" --view train >/dev/null || fail "a second click does not return"
"$exe" gui --dataset shapes --limit 600 --size 1920x1080 --screenshot "$tmp/t4.png" --frames 8 \
    --script "2 enlarge output; 4 key Escape; 6 dump $tmp/t4.json" >/dev/null 2>&1 </dev/null || fail "Esc run"
"$check" check "$tmp/t4.json" --view train >/dev/null || fail "Esc does not return from an enlarged panel"
echo "ok: click, second click and Esc"

# A folder-sized dataset (10 images: an epoch every step) and a diverging run (--lr 100: huge
# values in the column ranges, the banner over the strip): still no overlaps, and epoch labels
# thinned to one per ~30 px (400 epochs on plots a few hundred pixels wide).
"$exe" gui --dataset shapes --limit 10 --batch 10 --size 1920x1080 --screenshot "$tmp/small.png" --frames 400 \
    --dump-text "$tmp/small.json" >/dev/null 2>&1 </dev/null || fail "small dataset run"
"$check" check "$tmp/small.json" --view train >"$tmp/small.check" || { fail "small dataset text"; cat "$tmp/small.check"; }
labels=$(grep -c '"text": "e[0-9]*",' "$tmp/small.json")
[ "$labels" -le 40 ] && echo "ok: 400 epochs, $labels epoch labels" || fail "$labels epoch labels for 400 epochs"
"$exe" gui --dataset shapes --limit 600 --lr 100 --size 1280x720 --screenshot "$tmp/lr100.png" --frames 20 \
    --dump-text "$tmp/lr100.json" >/dev/null 2>&1 </dev/null || fail "--lr 100 run"
"$check" check "$tmp/lr100.json" --view train --contains "Training diverged" >"$tmp/lr100.check" ||
    { fail "--lr 100 text"; cat "$tmp/lr100.check"; }

echo "matrix wall time: $(($(date +%s) - start)) s"
if [ -n "${CONVSCOPE_KEEP_SHOTS:-}" ]; then mkdir -p "$CONVSCOPE_KEEP_SHOTS" && cp "$tmp"/*.png "$tmp"/*.json "$CONVSCOPE_KEEP_SHOTS"/; fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
