#!/bin/sh
# po_check.sh - the window's catalogues are complete and current: each language of po/LINGUAS
# compiles with msgfmt --check (every translation keeps its msgid's format directives) and
# --statistics shows no untranslated and no fuzzy message; the strings the sources mark today
# (xgettext over po/POTFILES with the build's own arguments) are all in it, translated, and it
# holds none they no longer mark (run `meson compile -C build convscope-update-po` to merge).
# Exits 77 (skipped) only when gettext's tools (Debian: gettext) are missing.
# usage: po_check.sh PO_DIR SOURCE_ROOT XGETTEXT_ARGS...
set -u
po="$1"
root="$2"
shift 2
for tool in msgfmt xgettext msgcmp msgattrib; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed (Debian: gettext)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

(cd "$root" && xgettext --package-name=convscope -f "$po/POTFILES" -D "$root" -o "$tmp/now.pot" "$@") ||
    { echo "FAIL: xgettext"; exit 1; }
marked=$(grep -c '^msgid ' "$tmp/now.pot")
echo "the sources mark $((marked - 1)) strings"
[ "$marked" -gt 100 ] || fail "only $((marked - 1)) strings are marked in the sources"

langs=$(sed 's/#.*//' "$po/LINGUAS" | tr -s ' \t' '\n' | grep -v '^$')
[ -n "$langs" ] || fail "po/LINGUAS names no language"
for l in $langs; do
    f="$po/$l.po"
    [ -f "$f" ] || { fail "$l: $f is missing"; continue; }
    if ! msgfmt --check --statistics -o "$tmp/$l.mo" "$f" 2>"$tmp/$l.stats"; then
        fail "$l: msgfmt --check"
        sed 's/^/  /' "$tmp/$l.stats"
        continue
    fi
    stats=$(cat "$tmp/$l.stats")
    echo "$l: $stats"
    case "$stats" in
    *untranslated* | *fuzzy*) fail "$l: not complete: $stats" ;;
    esac
    # every marked string translated here, and nothing here the sources do not mark
    msgcmp "$f" "$tmp/now.pot" >"$tmp/$l.cmp" 2>&1 || { fail "$l: strings of the sources missing"; head -20 "$tmp/$l.cmp"; }
    msgcmp --use-untranslated "$tmp/now.pot" "$f" >"$tmp/$l.cmp2" 2>&1 ||
        { fail "$l: strings the sources no longer mark"; head -20 "$tmp/$l.cmp2"; }
    obsolete=$(msgattrib --only-obsolete "$f" | grep -c '^#~ msgid')
    [ "$obsolete" -eq 0 ] || fail "$l: $obsolete obsolete (#~) messages"
    # the header says how to count
    grep -q '"Plural-Forms: nplurals=' "$f" || fail "$l: no Plural-Forms header"
done
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
