#!/bin/sh
# test_cli_model.sh - `--model FILE.onnx`: a run opened from an ONNX model trains (train) with the
# model's layers and weights, refuses mixing with --net or --load, and a net of fully connected
# layers on flat vectors gets the images' pixels flattened, not resampled to 1x1.
# Usage: test_cli_model.sh PATH/TO/convscope
set -u
exe="$1"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A flat net: 28x28x1 shapes images become its 784 inputs, in C x H x W order.
"$exe" train --dataset shapes --net "input 1x1x784, fc 32, relu, fc 8" --limit 2000 --epochs 3 --seed 3 \
    >"$dir/flat.out" 2>"$dir/flat.err"
rc=$?
[ "$rc" -eq 0 ] || fail "flat net: exit $rc: $(cat "$dir/flat.err")"
grep -q "images of 28x28x1 are flattened into the net's 784 inputs" "$dir/flat.err" ||
    fail "flat net: no flattening note: $(cat "$dir/flat.err")"
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$dir/flat.out" | tail -n 1)
# 8 classes: chance is 12.5%; flattened pixels learn, a 1x1 resample could not
awk -v a="${acc:-0}" 'BEGIN { exit !(a > 50) }' || fail "flat net: test accuracy ${acc:-?}% after 3 epochs, want > 50%"

"$exe" help >/dev/null 2>&1
if ! "$exe" onnx-test --help >/dev/null 2>&1; then
    echo "ok: flat net; SKIP: this build has no ONNX support"
    [ "$failures" -eq 0 ] || exit 1
    exit 0
fi

# A net trained here, exported as ONNX and opened again as a model: same layers, its weights.
"$exe" train --dataset shapes --net mnist --limit 400 --epochs 2 --save "$dir/a.ckpt" --json >"$dir/a.out" 2>&1 ||
    fail "train --save failed"
want=$(grep '"event": "done"' "$dir/a.out" | sed 's/.*"test_accuracy": \([0-9.]*\).*/\1/')
"$exe" export --load "$dir/a.ckpt" --onnx "$dir/a.onnx" >/dev/null 2>&1 || fail "export --onnx failed"
# a learning rate too small to move a weight: the model's own test accuracy comes back
"$exe" train --model "$dir/a.onnx" --dataset shapes --limit 400 --epochs 1 --lr 1e-9 --json >"$dir/m.out" 2>"$dir/m.err"
rc=$?
[ "$rc" -eq 0 ] || fail "train --model: exit $rc: $(cat "$dir/m.err")"
grep -q "imported as 'input 28x28x1, conv 8@5 pad 2, relu, maxpool 2, conv 16@5 pad 2, relu, maxpool 3" \
    "$dir/m.err" || fail "train --model: the imported spec is not reported: $(cat "$dir/m.err")"
got=$(grep '"event": "done"' "$dir/m.out" | sed 's/.*"test_accuracy": \([0-9.]*\).*/\1/')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "train --model: test accuracy $got, the exported run's $want"

"$exe" train --model "$dir/a.onnx" --net mnist --dataset shapes >/dev/null 2>"$dir/e1"
[ $? -eq 1 ] && grep -q "from a model .* alone" "$dir/e1" || fail "--model with --net: $(cat "$dir/e1")"
"$exe" train --model "$dir/nonexistent.onnx" --dataset shapes >/dev/null 2>"$dir/e2"
[ $? -eq 1 ] && grep -q "nonexistent.onnx" "$dir/e2" || fail "missing model: $(cat "$dir/e2")"

# export --model: the pictures of the model's weights and of a test image's maps, no history
"$exe" export --model "$dir/a.onnx" --dataset shapes --probe 3 --out "$dir/mx" >"$dir/x.out" 2>"$dir/x.err" ||
    fail "export --model: exit $?: $(cat "$dir/x.err")"
for f in conv1_kernels conv2_kernels conv1_maps softmax_maps; do
    [ -s "$dir/mx/${f}_step0000000.png" ] || fail "export --model wrote no $f picture"
done
grep -q "probe: test image 3 of shapes" "$dir/x.out" || fail "export --model --probe: $(cat "$dir/x.out")"
! ls "$dir/mx" | grep -q evolution || fail "export --model wrote an evolution without a history"
"$exe" export --model "$dir/a.onnx" --probe 3 --out "$dir/my" >/dev/null 2>"$dir/e3"
[ $? -eq 1 ] && grep -q "needs --dataset" "$dir/e3" || fail "export --model --probe without --dataset: $(cat "$dir/e3")"
"$exe" export --model "$dir/a.onnx" --load "$dir/a.ckpt" --out "$dir/my" >/dev/null 2>"$dir/e4"
[ $? -eq 2 ] && grep -q "not both" "$dir/e4" || fail "export --model with --load: $(head -1 "$dir/e4")"

[ "$failures" -eq 0 ] && echo "ok: --model" && exit 0
exit 1
