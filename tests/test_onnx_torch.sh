#!/bin/sh
# test_onnx_torch.sh - convscope and PyTorch agree through ONNX, both ways, on 100 inputs
# each (max absolute difference <= 1e-4):
#   PyTorch -> convscope: a LeNet and a small VGG-style net with BatchNorm and Dropout (random
#     weights, eval mode) exported by torch.onnx.export, run by `convscope onnx-test`;
#   convscope -> PyTorch: nets trained for an epoch, written by `convscope export --onnx`,
#     checked by onnx.checker and run with PyTorch's kernels.
# Skips (77) where no python3 has torch and onnx (Debian: python3-torch, python3-onnx).
# Usage: test_onnx_torch.sh PATH/TO/convscope PATH/TO/onnx_torch.py
set -u
exe="$1"
script="$2"
py=""
# Debian's python first: a python3 earlier on PATH may be another installation without torch
for p in /usr/bin/python3 python3; do
    if "$p" -c "import torch, onnx" >/dev/null 2>&1; then
        py="$p"
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: no python3 with torch and onnx (Debian packages python3-torch, python3-onnx)"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# PyTorch -> convscope
"$py" "$script" torch-models "$dir/torch" 2>"$dir/py.err" || fail "torch-models: $(cat "$dir/py.err")"
"$exe" onnx-test --atol 1e-4 --rtol 0 "$dir/torch/lenet" "$dir/torch/vgg" >"$dir/out" 2>&1
rc=$?
cat "$dir/out"
[ "$rc" -eq 0 ] || fail "onnx-test on PyTorch's models exited $rc"
tail -n 1 "$dir/out" | grep -qx "onnx-test: 2 pass, 0 fail, 0 unsupported" || fail "PyTorch's models: $(tail -n 1 "$dir/out")"
grep -q "^pass *vgg: .*BatchNormalization .* folded into fc1" "$dir/out" || fail "vgg: no BatchNormalization fold reported"
grep -q "^pass *vgg: .*Pad .* merged into the padding" "$dir/out" || fail "vgg: no Pad merge reported"

# convscope -> PyTorch
# shapes has 8 classes: every net ends in 8 outputs (the mnist preset is sized to them by itself)
i=0
for net in "mnist" \
    "input 28x28x1, conv 6@5 stride 2 1 pad 2 1 1 0, leakyrelu 0.1, maxpool 3 stride 2 pad 1 ceil, avgpool 2 stride 1 pad 1 include-pad, conv 8@3, tanh, globalavgpool, fc 8, sigmoid" \
    "input 28x28x1, conv 4@3 stride 2, avgpool 2, flatten, fc 32, relu, fc 8, softmax"; do
    i=$((i + 1))
    "$exe" train --dataset shapes --net "$net" --epochs 1 --limit 300 --batch 20 --save "$dir/net$i.ckpt" \
        >/dev/null 2>"$dir/err" || fail "train $net: $(cat "$dir/err")"
    "$exe" export --load "$dir/net$i.ckpt" --onnx "$dir/net$i.onnx" 2>"$dir/err" || fail "export $net: $(cat "$dir/err")"
    "$py" "$script" check-export "$dir/net$i.onnx" "$dir/net$i" 2>"$dir/py.err" || fail "check-export $net: $(cat "$dir/py.err")"
done
"$exe" onnx-test --atol 1e-4 --rtol 0 "$dir/net1" "$dir/net2" "$dir/net3" >"$dir/out" 2>&1
rc=$?
cat "$dir/out"
[ "$rc" -eq 0 ] || fail "onnx-test on convscope's exports exited $rc"
tail -n 1 "$dir/out" | grep -qx "onnx-test: 3 pass, 0 fail, 0 unsupported" || fail "exports: $(tail -n 1 "$dir/out")"

[ "$failures" -eq 0 ] || exit 1
echo "ok"
