#!/bin/sh
# test_cli_checkpoint.sh - `train --save/--load` and `export` from the command line: a resumed
# run writes the same checkpoint bytes as an uninterrupted one, a replay with the same seed
# too, damaged or foreign checkpoints are refused with exit 1, and export writes decodable
# pictures named by layer and step; export --step N rebuilds the net at a recorded step (--step 0:
# the very pictures of the run's untrained checkpoint); version-1 checkpoints still load.
# usage: test_cli_checkpoint.sh PATH/TO/convscope
set -u
exe="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; failures=$((failures + 1)); }

# run CODE DESCRIPTION ARGS...: runs convscope, checks the exit code
run() {
    want="$1"; what="$2"; shift 2
    "$exe" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$what"; else
        bad "$what: exit $got, want $want (convscope $*)"; sed 's/^/  stderr: /' "$tmp/err" | head -5; fi
}
contains() { if grep -q -- "$2" "$tmp/$1"; then ok "$3"; else bad "$3: '$2' not in $1"; head -3 "$tmp/$1"; fi; }

common="--dataset shapes --limit 400 --history-every 3 --history-mb 0.1"
run 0 "3 epochs in one go" train $common --epochs 3 --save "$tmp/full.ckpt"
run 0 "2 epochs" train $common --epochs 2 --save "$tmp/part.ckpt"
run 0 "resume for 1 more" train --load "$tmp/part.ckpt" --epochs 1 --save "$tmp/resumed.ckpt"
contains out "epoch 3/3" "a resumed run continues the epoch count"
if cmp -s "$tmp/full.ckpt" "$tmp/resumed.ckpt"; then ok "resumed checkpoint equals uninterrupted"; else
    bad "resumed checkpoint differs from uninterrupted"; fi
run 0 "replay" train $common --epochs 3 --save "$tmp/replay.ckpt"
if cmp -s "$tmp/full.ckpt" "$tmp/replay.ckpt"; then ok "replay is bit for bit"; else bad "replay differs"; fi
run 0 "--lr with --load is noted" train --load "$tmp/part.ckpt" --epochs 1 --lr 0.5
contains err "--lr is ignored with --load" "ignored setting is named"

# refusals: truncated, corrupted, other net, other data, missing
head -c 1000 "$tmp/full.ckpt" >"$tmp/cut.ckpt"
run 1 "truncated checkpoint" train --load "$tmp/cut.ckpt"
contains err "cut.ckpt: truncated" "truncation is named"
cp "$tmp/full.ckpt" "$tmp/flip.ckpt"
printf '\377' | dd of="$tmp/flip.ckpt" bs=1 seek=5000 conv=notrunc 2>/dev/null
run 1 "corrupted checkpoint" train --load "$tmp/flip.ckpt"
contains err "flip.ckpt: section .* is corrupted" "corruption is named"
run 1 "other net" train --load "$tmp/full.ckpt" --net "input 28x28x1, conv 4@5, relu, fc 8"
contains err "not 'input 28x28x1, conv 4@5" "the other spec is named"
run 1 "other data" train --load "$tmp/full.ckpt" --limit 200
contains err "was made on" "the other dataset is named"
run 1 "missing checkpoint" train --load "$tmp/none.ckpt"
contains err "none.ckpt" "missing file is named"
run 1 "export of a corrupted checkpoint" export --load "$tmp/flip.ckpt" --out "$tmp/x"

# export
run 0 "export with a probe image" export --load "$tmp/full.ckpt" --probe 2 --out "$tmp/ex"
for f in conv1_kernels_step0000060.png conv2_kernels_step0000060.png conv1_evolution_step0000000-0000060.gif \
         conv2_filmstrip_step0000000-0000060.png conv1_maps_step0000060.png pool2_maps_step0000060.png input.png; do
    if [ -s "$tmp/ex/$f" ]; then ok "export wrote $f"; else bad "export did not write $f"; ls "$tmp/ex"; fi
done
contains out "conv1_evolution_step0000000-0000060.gif  [0-9]*x[0-9]*, [0-9]* frames" "GIF size and frames reported"
cp "$tmp/ex/input.png" "$tmp/probe.png"
run 0 "export with an image file" export --load "$tmp/full.ckpt" --image "$tmp/probe.png" --out "$tmp/ex2"
if cmp -s "$tmp/ex/conv1_kernels_step0000060.png" "$tmp/ex2/conv1_kernels_step0000060.png"; then
    ok "exports are reproducible"; else bad "two exports of one checkpoint differ"; fi
# --step 0 of a run: byte for byte the pictures of the same run saved untrained (train --epochs 0)
run 0 "the untrained net saved" train $common --epochs 0 --save "$tmp/zero.ckpt"
contains out "saved .*zero.ckpt: step 0 (epoch 1)" "epochs 0 saves step 0"
run 0 "export of the untrained checkpoint" export --load "$tmp/zero.ckpt" --probe 2 --out "$tmp/ex0"
run 0 "export --step 0 of the trained run" export --load "$tmp/full.ckpt" --probe 2 --step 0 --out "$tmp/exs0"
n=0
for f in "$tmp"/exs0/*.png; do
    b=$(basename "$f")
    if cmp -s "$f" "$tmp/ex0/$b"; then n=$((n + 1)); else bad "export --step 0: $b differs from the untrained run's"; fi
done
[ "$n" -ge 8 ] && ok "export --step 0 equals the untrained run's export in all $n pictures" || bad "export --step 0 wrote $n pictures"
[ ! -e "$tmp/exs0/conv1_evolution_step0000000-0000060.gif" ] && ok "--step writes that step's pictures only" ||
    bad "--step wrote the evolution too"
# a step between records: the nearest recorded one (records every 3 steps, thinned to fit 0.1 MiB)
run 0 "export --step between records" export --load "$tmp/full.ckpt" --probe 2 --step 31 --out "$tmp/exs31"
contains err "step 31 is not recorded; the nearest recorded step is" "the nearest recorded step is named"
run 2 "export --step -1" export --load "$tmp/full.ckpt" --step -1 --out "$tmp/x"
run 0 "export --step past the last record" export --load "$tmp/zero.ckpt" --step 50 --out "$tmp/x"
contains err "step 50 is not recorded; the nearest recorded step is 0" "past the end: the last record"

# a version-1 checkpoint (kernels-only history, no curves): trains on, and --step gives its kernels
v1="$(dirname "$0")/../fuzz/corpus/checkpoint/sgd-conv.ckpt"
if [ -s "$v1" ]; then
    run 0 "a version-1 checkpoint continues" train --load "$v1" --epochs 1 --save "$tmp/v1on.ckpt"
    run 0 "export --step of a version-1 checkpoint" export --load "$v1" --probe 0 --step 0 --out "$tmp/exv1"
    contains err "holds the kernels only: no maps for step 0" "a version-1 history gives kernels only, and says so"
    [ -s "$tmp/exv1/conv1_kernels_step0000000.png" ] && [ ! -e "$tmp/exv1/conv1_maps_step0000000.png" ] &&
        ok "version 1: the kernels of step 0, no maps" || bad "version 1 --step pictures"
fi

run 2 "export without --out" export --load "$tmp/full.ckpt"
run 2 "export with --image and --probe" export --load "$tmp/full.ckpt" --image a.png --probe 1 --out "$tmp/x"
run 1 "export --probe out of range" export --load "$tmp/full.ckpt" --probe 100000 --out "$tmp/x"
run 1 "export --image not an image" export --load "$tmp/full.ckpt" --image "$tmp/full.ckpt" --out "$tmp/x"

[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
