#!/bin/sh
# lesson_test.sh - `convscope lesson` for real, under Xvfb, every scripted run in lockstep (frame F
# shows step F x N on any machine):
#   - every page of the built-in lesson in English and in Chinese, at 1280x720 and 1920x1080, walked
#     with PageDown alone (a clicker's key): each page's band is dumped (--dump-text) and checked by
#     dump_text_check (no overlaps, every string in its box and the window, no text under the
#     presenter's 1/45 of the window height), and its page text is on screen;
#   - navigation: PageDown, Right, space and a click on the band forward, PageUp and Left back;
#     a question's answer only after the press (and the sum it asks for hidden until then); the set-up
#     restored after free play; a page waiting for a key, and one waiting for an epoch, holding until
#     the action;
#   - --list, a bad lesson file (FILE:LINE:COLUMN, exit 1), --lang zh refused without a CJK font.
# usage: lesson_test.sh PATH/TO/convscope PATH/TO/dump_text_check LESSON_DIR
set -u
exe="$1"
check="$2"
lessons="$3"
tmp=$(mktemp -d)
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
start=$(date +%s)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # Mesa's allocations kept until exit
export ASAN_OPTIONS

# ---- without a window ------------------------------------------------------------------------------
"$exe" lesson --list >"$tmp/list" 2>&1 || fail "--list: exit $?"
grep -q "11 chapters, 38 pages" "$tmp/list" && grep -q " 3  The curve detector" "$tmp/list" &&
    grep -q "3.2  page 9  On the curve  \[question\]" "$tmp/list" && echo "ok: --list" ||
    { fail "--list output"; head -5 "$tmp/list"; }
"$exe" lesson --lang zh --list >"$tmp/listzh" 2>&1 && grep -q "11 chapters, 38 pages" "$tmp/listzh" &&
    grep -q "曲线检测器" "$tmp/listzh" && echo "ok: --lang zh --list" || fail "--lang zh --list"
printf 'title: T\nlanguage: en\n\nchapter: C\npage: P\n@view sideways\nText\n' >"$tmp/bad.lesson"
"$exe" lesson "$tmp/bad.lesson" >/dev/null 2>"$tmp/bad.err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "bad.lesson:6:7: expected one of train|step|backprop after @view, found 'sideways'" "$tmp/bad.err" &&
    [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] && echo "ok: a bad lesson file: one line FILE:LINE:COLUMN, exit 1" ||
    { fail "bad lesson: exit $rc"; cat "$tmp/bad.err"; }
printf 'title: T\nlanguage: en\n\nchapter: C\npage: P\n@view step\n@image nothere.png\nText\n' >"$tmp/miss.lesson"
"$exe" lesson "$tmp/miss.lesson" >/dev/null 2>"$tmp/miss.err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "miss.lesson:7:1: @image nothere.png: .*nothere.png: cannot open" "$tmp/miss.err" &&
    [ "$(wc -l <"$tmp/miss.err")" -eq 1 ] && echo "ok: a file the lesson names is missing: its line, exit 1" ||
    { fail "missing @image: exit $rc"; cat "$tmp/miss.err"; }
"$exe" lesson --page 39 >/dev/null 2>"$tmp/p39.err"; rc=$?
[ "$rc" -eq 1 ] && grep -q -- "--page 39: the lesson has 38 pages" "$tmp/p39.err" && echo "ok: --page past the end: exit 1" ||
    fail "--page 39: exit $rc"
"$exe" lesson --chapter 12 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 1 ] && echo "ok: --chapter past the end: exit 1" || fail "--chapter 12: exit $rc"
"$exe" lesson --lang fr >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: --lang fr is a usage error" || fail "--lang fr: exit $rc"
"$exe" lesson --save x.ckpt >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: --save is refused" || fail "--save: exit $rc"
# no CJK font: fontconfig pointed at an empty configuration; refused before any window opens
printf '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n' >"$tmp/empty.conf"
FONTCONFIG_FILE="$tmp/empty.conf" "$exe" lesson --lang zh >/dev/null 2>"$tmp/nofont.err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "fonts-wqy-microhei" "$tmp/nofont.err" && [ "$(wc -l <"$tmp/nofont.err")" -eq 1 ] &&
    echo "ok: --lang zh without a CJK font: one line, exit 1" || { fail "no CJK font: exit $rc"; cat "$tmp/nofont.err"; }

# ---- an X server -------------------------------------------------------------------------------------
. "$(dirname "$0")/xvfb.sh"
start_xvfb 100 170 1920x1080x24

# ---- every page, both languages, two sizes, PageDown only --------------------------------------------
# A dump and a press every 2 frames; a page holding for an epoch takes presses until the epoch
# ends (--lockstep 12: 25 frames for the 300 steps of an epoch).
walk() { # LANG SIZE
    tag="$1_$2"
    script="" f=4 i=0
    while [ $i -lt 100 ]; do
        script="$script; $f dump $tmp/${tag}_$i.json; $((f + 1)) key PageDown"
        f=$((f + 2)); i=$((i + 1))
    done
    "$exe" lesson --lang "$1" --size "$2" --lockstep 12 --threads 1 --screenshot "$tmp/$tag.png" --frames $((f + 1)) \
        --script "${script#; }" >"$tmp/$tag.out" 2>"$tmp/$tag.err" </dev/null
    rc=$?
    [ "$rc" -eq 0 ] || { fail "$tag: exit $rc"; sed 's/^/  /' "$tmp/$tag.err" | head -5; return; }
    bad=0
    for d in "$tmp/${tag}"_*.json; do
        "$check" check "$d" >"$d.check" || { bad=$((bad + 1)); [ $bad -le 3 ] && sed 's/^/  /' "$d.check" | head -6; }
    done
    [ $bad -eq 0 ] || fail "$tag: $bad dumps fail the text check"
    missing=""
    p=1
    while [ $p -le 38 ]; do
        if [ "$1" = en ]; then pat="page $p of 38"; else pat="第 $p 页，共 38 页"; fi
        grep -l -F "$pat" "$tmp/${tag}"_*.json >/dev/null 2>&1 || missing="$missing $p"
        p=$((p + 1))
    done
    [ -z "$missing" ] && echo "ok: $tag: all 38 pages shown with PageDown alone, $(ls "$tmp/${tag}"_*.json | wc -l) dumps checked" ||
        fail "$tag: pages never shown:$missing"
}
walks="en_1280x720 en_1920x1080 zh_1280x720 zh_1920x1080"
# a sanitized build (CONVSCOPE_TEST_SANITIZED, set by meson) walks once, in Chinese (the CJK paths too)
[ -n "${CONVSCOPE_TEST_SANITIZED:-}" ] && walks="zh_1920x1080"
for w in $walks; do walk "${w%_*}" "${w#*_}"; done
# the page texts themselves (first words of a page of each chapter kind)
for want in "en_1920x1080:Now a filter made to find one shape" "en_1280x720:The first conv layer of AlexNet" \
    "zh_1920x1080:我们要识别图像中的某种特定曲线" "zh_1280x720:慢动作看一次训练" "en_1920x1080:Phase 4 of 7"; do
    tag=${want%%:*} text=${want#*:}
    case " $walks " in *" $tag "*) ;; *) continue ;; esac
    grep -l -F "$text" "$tmp/${tag}"_*.json >/dev/null 2>&1 && echo "ok: $tag shows '$text'" || fail "$tag: '$text' never shown"
done

# ---- navigation, questions, restore, waits ------------------------------------------------------------
d() { echo "$1 dump $tmp/nav_$2.json"; }
# chapter 3 page 1 (page 8): PageDown -> 9 (a question); space reveals; Right -> 10; Left -> 9;
# PageUp -> 8; a click on the band -> 9; Down (free play: the window moves); PageDown twice (the
# answer, then page 10), PageUp -> 9 with its set-up restored
script="$(d 3 a); 4 key PageDown; $(d 7 b); 8 key space; $(d 11 c); 12 key Right; $(d 15 d); 16 key Left; $(d 19 e);
20 key PageUp; $(d 23 f); 24 click 300 700; $(d 27 g); 28 key Down; 29 key Down; $(d 32 h); 33 key PageDown; 35 key PageDown;
38 key PageUp; $(d 41 i)"
"$exe" lesson --chapter 3 --size 1280x720 --screenshot "$tmp/nav.png" --frames 44 --script "$(echo "$script" | tr '\n' ' ')" \
    >"$tmp/nav.out" 2>"$tmp/nav.err" </dev/null || { fail "nav run: exit $?"; head -3 "$tmp/nav.err"; }
has() { grep -q -F "$2" "$tmp/nav_$1.json"; }
has a "page 8 of 38" && has b "page 9 of 38" && echo "ok: PageDown goes forward" || fail "PageDown"
! has b "6600, a very large value" && has b "The next press shows the answer" && ! has b "= 6600" &&
    echo "ok: the answer and the sum are hidden before the press" || fail "answer shown before the press"
has c "page 9 of 38" && has c "6600, a very large value" && has c "= 6600" &&
    echo "ok: space reveals the answer (and the sum) on the same page" || fail "space does not reveal"
has d "page 10 of 38" && has e "page 9 of 38" && has f "page 8 of 38" && has g "page 9 of 38" &&
    echo "ok: Right, Left, PageUp, a click on the band" || fail "Right/Left/PageUp/click"
has h "position x 4, y 12" && has i "page 9 of 38" && has i "position x 4, y 10" &&
    echo "ok: free play (the window moved), then the page's set-up restored" || fail "set-up not restored"
for x in a b c d e f g h i; do "$check" check "$tmp/nav_$x.json" >/dev/null || fail "nav dump $x fails the text check"; done

# a page waiting for a key (chapter 1 page 3: space slides the kernel): the first press does it
"$exe" lesson --page 3 --size 1280x720 --screenshot "$tmp/wk.png" --frames 20 \
    --script "3 dump $tmp/wk_a.json; 4 key PageDown; 7 dump $tmp/wk_b.json; 8 key PageDown; 11 dump $tmp/wk_c.json" \
    >/dev/null 2>"$tmp/wk.err" </dev/null || fail "wait-key run"
grep -q "page 3 of 38" "$tmp/wk_a.json" && grep -q "Press space to slide the kernel" "$tmp/wk_a.json" &&
    grep -q "page 3 of 38" "$tmp/wk_b.json" && grep -q "Done: the next press goes on" "$tmp/wk_b.json" &&
    grep -q "page 4 of 38" "$tmp/wk_c.json" && echo "ok: a key wait: the first press acts, the second goes on" ||
    fail "wait for a key"
# a page waiting for an epoch (chapter 7 page 2): presses hold until the epoch ends (300 steps: frame 30 at 10 a frame)
"$exe" lesson --chapter 7 --page 2 --size 1280x720 --lockstep 10 --threads 1 --screenshot "$tmp/we.png" --frames 48 \
    --script "5 key PageDown; 8 dump $tmp/we_a.json; 12 key PageDown; 15 dump $tmp/we_b.json; 40 key PageDown; 44 dump $tmp/we_c.json" \
    >/dev/null 2>"$tmp/we.err" </dev/null || fail "wait-epoch run"
grep -q "page 23 of 38" "$tmp/we_a.json" && grep -q "page 23 of 38" "$tmp/we_b.json" &&
    grep -q "page 24 of 38" "$tmp/we_c.json" && echo "ok: an epoch wait holds the page until the epoch ends" ||
    fail "wait for an epoch"

# a photo as the probe (a path relative to the lesson file), a test image again, a file that is not an image
mkdir -p "$tmp/own/photos"
awk 'BEGIN { print "P2\n40 30\n255"; for (y = 0; y < 30; y++) { l = ""; for (x = 0; x < 40; x++)
    l = l " " (((x - 20) * (x - 20) + (y - 15) * (y - 15) < 100) ? 250 : 30); print l } }' >"$tmp/own/photos/disc.pgm"
echo "not an image" >"$tmp/own/photos/notes.txt"
printf 'title: Own\nlanguage: en\n\nchapter: Photos\npage: A\n@dataset shapes\n@net mnist\n@paused\n@probe photos/disc.pgm\nA disc.\n\npage: B\n@probe 2\nA test image.\n\npage: C\n@probe photos/notes.txt\nNotes.\n' \
    >"$tmp/own/own.lesson"
"$exe" lesson "$tmp/own/own.lesson" --size 1280x720 --screenshot "$tmp/own.png" --frames 16 \
    --script "3 dump $tmp/own_a.json; 4 key PageDown; 8 dump $tmp/own_b.json; 9 key PageDown; 13 dump $tmp/own_c.json" \
    >"$tmp/own.out" 2>"$tmp/own.err" </dev/null || fail "own lesson run: exit $?"
grep -q "40×30 gray → 28×28 gray" "$tmp/own_a.json" && grep -q "#2: circle" "$tmp/own_b.json" &&
    ! grep -q "40×30 gray → 28×28 gray" "$tmp/own_b.json" && grep -q "notes.txt" "$tmp/own_c.json" &&
    echo "ok: @probe FILE makes a photo the probe, @probe N a test image again, a non-image is said on the page" ||
    { fail "@probe FILE"; grep -o '"text": *"[^"]*\(pgm\|txt\)[^"]*"' "$tmp"/own_*.json | head -5; }

echo "lesson test wall time: $(($(date +%s) - start)) s"
if [ -n "${CONVSCOPE_KEEP_SHOTS:-}" ]; then mkdir -p "$CONVSCOPE_KEEP_SHOTS" && cp "$tmp"/*.png "$CONVSCOPE_KEEP_SHOTS"/; fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
