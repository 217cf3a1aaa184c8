#!/bin/sh
# gui_backprop.sh - the backprop view under a real X server, read from its --dump-text: every number
# it shows in phases 2, 3, 5, 6 and 7 agrees with `convscope backprop --json` for the same net, seed,
# probe and learning rate, and with each other (the loss terms add up to L, the weight's sum equals
# the gradient's cell, new = old - lr x gradient: tests/backprop_view_check.py), for cross-entropy
# and MSE; the phases walk forward one press at a time (phase 4 one layer a press) and back; the
# sum of phase 5 steps term by term and moves to the next weight; every dump passes dump_text_check
# (no overlaps, no text outside its box, no empty number cell). Lockstep (a script implies it).
# Exits 77 (skipped) only when no X server can be started or no python3 is installed.
# usage: gui_backprop.sh PATH/TO/convscope PATH/TO/dump_text_check PATH/TO/backprop_view_check.py
set -u
exe="$1"
check="$2"
py_check="$3"
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

py=""
for p in /usr/bin/python3 python3; do
    if "$p" -c "import json" >/dev/null 2>&1; then py="$p"; break; fi
done
if [ -z "$py" ]; then echo "SKIP: no python3"; exit 77; fi
. "$(dirname "$0")/xvfb.sh"
start_xvfb 240 300 1920x1080x24

# numbers TAG KEY ARGS...: the phases' dumps of one window and the JSON of the same step; KEY is
# pressed on entering phase 5 ("l": the next conv layer, "-": none)
numbers() {
    tag="$1"; extra="$2"; shift 2
    "$exe" backprop --dataset shapes --limit 600 "$@" --json >"$tmp/$tag.bp.json" 2>"$tmp/$tag.bp.err" ||
        { fail "$tag: convscope backprop: $(cat "$tmp/$tag.bp.err")"; return; }
    script="2 key 2; 3 dump $tmp/$tag.2.json; 4 key 3; 5 dump $tmp/$tag.3.json; 6 key 5"
    [ "$extra" != - ] && script="$script; 6 key $extra"
    # phase 5: the first weight's sum, three terms forward and one back, then the whole of it
    script="$script; 7 key .; 8 key .; 9 key .; 10 key ,; 11 dump $tmp/$tag.5a.json"
    script="$script; 12 key z; 13 key .; 14 dump $tmp/$tag.5b.json; 15 key ]; 16 dump $tmp/$tag.5c.json"
    script="$script; 17 key 6; 18 dump $tmp/$tag.6.json; 19 key 7; 20 dump $tmp/$tag.7.json"
    "$exe" gui --dataset shapes --limit 600 --size 1920x1080 --view backprop "$@" --screenshot "$tmp/$tag.png" \
        --frames 22 --script "$script" >"$tmp/$tag.out" 2>"$tmp/$tag.err" </dev/null ||
        { fail "$tag: gui exited non-zero"; sed 's/^/  /' "$tmp/$tag.err" | head -5; return; }
    for d in 2 3 5a 5b 5c 6 7; do
        "$check" check "$tmp/$tag.$d.json" --view backprop >"$tmp/$tag.$d.check" ||
            { fail "$tag phase $d: dump_text_check"; sed 's/^/  /' "$tmp/$tag.$d.check" | head -5; }
    done
    "$py" "$py_check" "$tmp/$tag.bp.json" "$tmp/$tag.2.json" "$tmp/$tag.3.json" "$tmp/$tag.5c.json" "$tmp/$tag.6.json" \
        "$tmp/$tag.7.json" >"$tmp/$tag.py.out" 2>&1 || fail "$tag: backprop_view_check"
    sed "s/^/$tag: /" "$tmp/$tag.py.out"
    "$py" "$py_check" sum "$tmp/$tag.bp.json" "$tmp/$tag.5a.json" "$tmp/$tag.5b.json" "$tmp/$tag.5c.json" \
        >"$tmp/$tag.sum.out" 2>&1 || fail "$tag: the sum's terms"
    sed "s/^/$tag: /" "$tmp/$tag.sum.out"
}
numbers xent - --seed 1 --probe 0
numbers mse - --seed 2 --probe 5 --loss mse
numbers conv2 l --seed 3 --probe 7

# the walk: forward to the end one press at a time, then back to phase 1
"$exe" backprop --dataset shapes --limit 600 --json >"$tmp/walk.bp.json" 2>/dev/null || fail "walk: convscope backprop"
script="" f=2 files=""
n_layers=$("$py" -c "import json,sys; print(len(json.load(open(sys.argv[1]))['layers']))" "$tmp/walk.bp.json")
presses=$((n_layers + 5))
i=0
while [ $i -le $((2 * presses)) ]; do
    [ $i -gt 0 ] && { [ $i -le $presses ] && key=Right || key=Left; script="$script; $f key $key"; }
    script="$script; $((f + 1)) dump $tmp/walk.$i.json"
    files="$files $tmp/walk.$i.json"
    f=$((f + 2)); i=$((i + 1))
done
"$exe" gui --dataset shapes --limit 600 --size 1280x720 --view backprop --screenshot "$tmp/walk.png" \
    --frames $((f + 1)) --script "${script#; }" >"$tmp/walk.out" 2>"$tmp/walk.err" </dev/null ||
    { fail "walk: gui exited non-zero"; sed 's/^/  /' "$tmp/walk.err" | head -5; }
# shellcheck disable=SC2086
"$py" "$py_check" walk "$tmp/walk.bp.json" $files || fail "walk"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "backprop view: all checks passed"
