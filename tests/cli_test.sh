#!/bin/sh
# cli_test.sh - the convscope command line: exit codes, messages, JSON lines, and a short
# training run on the synthetic shapes set that must reach 95% test accuracy.
# usage: cli_test.sh PATH/TO/convscope
set -u
exe="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# expect CODE DESCRIPTION -- ARGS...: runs convscope, checks the exit code.
expect() {
    want="$1"; what="$2"; shift 3
    "$exe" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: exit $got, want $want (convscope $*)"; sed 's/^/  stderr: /' "$tmp/err" | head -5
        failures=$((failures + 1))
    else
        echo "ok: $what"
    fi
}

# contains FILE TEXT DESCRIPTION
contains() {
    if grep -q -- "$2" "$tmp/$1"; then echo "ok: $3"; else
        echo "FAIL: $3: '$2' not in $1:"; head -5 "$tmp/$1"; failures=$((failures + 1)); fi
}

expect 0 "--help" -- --help
contains out "train" "--help lists train"
expect 0 "--version" -- --version
contains out "convscope [0-9]" "--version prints the version"
expect 0 "train --help" -- train --help
contains out "--dataset" "train --help lists --dataset"
expect 2 "unknown command" -- frobnicate
expect 2 "unknown option" -- train --frobnicate
contains err "unknown option '--frobnicate'" "unknown option is named"
expect 2 "bad number" -- train --epochs many
contains err "bad value 'many' for --epochs" "bad value is named"
expect 2 "bad optimizer" -- train --optimizer rmsprop
expect 2 "bad loss" -- train --loss hinge
expect 2 "missing value" -- train --epochs
expect 2 "stray argument" -- train extra
expect 2 "bench bad option" -- bench --threads 0
expect 1 "unknown dataset" -- train --dataset nosuchset
contains err "unknown dataset 'nosuchset'" "unknown dataset is named"
expect 1 "mnist without --data" -- train --dataset mnist
expect 1 "missing data dir" -- train --dataset mnist --data "$tmp/nowhere"
contains err "$tmp/nowhere" "missing dir is named"
mkdir -p "$tmp/badidx"
printf 'not an idx file at all' >"$tmp/badidx/train-images-idx3-ubyte"
printf 'x' >"$tmp/badidx/train-labels-idx1-ubyte"
cp "$tmp/badidx/train-images-idx3-ubyte" "$tmp/badidx/t10k-images-idx3-ubyte"
cp "$tmp/badidx/train-labels-idx1-ubyte" "$tmp/badidx/t10k-labels-idx1-ubyte"
expect 1 "malformed IDX" -- train --dataset mnist --data "$tmp/badidx"
contains err "train-images-idx3-ubyte" "malformed file is named"
expect 1 "bad spec" -- train --dataset shapes --net "input 28x28x1, conv 8@5, wibble"
contains err "unknown layer 'wibble'" "bad spec token is named"
expect 1 "shape error" -- train --dataset shapes --net "input 28x28x1, maxpool 2, maxpool 2, maxpool 2, maxpool 5"
contains err "pool4" "shape error names the layer"
expect 1 "divergence" -- train --dataset shapes --limit 600 --lr 100
contains err "diverged at step" "divergence names the step"
if grep -qi nan "$tmp/out"; then echo "FAIL: NaN printed"; failures=$((failures + 1)); fi

# a short run on shapes must learn: >= 95% test accuracy; JSON lines on stdout
expect 0 "train shapes" -- train --dataset shapes --epochs 3 --json --seed 3
contains out '"event": "done"' "final JSON line"
lines=$(grep -c '"epoch"' "$tmp/out")
[ "$lines" -eq 4 ] && echo "ok: one JSON line per epoch plus done" || { echo "FAIL: $lines JSON lines"; failures=$((failures + 1)); }
acc=$(grep '"event": "done"' "$tmp/out" | sed 's/.*"test_accuracy": \([0-9.]*\).*/\1/')
echo "shapes test accuracy after 3 epochs: $acc"
if awk "BEGIN { exit !($acc >= 0.95) }"; then echo "ok: shapes accuracy >= 0.95"; else
    echo "FAIL: shapes accuracy $acc < 0.95"; failures=$((failures + 1)); fi

# the same seed gives the same run
"$exe" train --dataset shapes --limit 600 --epochs 1 --json --seed 9 >"$tmp/a" 2>/dev/null
"$exe" train --dataset shapes --limit 600 --epochs 1 --json --seed 9 >"$tmp/b" 2>/dev/null
if [ "$(sed 's/"images_per_sec[^,]*, "seconds[^,]*,//' "$tmp/a")" = "$(sed 's/"images_per_sec[^,]*, "seconds[^,]*,//' "$tmp/b")" ]; then
    echo "ok: same seed, same losses"; else echo "FAIL: runs with one seed differ"; failures=$((failures + 1)); fi

expect 0 "bench json" -- bench --net "input 8x8x1, conv 2@3, relu, fc 2" --seconds 0.05 --runs 1 --json
contains out '"train_images_per_sec"' "bench JSON fields"
expect 0 "bench profile json" -- bench --net "input 8x8x1, conv 2@3, relu, fc 2" --seconds 0.05 --runs 1 --json --profile
contains out '{"layer": "conv1", "forward_ms"' "bench JSON profile"
expect 0 "bench profile text, 2 threads" -- bench --net "input 8x8x1, conv 2@3, relu, fc 2" --seconds 0.05 --runs 1 --profile --threads 2
contains out 'relu1' "bench profile rows"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
