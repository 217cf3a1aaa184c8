#!/bin/sh
# test_cli_untrusted.sh - issue 10 end to end: every kind of hostile or ordinary-looking file
# through the commands a teacher would use (convolve, export, train), each under a 10 s
# timeout (30 s in a sanitizer build) and, where the build allows it, a 1 GiB address-space
# limit. A hostile file must give exit 1 and one line naming the file, what was expected and
# what was found; an ordinary one the right numbers.
# usage: test_cli_untrusted.sh PATH/TO/convscope PATH/TO/untrusted_files.py
#   (set CS_VALGRIND=1 to run every command under valgrind --error-exitcode=9 instead)
set -u
exe="$1"
gen="$2"
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0
python3 "$gen" "$dir/f" || { echo "FAIL: cannot write the files"; exit 1; }
f="$dir/f"

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# The 1 GiB limit: AddressSanitizer reserves terabytes of address space for its shadow
# memory, so a sanitized build runs without it (its allocator still bounds the run).
# Such a build is also several times slower: its time limit is 30 s instead of 10.
limit=""
seconds=10
if (ulimit -v 1048576 && "$exe" --version >/dev/null 2>&1); then limit="ulimit -v 1048576;"; else seconds=30; fi
[ -n "$limit" ] || echo "note: no address-space limit and $seconds s per command (sanitizer build)"
wrap=""
[ "${CS_VALGRIND:-0}" = 1 ] && wrap="valgrind -q --error-exitcode=9" && limit=""

# run WANT_RC ARGS...: convscope ARGS within the limits; stdout in $dir/out, stderr in $dir/err.
run() {
    want=$1
    shift
    sh -c "$limit exec timeout ${CS_TIMEOUT:-$seconds} $wrap \"\$0\" \"\$@\"" "$exe" "$@" >"$dir/out" 2>"$dir/err" </dev/null
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "convscope $*: exit $rc, want $want; stderr: $(head -c 600 "$dir/err")"
        return 1
    fi
    echo "ok: exit $rc: convscope $*"
}

contains() { # FILE TEXT
    grep -qF -- "$2" "$dir/$1" || fail "$1 lacks '$2': $(head -c 400 "$dir/$1")"
}

# One line on stderr (besides notes) naming the file.
refused() { # FILE_NAME_FRAGMENT TEXT...
    [ "$(grep -vc '^convscope [a-z]*: note: ' "$dir/err")" -eq 1 ] || fail "expected one line on stderr, got: $(cat "$dir/err")"
    name="$1"
    shift
    contains err "$name"
    for t in "$@"; do contains err "$t"; done
}

# A 1x1 kernel of 1: the response map is the image as read.
printf '1\n' >"$f/one.txt"

# 1. 16-bit colour read as gray: 0x1234, 0x5678, 0x9abc are 18, 86, 154; gray 73.
run 0 convolve --image "$f/ppm16-small.ppm" --kernel "$f/one.txt" --json && contains out '"output": [[73, 73, 73, 73, 73, 73, 73]'
run 0 convolve --image "$f/ppm16-600.ppm" --kernel "$f/one.txt" && contains out "max 73 at" && contains out "min 73 at"
run 0 convolve --image "$f/ppm16-600.ppm" --kernel box --out "$dir/map.png"
# as RGB: a 3-channel kernel that picks red, then blue
printf '1\n\n0\n\n0\n' >"$f/red.txt"
printf '0\n\n0\n\n1\n' >"$f/blue.txt"
run 0 convolve --image "$f/ppm16-small.ppm" --kernel "$f/red.txt" && contains out "max 18 at"
run 0 convolve --image "$f/ppm16-small.ppm" --kernel "$f/blue.txt" && contains out "max 154 at"
# 2. 16-bit samples are big-endian: 0x1234 is 18
run 0 convolve --image "$f/pgm16.pgm" --kernel "$f/one.txt" --json && contains out '[18, 18, 18, 18, 18, 18]'
# 3. palette indices past the palette are refused; a good palette reads right (white = 255)
run 1 convolve --image "$f/bmp-index-past-palette.bmp" --kernel box &&
    refused bmp-index-past-palette.bmp "palette index 5" "the palette has 2 entries"
run 0 convolve --image "$f/bmp-palette-ok.bmp" --kernel "$f/one.txt" --at 1,0 --json && contains out '"sum": 255'
# 4. truncated files, refused without allocating what they declare
run 1 convolve --image "$f/tga-header-only.tga" --kernel box && refused tga-header-only.tga "TGA images are not supported" "expected PNG, JPEG"
run 1 convolve --image "$f/bmp-header-only.bmp" --kernel box && refused bmp-header-only.bmp "truncated BMP: 70 bytes"
run 1 convolve --image "$f/tga-half.tga" --kernel box && refused tga-half.tga "TGA images are not supported"
# 5. a Radiance HDR cut short: refused at once, by name
run 1 convolve --image "$f/hdr-cut.hdr" --kernel box && refused hdr-cut.hdr "Radiance HDR images are not supported"
# 6. dimensions checked against the budget before decoding
run 1 convolve --image "$f/jpeg-30000.jpg" --kernel box &&
    refused jpeg-30000.jpg "JPEG of 30000x30000 = 900000000 pixels is over the image budget of 67108864 pixels"
run 1 convolve --image "$f/ppm16-600.ppm" --kernel box --max-pixels 359999 && refused ppm16-600.ppm "over the image budget of 359999"
run 1 export --load "$f/ckpt-flat.ckpt" --image "$f/jpeg-30000.jpg" --out "$dir/exp-jpeg" && refused jpeg-30000.jpg "image budget"
# 7. a PNG cut anywhere: refused with a reason after the colon (every 7th cut point)
size=$(wc -c <"$f/png-whole.png")
cut=1
while [ "$cut" -lt "$size" ]; do
    head -c "$cut" "$f/png-whole.png" >"$f/png-cut.png"
    run 1 convolve --image "$f/png-cut.png" --kernel box >/dev/null || true
    grep -Eq 'png-cut.png: (truncated|corrupt) .*[^:[:space:]]$' "$dir/err" || fail "cut at $cut: $(cat "$dir/err")"
    cut=$((cut + 7))
done
echo "ok: a PNG of $size bytes cut at every 7th byte"
run 0 convolve --image "$f/png-whole.png" --kernel "$f/one.txt" --at 5,2 --json && contains out '"sum": 31'
# 16. a DHT segment with more than 256 codes: libjpeg-turbo refuses it
run 1 convolve --image "$f/jpeg-dht-overflow.jpg" --kernel box && refused jpeg-dht-overflow.jpg "corrupt JPEG" "Huffman"
# 8. IDX: a gzip stream longer than its header claims is not inflated whole; a header that
#    claims more than the file can hold is refused before anything is allocated
run 1 train --dataset mnist --data "$f/idx-bomb" --epochs 1 &&
    refused train-images-idx3-ubyte.gz "at least 1048576 bytes after the image data"
run 1 train --dataset mnist --data "$f/idx-claims" --epochs 1 &&
    refused train-images-idx3-ubyte.gz "the header claims 47040016 bytes, but a gzip file of"
# 9. numbers that do not fit an int or a float are refused, not wrapped
run 1 train --dataset shapes --net "input 99999999999x1x1, fc 2" &&
    refused "spec item 1 'input 99999999999x1x1'" "height 99999999999 is out of range (expected 1..4096)"
run 1 train --dataset shapes --net "input 28x28x1, conv 1@1000000" && refused "kernel size 1000000 is out of range"
run 1 convolve --image demo:curve --kernel "$f/kernel-huge-number.txt" &&
    refused "kernel-huge-number.txt:2:3:" "is out of range (a float holds at most about 3.4e38)"
# 10. a byte-order mark and CRLF read like the plain file
run 0 convolve --image demo:edges --kernel "$f/kernel-plain.txt" && cp "$dir/out" "$dir/plain.out"
run 0 convolve --image demo:edges --kernel "$f/kernel-bom-crlf.txt"
sed 's/kernel-bom-crlf.txt/kernel-plain.txt/' "$dir/out" | cmp -s - "$dir/plain.out" || fail "BOM + CRLF kernel reads differently"
# 11. ranges that overflow or have zero width are drawn, not turned into wild indices
run 0 convolve --image demo:curve --kernel "$f/kernel-1e36.txt" --out "$dir/e36.png" && [ -s "$dir/e36.png" ] ||
    fail "no PNG for 1e36"
run 0 convolve --image demo:curve --kernel "$f/kernel-1e36.txt" --pad 1 --json && contains out '"output": [['
run 0 export --load "$f/ckpt-3e38.ckpt" --out "$dir/exp-3e38" && [ -s "$dir/exp-3e38/conv1_kernels_step0000000.png" ] ||
    fail "no kernel picture for +-3e38"
run 0 export --load "$f/ckpt-flat.ckpt" --image "$f/pgm16.pgm" --out "$dir/exp-flat" &&
    [ -s "$dir/exp-flat/conv1_maps_step0000000.png" ] || fail "no map picture for a flat map"
run 1 export --load "$f/ckpt-nan.ckpt" --out "$dir/exp-nan" && refused ckpt-nan.ckpt "section PARM of conv1 weight 7 (filter 0, channel 0, row 2, column 1) is NaN"
# 12. a net's input and activation memory are budgeted, from --net and from a checkpoint
run 1 export --load "$f/ckpt-big-input.ckpt" --out "$dir/exp-big" &&
    refused ckpt-big-input.ckpt "input 4096x4096x3 has 50331648 values, over the budget of 16777216 per image"
run 1 export --load "$f/ckpt-huge-input.ckpt" --out "$dir/exp-huge" && refused ckpt-huge-input.ckpt "height 16384 is out of range"
[ ! -e "$dir/exp-big" ] || [ -z "$(ls "$dir/exp-big")" ] || fail "export of a refused net wrote files"
# 13. a folder of one or two images per class holds one of each out; one image per class is an error
run 0 train --dataset "$f/few" --epochs 1 && contains out "3 train / 2 test images" && contains out "test accuracy"
run 1 train --dataset "$f/single" --epochs 1 && refused single "every class folder holds one image"
# 1, 3, 4 in a folder: the 16-bit PPM loads, the bad files stop the load with their name
run 0 train --dataset "$f/folder16" --epochs 1 --limit 4
run 1 train --dataset "$f/folder-palette" --epochs 1 && refused bad.bmp "palette index 5"
run 1 train --dataset "$f/folder-tga" --epochs 1 && refused bad.tga "TGA images are not supported"
run 1 train --dataset "$f/folder-bmphead" --epochs 1 && refused bad.bmp "truncated BMP"
# 14. train --save of a net without conv layers
run 0 train --dataset shapes --net "input 28x28x1, fc 8" --limit 40 --epochs 1 --save "$dir/fc.ckpt" && [ -s "$dir/fc.ckpt" ] ||
    fail "no checkpoint of an fc net"
run 0 train --load "$dir/fc.ckpt" --epochs 1
run 2 export --load "$dir/fc.ckpt" --out "$dir/exp-delay" --delay=0 && contains err "bad value '0' for --delay"
run 2 export --load "$dir/fc.ckpt" --out "$dir/exp-delay" --delay 0 && contains err "bad value '0' for --delay"
run 1 export --load "$dir/fc.ckpt" --out "$dir/exp-fc" && contains err "nothing to draw: the net has no conv layers"
run 0 export --load "$dir/fc.ckpt" --out "$dir/exp-fc" --probe 1 && [ -s "$dir/exp-fc/input.png" ] ||
    fail "export of an fc net with --probe wrote no maps"
run 2 export --load "$dir/fc.ckpt" --out "$dir/exp-probe" --probe abc && contains err "bad value 'abc' for --probe"
# --save into a folder that is not there: said before any training
run 1 train --dataset shapes --limit 40 --epochs 1 --save "$dir/no-such-folder/x.ckpt" && refused no-such-folder "no folder" &&
    ! grep -q "epoch" "$dir/out" || fail "--save into a missing folder trained first"
# named pipes never block a reader: each is refused at once (opening one waits for a writer)
mkfifo "$dir/pipe.png" "$dir/pipe.ckpt" "$dir/pipe.lesson" "$dir/pipe.onnx" "$dir/pipe.txt" 2>/dev/null && {
    run 1 convolve --image "$dir/pipe.png" --kernel box && refused pipe.png "named pipe"
    run 1 train --load "$dir/pipe.ckpt" && refused pipe.ckpt "named pipe"
    run 1 lesson "$dir/pipe.lesson" --list && refused pipe.lesson "named pipe"
    run 1 train --model "$dir/pipe.onnx" --dataset shapes && refused pipe.onnx "named pipe"
    run 1 convolve --image demo:curve --kernel "$dir/pipe.txt" && refused pipe.txt "named pipe"
}
# a probe past the test set: refused before any file is written
run 1 export --load "$dir/fc.ckpt" --out "$dir/exp-probe" --probe 99999 && contains err "(0.." &&
    { [ ! -e "$dir/exp-probe" ] || [ -z "$(ls -A "$dir/exp-probe")" ]; } || fail "export --probe 99999 wrote files"
# 15. conv padding of any size, as PyTorch: a 1x1 kernel with pad 2, the border is the bias
run 0 convolve --image "$f/pgm16.pgm" --kernel "$f/one.txt" --pad 2 --bias 0.5 --json &&
    contains out '"height": 9, "width": 10, "output": [[0.5, 0.5, 0.5' && contains out '[0.5, 0.5, 18.5, 18.5'
run 0 train --dataset shapes --net "input 28x28x1, conv 2@1 pad 2, relu, fc 8" --limit 40 --epochs 1
run 1 train --dataset shapes --net "input 28x28x1, maxpool 3 pad 2, fc 8" && refused "is more than half the 3x3 window: at most 1 above and below, 1 left and right (PyTorch's rule)"
# a net whose input would make the adapted dataset huge is refused before anything is adapted
if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    run 1 train --dataset fashion-mnist --net "input 1024x1024x3, conv 1@3 stride 64, fc 10" --batch 1 &&
        refused fashion-mnist "70000 images adapted to the net's 1024x1024x3 input would take 205.1 GiB" "data budget"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all untrusted-input checks passed"
