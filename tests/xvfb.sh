# xvfb.sh - sourced by the window's test scripts: an X server of their own.
# start_xvfb FIRST LAST SCREEN starts Xvfb with one SCREEN (WxHxDEPTH) on the first free display
# number in FIRST..LAST-1 (each script has its own range, so scripts never share a server), waits
# for its socket, sets xvfb_pid (the caller's trap kills it) and exports DISPLAY. Exits 77 (meson's
# skip) when Xvfb is not installed or no display starts. Needs $tmp for the server's log.
start_xvfb() {
    if ! command -v Xvfb >/dev/null 2>&1; then echo "SKIP: Xvfb is not installed"; exit 77; fi
    xvfb_pid=
    n=$1
    while [ "$n" -lt "$2" ]; do
        if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then
            Xvfb ":$n" -screen 0 "$3" -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
            xvfb_pid=$!
            i=0
            while [ $i -lt 50 ] && [ ! -e "/tmp/.X11-unix/X$n" ] && kill -0 "$xvfb_pid" 2>/dev/null; do
                sleep 0.1; i=$((i + 1)); done
            if [ -e "/tmp/.X11-unix/X$n" ]; then break; fi
            kill "$xvfb_pid" 2>/dev/null; xvfb_pid=
        fi
        n=$((n + 1))
    done
    if [ -z "$xvfb_pid" ]; then echo "SKIP: could not start Xvfb"; cat "$tmp/xvfb.log"; exit 77; fi
    export DISPLAY=":$n"
}
