#!/bin/sh
# test_backprop_torch.sh - `convscope backprop --json` against PyTorch: the same weights and image,
# PyTorch's MSELoss and CrossEntropyLoss, its autograd and one torch.optim.SGD step; the loss,
# dL/d(output), every layer's gradients and the weights and loss after the step agree within 1e-4
# (tests/backprop_torch.py). Two presets, both losses, an untrained and a trained net.
# Skips (77) where no python3 has torch (Debian: python3-torch).
# Usage: test_backprop_torch.sh PATH/TO/convscope PATH/TO/backprop_torch.py
set -u
exe="$1"
script="$2"
py=""
# Debian's python first: a python3 earlier on PATH may be another installation without torch
for p in /usr/bin/python3 python3; do
    if "$p" -c "import torch" >/dev/null 2>&1; then
        py="$p"
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: no python3 with torch (Debian package python3-torch)"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
n=0
backprop() {
    n=$((n + 1))
    if ! "$exe" backprop --json "$@" >"$dir/$n.json" 2>"$dir/err"; then
        echo "FAIL: convscope backprop $*: exited non-zero: $(cat "$dir/err")"
        exit 1
    fi
    echo "$n.json: backprop $*"
}
backprop --dataset shapes --net mnist --loss xent --limit 200 --seed 2 --probe 1
backprop --dataset shapes --net mnist --loss mse --limit 200 --seed 2 --probe 1
backprop --dataset shapes --net article --loss xent --limit 200 --seed 2 --probe 5
backprop --dataset shapes --net article --loss mse --limit 200 --seed 2 --probe 5
"$exe" train --dataset shapes --limit 600 --epochs 2 --seed 2 --save "$dir/t.ckpt" >/dev/null 2>&1 ||
    { echo "FAIL: train --save exited non-zero"; exit 1; }
backprop --load "$dir/t.ckpt" --probe 4
"$py" "$script" "$dir/1.json" "$dir/2.json" "$dir/3.json" "$dir/4.json" "$dir/5.json"
