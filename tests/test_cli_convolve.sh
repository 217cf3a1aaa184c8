#!/bin/sh
# test_cli_convolve.sh - `convscope convolve` end to end: exit codes 0/1/2, the explainer's
# 6600 and 0 on demo:curve, JSON and PNG output, and one-line errors for bad input.
# Usage: test_cli_convolve.sh PATH/TO/convscope
set -u
exe="$1"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run WANT_RC ARGS...: runs convolve, checks the exit code; output in $dir/out, $dir/err.
run() {
    want=$1
    shift
    "$exe" convolve "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq "$want" ] || fail "convolve $*: exit $rc, want $want; stderr: $(cat "$dir/err")"
}

contains() { # FILE TEXT
    grep -qF -- "$2" "$dir/$1" || fail "$1 of the last run lacks '$2': $(head -c 400 "$dir/$1")"
}

one_line_error() {
    [ "$(wc -l <"$dir/err")" -eq 1 ] || fail "expected one line on stderr, got: $(cat "$dir/err")"
    contains err "convscope convolve: "
}

# The explainer's curve detector: 6600 on the front of the whale's head, 0 on its back.
run 0 --image demo:curve --kernel curve --at 4,10
contains out "(50x30) + (50x30) + (50x30) + (20x30) + (50x30) = 6600"
contains out "44 of 49 terms are zero"
contains out "value = 6600 + 0 = 6600"
run 0 --image demo:curve --kernel curve --at 12,4
contains out "sum = 0"
contains out "value = 0 + 0 = 0"

# The whole map as text, JSON, PNG.
run 0 --image demo:curve --kernel curve
contains out "response map 26x24"
contains out "max 6600 at --at 4,10"
run 0 --image demo:curve --kernel curve --at 4,10 --json
contains out '"x": 4, "y": 10'
contains out '"sum": 6600'
contains out '"value": 6600'
run 0 --image demo:edges --kernel sobel-x --pad 1 --stride 2 --json
contains out '"height": 12, "width": 12, "output": [['
run 0 --image demo:curve --kernel curve --relu --bias -1000 --out "$dir/map.png"
contains out "wrote $dir/map.png"
[ -s "$dir/map.png" ] || fail "no PNG written"
# The written PNG is an image the loader reads back.
run 0 --image "$dir/map.png" --kernel box --stride 9
contains out "response map"

# A kernel file with a scale line and comments.
printf '# gaussian\nscale 1/16\n1 2 1\n2 4 2\n1 2 1\n' >"$dir/g.txt"
run 0 --image demo:checker --kernel "$dir/g.txt" --at 1,1
contains out "sum = "

# Input errors: one line, exit 1.
run 1 --image "$dir/missing.png" --kernel box
one_line_error
contains err "missing.png"
run 1 --image demo:nothing --kernel box
one_line_error
: >"$dir/empty.txt"
run 1 --image demo:curve --kernel "$dir/empty.txt"
one_line_error
contains err "empty kernel"
printf '1 2 3\n4 5\n6 7 8\n' >"$dir/ragged.txt"
run 1 --image demo:curve --kernel "$dir/ragged.txt"
one_line_error
contains err "ragged.txt:2:4:"
printf '1 2\n3 four\n' >"$dir/word.txt"
run 1 --image demo:curve --kernel "$dir/word.txt"
one_line_error
contains err "'four' is not a number"
run 1 --image demo:curve --kernel curve --stride 0
one_line_error
contains err "stride 0 is out of range (1..65536)"
run 1 --image demo:checker --kernel gaussian5 --stride 1 --pad 0 --at 20,0
one_line_error
contains err "outside the 20x20 output"
printf '%s\n' "$(yes 1 | head -n 25 | tr '\n' ' ')" >"$dir/row.txt"
yes "$(cat "$dir/row.txt")" | head -n 25 >"$dir/k25.txt"
run 1 --image demo:checker --kernel "$dir/k25.txt"
one_line_error
contains err "larger than the padded image"

# Usage errors: exit 2 with the usage.
run 2 --image demo:curve
contains err "--kernel is required"
contains err "usage: convscope convolve"
run 2 --image demo:curve --kernel curve --at 4
contains err "bad value '4' for --at"
run 2 --image demo:curve --kernel curve --stride two
run 2 --image demo:curve --kernel curve --frobnicate
run 0 --help
contains out "usage: convscope convolve"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all convolve CLI checks passed"
