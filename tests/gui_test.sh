#!/bin/sh
# gui_test.sh - the live window for real: under an X server (Xvfb started here on a free display
# unless DISPLAY already works), render, take screenshots and check their pixels against the layout
# (gui_pixels); also the no-display error, --stats and option errors.
# Every scripted run here is in lockstep (--screenshot and --script imply --lockstep 1): frame F
# shows training step F, however fast the machine trains, so no check depends on timing. One replay
# runs with both cores kept busy by other processes and must show the very same frame.
# Exits 77 (skipped) only when no X server can be started at all.
# usage: gui_test.sh PATH/TO/convscope PATH/TO/gui_pixels
set -u
exe="$1"
pixels="$2"
tmp=$(mktemp -d)
xvfb_pid=
busy1=
busy2=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    [ -n "$busy1" ] && kill "$busy1" 2>/dev/null
    [ -n "$busy2" ] && kill "$busy2" 2>/dev/null
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
# A display named where no server answers: said as that, exit 1
env -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER DISPLAY=":987" "$exe" gui --dataset shapes >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
if [ "$rc" -eq 1 ] && grep -q "cannot open display ':987'" "$tmp/err"; then echo "ok: a display with no server: exit 1, named"; else
    fail "display with no server: exit $rc"; head -3 "$tmp/err"; fi

"$exe" gui --frames 5 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: --frames without --screenshot is a usage error" || fail "--frames alone: exit $rc, want 2"
"$exe" gui --lockstep 100000 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: --lockstep past 1000 is a usage error" || fail "--lockstep 100000: exit $rc, want 2"
"$exe" gui --view nonsense >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: unknown view is a usage error" || fail "--view nonsense: exit $rc, want 2"
"$exe" gui --size 12 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: bad --size is a usage error" || fail "--size 12: exit $rc, want 2"
"$exe" gui --script "5 key h; 30 key nosuchkey" >/dev/null 2>"$tmp/script.err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "item 2 '30 key nosuchkey': unknown key 'nosuchkey'" "$tmp/script.err" &&
    echo "ok: a bad --script token is a usage error naming the item and token" ||
    { fail "--script: exit $rc, want 2 and the token named"; head -2 "$tmp/script.err"; }
"$exe" gui --lockstep -1 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: bad --lockstep is a usage error" || fail "--lockstep -1: exit $rc, want 2"

# An X server: Xvfb on the first free display number.
. "$(dirname "$0")/xvfb.sh"
start_xvfb 90 160 1920x1080x24
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

# Two screenshots of one training run, at frames 40 and 99 (steps 40 and 99); then the help overlay.
shot late --size 1280x720 --frames 100 --script "40 shot $tmp/early.png" --stats
[ -s "$tmp/early.png" ] && echo "ok: scripted screenshot" || fail "scripted screenshot missing"
grep -q "screenshot: $tmp/late.png" "$tmp/late.out" && echo "ok: screenshot path printed" ||
    fail "screenshot path not printed"
stats=$(grep '^{' "$tmp/late.out")
for key in frames frame_ms_mean frame_ms_p95 train_images_per_sec; do
    echo "$stats" | grep -q "\"$key\": [0-9]" && echo "ok: --stats has $key" || fail "--stats lacks $key: $stats"
done
echo "$stats" | grep -q '"steps": 99, .*"lockstep": 1' && echo "ok: the last of 100 frames shows step 99" ||
    fail "lockstep: want step 99 after 100 frames: $stats"

# The same script again, on 2 training threads and with both cores kept busy by two other
# processes: the same frame, pixel for pixel, in every panel that shows the training state.
sh -c 'while :; do :; done' & busy1=$!
sh -c 'while :; do :; done' & busy2=$!
shot replay --size 1280x720 --frames 100 --threads 2
kill "$busy1" "$busy2" 2>/dev/null; wait "$busy1" "$busy2" 2>/dev/null; busy1= busy2=
if [ -s "$tmp/late.png" ] && [ -s "$tmp/replay.png" ]; then
    "$pixels" same mnist "$tmp/late.png" "$tmp/replay.png" || fail "a loaded replay on 2 threads shows another frame"
fi
shot help --size 1280x720 --frames 12 --script "4 key h"
if [ -s "$tmp/early.png" ] && [ -s "$tmp/late.png" ] && [ -s "$tmp/help.png" ]; then
    "$pixels" mnist "$tmp/early.png" "$tmp/late.png" "$tmp/help.png" || fail "pixel checks at 1280x720"
fi

# 1920x1080 (a projector-sized window; layout scale 1.5): two screenshots over a second apart,
# so a slow (sanitizer) build still trains in between.
shot big1 --size 1920x1080 --frames 90 --script "20 shot $tmp/big0.png"
shot bighelp --size 1920x1080 --frames 12 --script "4 key F1"
if [ -s "$tmp/big0.png" ] && [ -s "$tmp/big1.png" ] && [ -s "$tmp/bighelp.png" ]; then
    "$pixels" mnist "$tmp/big0.png" "$tmp/big1.png" "$tmp/bighelp.png" || fail "pixel checks at 1920x1080"
fi

# The timeline. Record 0 is the state before the first step: scrubbing to it (Home, or a click at
# the track's start) shows the kernels a paused start shows, and not the live ones.
# A higher learning rate moves the live kernels clearly away from the start even on a slow machine.
shot tlstart --size 1280x720 --frames 20 --paused --lr 0.05
shot tlhome --size 1280x720 --frames 140 --lr 0.05 --history-every 1 --script "110 shot $tmp/tllive.png; 120 key Home"
set -- $("$pixels" point mnist 1280x720 track-start)
shot tlclick --size 1280x720 --frames 140 --lr 0.05 --script "120 click $1 $2"
if [ -s "$tmp/tlstart.png" ] && [ -s "$tmp/tlhome.png" ] && [ -s "$tmp/tllive.png" ] && [ -s "$tmp/tlclick.png" ]; then
    "$pixels" timeline mnist live "$tmp/tllive.png" || fail "timeline while live"
    "$pixels" timeline mnist scrubbed "$tmp/tlhome.png" || fail "timeline scrubbed to record 0"
    "$pixels" kernels mnist same "$tmp/tlstart.png" "$tmp/tlhome.png" || fail "record 0 shows the initial kernels"
    "$pixels" kernels mnist same "$tmp/tlstart.png" "$tmp/tlclick.png" || fail "a click at the track's start shows them"
    "$pixels" kernels mnist differ "$tmp/tllive.png" "$tmp/tlhome.png" || fail "record 0 differs from live"
    # the whole net at record 0: the maps and output bars of a paused start, not the live ones
    "$pixels" net mnist same "$tmp/tlstart.png" "$tmp/tlhome.png" || fail "record 0 shows the maps and outputs of a paused start"
    "$pixels" net mnist differ "$tmp/tllive.png" "$tmp/tlhome.png" || fail "record 0's maps and outputs differ from live"
fi
shot bigscrub --size 1920x1080 --frames 90 --history-every 1 --script "60 key Home; 62 key t"
[ -s "$tmp/bigscrub.png" ] && { "$pixels" timeline mnist scrubbed "$tmp/bigscrub.png" || fail "timeline at 1920x1080"; }

# A saved run loaded into the window: its history on the timeline at once; playing it animates the
# kernels (training stays paused, so only the playback changes them); e exports what is shown.
if "$exe" train --dataset shapes --limit 600 --epochs 2 --save "$tmp/run.ckpt" --history-every 2 >"$tmp/train.out" 2>&1; then
    shot loaded --size 1280x720 --load "$tmp/run.ckpt" --paused --frames 70 --export-dir "$tmp/export" \
        --script "10 shot $tmp/loaded0.png; 12 key e; 14 key shift+e; 20 key Home; 22 key e; 24 shot $tmp/play0.png; 26 key p; 50 shot $tmp/play1.png"
    if [ -s "$tmp/loaded0.png" ] && [ -s "$tmp/play0.png" ] && [ -s "$tmp/play1.png" ]; then
        "$pixels" timeline mnist loaded "$tmp/loaded0.png" || fail "gui --load shows the history"
        "$pixels" kernels mnist differ "$tmp/play0.png" "$tmp/play1.png" || fail "playing changes the kernels"
        "$pixels" timeline mnist scrubbed "$tmp/play1.png" || fail "timeline while playing"
    fi
    # labelled slides, kernels and maps of one step: e live (step 60) and e at record 0 (Home).
    # mnist net (8 outputs on shapes): conv1 8 filters of 5x5 in a 3x3 grid at 12 px per weight,
    # conv2 a row per filter and a column per channel, the probe and maps at 112 px or more, the
    # outputs as a row of 8 cells; each with a title, a subtitle and a colour bar.
    for f in "conv1_kernels_step0000060.png 449 361" "conv2_kernels_step0000060.png 627 1167" \
             "conv1_kernels_step0000000.png 449 361" "conv1_maps_step0000000.png 699 517" \
             "probe0.png 540 285" "conv1_maps_step0000060.png 699 517" "softmax_maps_step0000060.png 870 277" \
             "softmax_maps_step0000000.png 870 277"; do
        set -- $f
        if [ -s "$tmp/export/$1" ]; then "$pixels" size "$tmp/export/$1" "$2" "$3" || fail "export $1 size"
        else fail "export key did not write $1"; fi
    done
    # the maps of record 0 are those the run had at step 0, not the live ones
    if [ -s "$tmp/export/conv1_maps_step0000000.png" ] && [ -s "$tmp/export/conv1_maps_step0000060.png" ] &&
        cmp -s "$tmp/export/conv1_maps_step0000000.png" "$tmp/export/conv1_maps_step0000060.png"; then
        fail "e at record 0 exported the live maps"
    fi
    # Shift+e: the net as shown as an ONNX model, the same bytes as `export --onnx` of the checkpoint
    if "$exe" export --load "$tmp/run.ckpt" --onnx "$tmp/ck.onnx" >/dev/null 2>&1; then
        cmp -s "$tmp/export/net-step60.onnx" "$tmp/ck.onnx" && echo "ok: Shift+e writes the net as ONNX" ||
            fail "Shift+e: net-step60.onnx missing or unlike the checkpoint's ONNX"
    fi
    grep -q "exported" "$tmp/loaded.out" 2>/dev/null || grep -q "export: " "$tmp/loaded.out" || fail "export paths not printed"
else
    fail "train --save for the timeline tests"; cat "$tmp/train.out"
fi

# e at record 0 writes what `convscope export --step 0` writes of the same run, byte for byte
if [ -s "$tmp/export/conv1_maps_step0000000.png" ] &&
    "$exe" export --load "$tmp/run.ckpt" --probe 0 --step 0 --out "$tmp/export-step0" >/dev/null 2>&1; then
    for f in conv1_kernels_step0000000.png conv1_maps_step0000000.png softmax_maps_step0000000.png; do
        cmp -s "$tmp/export/$f" "$tmp/export-step0/$f" && echo "ok: e at record 0 and export --step 0 wrote the same $f" ||
            fail "e at record 0 and export --step 0 differ in $f"
    done
fi

# Your own image as the probe: --probe-image, a file dropped onto the window, and i for the next
# image file of its folder (a file that is not an image is skipped).
mkdir -p "$tmp/photos"
awk 'BEGIN { print "P2\n40 30\n255"; for (y = 0; y < 30; y++) { l = ""; for (x = 0; x < 40; x++)
    l = l " " (((x - 20) * (x - 20) + (y - 15) * (y - 15) < 100) ? 250 : 30); print l } }' >"$tmp/photos/a_disc.pgm"
awk 'BEGIN { print "P2\n50 50\n255"; for (y = 0; y < 50; y++) { l = ""; for (x = 0; x < 50; x++)
    l = l " " ((x - y < 5 && y - x < 5) ? 0 : 255); print l } }' >"$tmp/photos/b_diag.pgm"
echo "not an image" >"$tmp/photos/c_notes.txt"
shot probefile --size 1280x720 --frames 30 --paused --probe-image "$tmp/photos/a_disc.pgm" \
    --script "10 shot $tmp/probe_a.png; 12 drop $tmp/photos/b_diag.pgm; 16 shot $tmp/probe_b.png; 18 key i; 22 shot $tmp/probe_c.png"
if [ -s "$tmp/probe_a.png" ] && [ -s "$tmp/probe_b.png" ] && [ -s "$tmp/probe_c.png" ]; then
    "$pixels" probe mnist "$tmp/probe_a.png" "$tmp/photos/a_disc.pgm" || fail "--probe-image shows the file"
    "$pixels" probe mnist "$tmp/probe_b.png" "$tmp/photos/b_diag.pgm" || fail "a dropped file becomes the probe"
    "$pixels" probe mnist "$tmp/probe_c.png" "$tmp/photos/a_disc.pgm" || fail "i goes round the folder, skipping non-images"
    grep -q "probe: a_disc.pgm: PGM of 40×30 gray → the net's 28×28 gray input, resized bilinearly; pixels ÷ 255" \
        "$tmp/probefile.out" && echo "ok: the conversion is stated" || fail "--probe-image did not state the conversion"
fi
"$exe" gui --dataset shapes --probe-image "$tmp/photos/c_notes.txt" --frames 2 --screenshot "$tmp/x.png" \
    >/dev/null 2>"$tmp/probebad.err" </dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q "c_notes.txt" "$tmp/probebad.err" && echo "ok: --probe-image of a text file: exit 1 naming it" ||
    fail "--probe-image of a text file: exit $rc"
"$exe" gui --dataset shapes --net "input 28x28x1, conv 4@1x5, fc 8" --frames 2 --screenshot "$tmp/x.png" \
    >/dev/null 2>"$tmp/kw.err" </dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q "conv1 has a 1x5 kernel: the window shows square kernels only" "$tmp/kw.err" &&
    echo "ok: a net with a 1x5 kernel is refused by the window, exit 1" || fail "1x5 kernel in the window: exit $rc"
"$exe" gui --dataset shapes --probe 99999 --frames 2 --screenshot "$tmp/x.png" >/dev/null 2>"$tmp/probe.err" </dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q "out of range: the test set of shapes has 1000 images (0..999)" "$tmp/probe.err" &&
    echo "ok: --probe past the test set: exit 1, the range said" || fail "--probe 99999: exit $rc"

# Quitting with unsaved training asks once: the first q leaves the window open (frame 20 is still
# drawn), the second quits. With --save the first q quits (the run is saved on the way out).
timeout 120 "$exe" gui --dataset shapes --limit 600 --size 1280x720 \
    --script "5 key n; 10 key q; 20 shot $tmp/quit1.png; 30 key q" >"$tmp/quit.out" 2>&1 </dev/null; rc=$?
[ "$rc" -eq 0 ] && [ -s "$tmp/quit1.png" ] && echo "ok: q with unsaved training asks once" ||
    fail "q with unsaved training: exit $rc, the window should have stayed for frame 20"
timeout 120 "$exe" gui --dataset shapes --limit 600 --size 1280x720 --save "$tmp/quit.ckpt" \
    --script "5 key n; 10 key Escape; 20 shot $tmp/quit2.png" >"$tmp/quit2.out" 2>&1 </dev/null; rc=$?
[ "$rc" -eq 0 ] && [ ! -e "$tmp/quit2.png" ] && [ -s "$tmp/quit.ckpt" ] && echo "ok: with --save, Esc quits at once and saves" ||
    fail "Esc with --save: exit $rc"

# An Esc that leaves a kernel cell (typing, then the selection) never quits: the frame after both
# is still drawn.
set -- $("$pixels" step-kernel-cell 1280x720 1)
shot escedit --view step --size 1280x720 --frames 12 --script "3 click $1 $2; 4 key 5; 5 key Escape; 6 key Escape; 8 shot $tmp/escedit8.png"
[ -s "$tmp/escedit8.png" ] && echo "ok: Esc out of a kernel edit leaves the window open" || fail "Esc out of a kernel edit quit"

# The save key: a checkpoint (a dated name without --save) that train --load continues.
mkdir -p "$tmp/save"
abs_exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
(cd "$tmp/save" && "$abs_exe" gui --dataset shapes --limit 600 --size 1280x720 --screenshot "$tmp/save.png" --frames 60 \
    --script "20 key w" >"$tmp/save.out" 2>"$tmp/save.err" </dev/null)
ck=$(ls "$tmp/save"/convscope-*.ckpt 2>/dev/null | head -1)
if [ -n "$ck" ] && grep -q "checkpoint saved to convscope-.*\.ckpt (step 20, " "$tmp/save.out"; then
    echo "ok: save key wrote $(basename "$ck")"
    if "$exe" train --load "$ck" --epochs 1 >"$tmp/resume.out" 2>&1 && grep -q "resuming" "$tmp/resume.out"; then
        echo "ok: train --load continues the window's checkpoint"
    else
        fail "train --load of the window's checkpoint"; head -5 "$tmp/resume.out"
    fi
else
    fail "save key wrote no checkpoint"; head -5 "$tmp/save.err"
fi

# The step view: as it opens (the article's 6600 window), playing (two screenshots a second
# apart: the map fills in), Tab from the train view, its help; then 1920x1080.
shot stepstart --view step --size 1280x720 --frames 8
shot stepplay --view step --size 1280x720 --frames 100 --script "2 key space; 40 shot $tmp/stepearly.png"
shot stepswitch --size 1280x720 --frames 40 --paused --script "20 key Tab"
shot stephelp --view step --size 1280x720 --frames 8 --script "3 key h"
if [ -s "$tmp/stepstart.png" ] && [ -s "$tmp/stepearly.png" ] && [ -s "$tmp/stepplay.png" ] &&
    [ -s "$tmp/stepswitch.png" ] && [ -s "$tmp/stephelp.png" ]; then
    "$pixels" step "$tmp/stepstart.png" "$tmp/stepearly.png" "$tmp/stepplay.png" "$tmp/stepswitch.png" \
        "$tmp/stephelp.png" || fail "step view pixel checks at 1280x720"
fi
shot stepbig --view step --size 1920x1080 --frames 8
shot stepbigplay --view step --size 1920x1080 --frames 100 --script "2 key space; 40 shot $tmp/stepbigearly.png"
shot stepbigswitch --size 1920x1080 --frames 40 --paused --script "20 key v"
shot stepbighelp --view step --size 1920x1080 --frames 8 --script "3 key F1"
if [ -s "$tmp/stepbig.png" ] && [ -s "$tmp/stepbigearly.png" ] && [ -s "$tmp/stepbigplay.png" ] &&
    [ -s "$tmp/stepbigswitch.png" ] && [ -s "$tmp/stepbighelp.png" ]; then
    "$pixels" step "$tmp/stepbig.png" "$tmp/stepbigearly.png" "$tmp/stepbigplay.png" "$tmp/stepbigswitch.png" \
        "$tmp/stepbighelp.png" || fail "step view pixel checks at 1920x1080"
fi
# A learned conv1 filter stepped over the probe image (s in the train view), an RGB net, and
# the step view's options; bad ones are refused before a window opens.
shot steplearned --net cifar --size 1280x720 --frames 60 --script "40 key s"
shot stepopts --view step --size 1280x720 --frames 8 --image demo:edges --kernel sobel-x --stride 2 --pad 1 \
    --bias -10 --relu --at 3,2
"$exe" gui --view step --image /nonexistent.png >/dev/null 2>"$tmp/badimg.err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "nonexistent" "$tmp/badimg.err" && echo "ok: a missing --image is exit 1, named" ||
    fail "--image /nonexistent.png: exit $rc"
"$exe" gui --view step --at 99,99 >/dev/null 2>"$tmp/badat.err"; rc=$?
[ "$rc" -eq 1 ] && echo "ok: --at outside the output is exit 1" || fail "--at 99,99: exit $rc"
"$exe" gui --view step --stride x >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: bad --stride is a usage error" || fail "--stride x: exit $rc, want 2"

# Divergence: a huge learning rate pauses training (so far fewer than the 59 steps of 60 frames are
# trained) and the program keeps running to the end.
shot diverge --size 1280x720 --frames 60 --lr 1000 --stats
steps=$(sed -n 's/.*"steps": \([0-9]*\).*/\1/p' "$tmp/diverge.out")
[ -n "$steps" ] && [ "$steps" -lt 10 ] && echo "ok: a diverged run pauses (at step $steps)" ||
    fail "divergence did not pause training: steps '$steps'"

if [ -n "${CONVSCOPE_KEEP_SHOTS:-}" ]; then mkdir -p "$CONVSCOPE_KEEP_SHOTS" && cp "$tmp"/*.png "$CONVSCOPE_KEEP_SHOTS"/; fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
