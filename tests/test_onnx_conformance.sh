#!/bin/sh
# test_onnx_conformance.sh - ONNX's own backend test cases (Debian's libonnx-testdata) through
# `convscope onnx-test`: every case whose operators are all in the supported list either
# passes or is listed as unsupported with its reason (the list is printed to the test log);
# none fails, and the counts are those of this importer on libonnx-testdata 1.12. Also the
# command's exit codes, and a case whose expected output is wrong must fail.
# Usage: test_onnx_conformance.sh PATH/TO/convscope
set -u
exe="$1"
data=/usr/share/libonnx-testdata/data
if [ ! -d "$data/node" ] || [ ! -d "$data/pytorch-converted" ]; then
    echo "SKIP: $data not found (Debian package libonnx-testdata)"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

ops=conv,maxpool,averagepool,globalaveragepool,relu,leakyrelu,tanh,sigmoid,gemm,matmul,softmax,flatten,reshape,dropout,identity,batchnormalization
"$exe" onnx-test --ops "$ops" "$data"/node/* "$data"/pytorch-converted/* >"$dir/out" 2>"$dir/err"
rc=$?
cat "$dir/out"
[ "$rc" -eq 0 ] || fail "onnx-test exited $rc; stderr: $(cat "$dir/err")"
grep '^fail' "$dir/out" >&2 && fail "supported cases failed (above)"

summary=$(tail -n 1 "$dir/out")
want="onnx-test: 96 pass, 0 fail, 60 unsupported, 858 skipped (operators outside --ops)"
[ "$summary" = "$want" ] || fail "summary '$summary', want '$want'"

# what each kind of case exercises
for c in test_conv_with_strides_and_asymmetric_padding test_conv_with_autopad_same test_averagepool_2d_ceil \
         test_averagepool_2d_same_lower test_maxpool_2d_ceil \
         test_maxpool_2d_precomputed_pads test_maxpool_2d_same_upper test_globalaveragepool test_leakyrelu test_gemm_alpha \
         test_gemm_beta test_gemm_transposeB test_gemm_default_scalar_bias test_matmul_2d test_flatten_axis0 \
         test_flatten_axis2 test_reshape_reduced_dims test_softmax_large_number test_softmax_axis_2 \
         test_dropout_default test_identity test_Conv1d_stride test_Conv2d test_Conv2d_no_bias test_Linear \
         test_MaxPool2d test_softmax_functional_dim3 test_batchnorm_epsilon test_BatchNorm2d_eval; do
    grep -q "^pass *$c:" "$dir/out" || fail "$c does not pass: $(grep " $c:" "$dir/out")"
done
# unsupported, each with its reason
while IFS='|' read -r c why; do
    grep "^unsupported *$c:" "$dir/out" | grep -qF -- "$why" || fail "$c is not unsupported for '$why': $(grep " $c:" "$dir/out")"
done <<'CASES'
test_Conv2d_groups|group 2; convscope convolutions have group 1
test_maxpool_2d_pads|is more than half the 3x3 window: at most 1 above and below, 1 left and right (PyTorch's rule)
test_averagepool_2d_pads|is more than half the 3x3 window
test_averagepool_2d_pads_count_include_pad|is more than half the 3x3 window
test_Conv2d_dilated|dilation 2; convscope supports dilation 1
test_Conv3d|3-D (5-D tensor) Conv
test_maxpool_2d_uint8|holds uint8; convscope nets take float tensors
test_gemm_transposeA|transA=1
test_gemm_default_matrix_bias|a bias per batch row
test_softmax_axis_1|softmax over axis 1 of a rank-3 tensor
test_reshape_extended_dims|reshapes only to [batch, features]
test_training_dropout|training mode with ratio 0.75 is random
test_batchnorm_example_training_mode|the graph has 3 outputs
test_maxpool_with_argmax_2d_precomputed_pads|the graph has 2 outputs
test_matmul_3d|a batched (3-D) second operand
test_identity_sequence|is not a tensor
CASES

# exit codes: bad options 2, a folder without a model 1, a wrong expected output 1 with its errors
"$exe" onnx-test >/dev/null 2>&1
[ $? -eq 2 ] || fail "onnx-test without folders should exit 2"
"$exe" onnx-test --atol x "$data/node/test_relu" >/dev/null 2>&1
[ $? -eq 2 ] || fail "onnx-test --atol x should exit 2"
mkdir -p "$dir/empty" "$dir/wrong/test_data_set_0"
"$exe" onnx-test "$dir/empty" >"$dir/out2" 2>&1
[ $? -eq 1 ] || fail "a folder without model.onnx should exit 1"
grep -q "^fail *empty: .*model.onnx: cannot open" "$dir/out2" || fail "no model: $(cat "$dir/out2")"
cp "$data/node/test_relu/model.onnx" "$dir/wrong/"
cp "$data/node/test_relu/test_data_set_0/input_0.pb" "$dir/wrong/test_data_set_0/"
cp "$data/node/test_leakyrelu/test_data_set_0/output_0.pb" "$dir/wrong/test_data_set_0/"
"$exe" onnx-test "$dir/wrong" >"$dir/out3" 2>&1
[ $? -eq 1 ] || fail "a wrong expected output should exit 1"
grep -q "^fail *wrong: max abs error [0-9.e+-]*, max rel error" "$dir/out3" || fail "wrong output: $(cat "$dir/out3")"
tail -n 1 "$dir/out3" | grep -qx "onnx-test: 0 pass, 1 fail, 0 unsupported" || fail "wrong output summary: $(tail -n 1 "$dir/out3")"

[ "$failures" -eq 0 ] || exit 1
echo "ok"
