#!/bin/sh
# gui_lang.sh - the window in Chinese: every view (training, step, help overlay, enlarged map, a
# whole layer's kernels enlarged),
# plain and presenting, at 1280x720 and 1920x1080 with --scale 1 and 2, drawn with --lang zh and
# checked from its --dump-text by dump_text_check: no two strings overlap, every string inside its
# box and the window, no number cell empty, no text under the minimum size (`check`), the layout
# made for the real size (`frame`), and the strings Chinese with none left in English (`lang`; the
# same check fails on the English frame, so it can fail). When a font with Chinese glyphs is
# installed (fonts-wqy-microhei or fonts-noto-cjk), the plain views are drawn a second time in that
# font (through CONVSCOPE_DATA_DIR), so every box is measured as wide as Chinese really is drawn.
# Then: the locale picks the language (LANG=zh_CN.UTF-8, no --lang), --lang en wins over it, LANGUAGE
# counts only outside the C locale, a bad --lang exits 2, and `gui --help` stays English.
# Everything runs in lockstep (a script implies it): no timing, any machine.
# Exits 77 (skipped) only when no X server can be started.
# usage: gui_lang.sh PATH/TO/convscope PATH/TO/dump_text_check
set -u
exe="$1"
check="$2"
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
# no language from the caller's environment: each run below says which it wants
unset LANGUAGE LC_ALL LC_MESSAGES LANG

# Option errors need no display: a language without a catalogue is a usage error (exit 2).
for bad in fr zh_TW klingon ""; do
    "$exe" gui --lang "$bad" >"$tmp/bad.out" 2>"$tmp/bad.err" </dev/null
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q "bad value '$bad' for --lang" "$tmp/bad.err"; then :; else
        fail "--lang '$bad': exit $rc, want 2 and the value named"; head -2 "$tmp/bad.err"; fi
done
echo "ok: --lang fr, zh_TW, klingon and '' are usage errors"
# gui --help is the CLI's: English whatever the locale
LANG=zh_CN.UTF-8 "$exe" gui --help >"$tmp/help.txt" 2>&1
if grep -q "^Keys of the training view:" "$tmp/help.txt" && grep -q "pause / resume training" "$tmp/help.txt" &&
    grep -q -- "--lang en|zh" "$tmp/help.txt"; then echo "ok: gui --help stays English and lists --lang"; else
    fail "gui --help under LANG=zh_CN.UTF-8"; fi

. "$(dirname "$0")/xvfb.sh"
start_xvfb 230 300 1920x1080x24
start=$(date +%s)

sizes="1280x720 1920x1080"
scales="1 2"
# a sanitized build (CONVSCOPE_TEST_SANITIZED, set by meson) checks memory on one size and scale
if [ -n "${CONVSCOPE_TEST_SANITIZED:-}" ]; then sizes="1920x1080" scales="2"; fi

# matrix FONT VIEW MODE FIRST ARGS...: one window through the sizes and scales in Chinese; FONT is
# a font directory for CONVSCOPE_DATA_DIR ("" for the build's); FIRST a script item for frame 1
matrix() {
    font="$1"; view="$2"; mode="$3"; first="$4"; shift 4
    tagbase="${view}_${mode}${font:+_cjk}"
    script="$first" f=2
    for sz in $sizes; do for sc in $scales; do
        script="$script; $f size $sz; $f scale $sc; $((f + 2)) dump $tmp/${tagbase}_${sz}_$sc.json"
        [ -n "${CONVSCOPE_KEEP_SHOTS:-}" ] && script="$script; $((f + 2)) shot $tmp/${tagbase}_${sz}_$sc.png"
        f=$((f + 3))
    done; done
    present=""
    [ "$mode" = present ] && present="--present"
    # shellcheck disable=SC2086
    CONVSCOPE_DATA_DIR="$font" "$exe" gui --lang zh --dataset shapes --limit 600 --size 1280x720 $present "$@" \
        --screenshot "$tmp/${tagbase}_last.png" --frames $((f + 1)) --script "${script#; }" \
        >"$tmp/$tagbase.out" 2>"$tmp/$tagbase.err" </dev/null
    rc=$?
    [ "$rc" -eq 0 ] || { fail "$tagbase: exit $rc"; sed 's/^/  /' "$tmp/$tagbase.err" | head -5; }
    min=0 zh=10
    [ "$view" = step ] && min=147 zh=8 # window, kernel and products: 49 numbers each
    [ "$view" = help ] && zh=30        # the key rows
    [ "$view" = layer ] && zh=8        # an enlarged layer: its title, caption and the bars
    shown="$view"
    [ "$view" = layer ] && shown=enlarged
    for sz in $sizes; do for sc in $scales; do
        tag="${tagbase}_${sz}_$sc"
        if [ ! -s "$tmp/$tag.json" ]; then fail "$tag: no dump"; continue; fi
        "$check" frame "$tmp/$tag.json" "${sz%x*}" "${sz#*x}" >"$tmp/$tag.frame" ||
            { fail "$tag: frame"; sed 's/^/  /' "$tmp/$tag.frame"; }
        "$check" check "$tmp/$tag.json" --view "$shown" --min-values $min >"$tmp/$tag.check" ||
            { fail "$tag: text"; sed 's/^/  /' "$tmp/$tag.check" | head -12; }
        "$check" lang "$tmp/$tag.json" $zh >"$tmp/$tag.lang" ||
            { fail "$tag: language"; sed 's/^/  /' "$tmp/$tag.lang" | head -12; }
    done; done
    echo "ok: $tagbase: $(ls "$tmp"/"${tagbase}"_*.json 2>/dev/null | wc -l) frames in Chinese"
}

for mode in plain present; do
    matrix "" train "$mode" ""
    matrix "" step "$mode" "" --view step
    matrix "" help "$mode" "1 key h"
    matrix "" enlarged "$mode" "1 enlarge map pool1 3"
    matrix "" layer "$mode" "1 enlarge kernels conv2"
done
# a font that has Chinese glyphs, standing in for DejaVu: the real widths of Chinese text
cjk=
for f in /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc; do
    [ -r "$f" ] && { cjk="$f"; break; }
done
if [ -n "$cjk" ]; then
    mkdir -p "$tmp/cjk/fonts"
    ln -s "$cjk" "$tmp/cjk/fonts/DejaVuSans.ttf"
    ln -s "$cjk" "$tmp/cjk/fonts/DejaVuSansMono.ttf"
    matrix "$tmp/cjk" train plain ""
    matrix "$tmp/cjk" step plain "" --view step
    matrix "$tmp/cjk" help plain "1 key h"
    matrix "$tmp/cjk" enlarged plain "1 enlarge map pool1 3"
else
    echo "note: no font with Chinese glyphs installed (fonts-wqy-microhei, fonts-noto-cjk): drawn in the build's fonts only"
fi

# The English frame fails the language check: the check can fail.
"$exe" gui --lang en --dataset shapes --limit 600 --size 1280x720 --screenshot "$tmp/en.png" --frames 4 \
    --dump-text "$tmp/en.json" >/dev/null 2>&1 </dev/null || fail "--lang en run"
if "$check" lang "$tmp/en.json" 1 >"$tmp/en.lang"; then fail "the language check passes an English frame"; else
    echo "ok: the English frame fails the language check ($(grep -c '^FAIL' "$tmp/en.lang") strings named)"; fi
"$check" check "$tmp/en.json" --view train --contains "Learning curves" >/dev/null || fail "--lang en is not English"

# The locale: LANG picks Chinese; --lang en wins over it; LANGUAGE counts outside the C locale only.
# lang_run NAME EXPECT "VAR=VALUE..." ARGS...: one frame's dump with that environment and those
# options, which must be Chinese (zh) or English (en)
lang_run() {
    name="$1"; expect="$2"; vars="$3"; shift 3
    # shellcheck disable=SC2086
    env $vars "$exe" gui "$@" --dataset shapes --limit 600 --size 1280x720 --screenshot "$tmp/$name.png" --frames 4 \
        --dump-text "$tmp/$name.json" >/dev/null 2>"$tmp/$name.err" </dev/null || { fail "$name: exit"; return; }
    if [ "$expect" = zh ]; then
        "$check" lang "$tmp/$name.json" 10 >/dev/null && echo "ok: $name: Chinese" || fail "$name: not Chinese"
    else
        "$check" check "$tmp/$name.json" --view train --contains "Learning curves" >/dev/null &&
            echo "ok: $name: English" || fail "$name: not English"
    fi
}
lang_run locale-zh zh "LANG=zh_CN.UTF-8"
lang_run lang-en-wins en "LANG=zh_CN.UTF-8" --lang en
lang_run lang-zh-wins zh "LANG=en_US.UTF-8" --lang zh_CN
lang_run lc-all-c en "LC_ALL=C LANG=zh_CN.UTF-8"
lang_run language-list zh "LANGUAGE=fr:zh_CN LANG=de_DE.UTF-8"
lang_run language-c-locale en "LANGUAGE=zh_CN LANG=C"

echo "wall time: $(($(date +%s) - start)) s"
if [ -n "${CONVSCOPE_KEEP_SHOTS:-}" ]; then mkdir -p "$CONVSCOPE_KEEP_SHOTS" && cp "$tmp"/*.png "$tmp"/*.json "$CONVSCOPE_KEEP_SHOTS"/; fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
