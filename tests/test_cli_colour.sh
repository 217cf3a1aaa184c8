#!/bin/sh
# test_cli_colour.sh - first-layer filters like AlexNet's, headless: `convscope train --dataset
# colour-shapes` with nothing else but a short run (its defaults are the recipe: the colour
# net, SGD lr 0.005, weight decay 0.06) grows smooth conv1 filters with oriented edges, while
# one step leaves them random. Deterministic: one thread, the default seed.
# Usage: test_cli_colour.sh PATH/TO/convscope PATH/TO/kernel_metrics
set -u
exe="$1"
metrics="$2"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# field NAME: the number after "NAME": in $dir/m (conv1's line).
field() { sed -n "s/.*\"$1\": \([-0-9.]*\).*/\1/p" "$dir/m"; }

# train LIMIT EPOCHS: trains and measures conv1 into $dir/m.
train() {
    rm -f "$dir/c.ckpt"
    if ! "$exe" train --dataset colour-shapes --limit "$1" --epochs "$2" --threads 1 --json \
        --save "$dir/c.ckpt" >"$dir/out" 2>"$dir/err"; then
        fail "train --limit $1 --epochs $2: $(cat "$dir/err")"
        return 1
    fi
    "$metrics" "$dir/c.ckpt" | grep '"layer": "conv1"' >"$dir/m" || fail "no conv1 metrics"
}

# One step: the filters are still the random initialisation.
if train 20 1; then
    s=$(field smoothness)
    awk -v s="$s" 'BEGIN { exit !(s > -0.2 && s < 0.2) }' || fail "random conv1 smoothness $s, want about 0"
fi

# 800 steps (8 epochs of 2000 images): smooth filters, oriented edges among them.
if train 2000 8; then
    cat "$dir/m"
    grep -q '"net": "colour"' "$dir/out" || fail "colour-shapes did not default to the colour net: $(head -c 300 "$dir/out")"
    s=$(field smoothness)
    e=$(field edges)
    awk -v s="$s" 'BEGIN { exit !(s >= 0.5) }' || fail "conv1 smoothness $s < 0.5"
    [ "${e:-0}" -ge 3 ] || fail "conv1 has ${e:-0} oriented edge filters, want >= 3"
    acc=$(sed -n 's/.*"event": "done".*"test_accuracy": \([0-9.]*\).*/\1/p' "$dir/out")
    awk -v a="$acc" 'BEGIN { exit !(a >= 0.9) }' || fail "test accuracy $acc < 0.9"
fi

[ "$failures" -eq 0 ] || exit 1
echo "colour-shapes: all checks passed"
