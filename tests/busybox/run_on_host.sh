#!/usr/bin/env bash
# Runs the busybox and bash guest suites (tests/busybox, tests/bash) on this Linux machine with
# the same Debian binaries (/bin/busybox, /bin/bash-static) and the same runner, so that every
# .expected file is what Linux's busybox and bash print.
#   run_on_host.sh <source-dir> <cmpout> [--update] [suite...]   (suites: busybox bash)
# --update rewrites the .expected files from Linux's output instead of comparing.
# The suite's PATH is a directory of busybox's applets (as /usr/bin on Kestrel) and then bash.
set -uo pipefail
src=$1 cmpout=$2
shift 2
update=0
[ "${1:-}" = --update ] && { update=1; shift; }
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(busybox bash)
tmp=$(mktemp -d /tmp/bbhost.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/usr/bin" "$tmp/bin" "$tmp/run"
for a in $(/bin/busybox --list); do ln -s /bin/busybox "$tmp/usr/bin/$a"; done
ln -s /bin/bash-static "$tmp/bin/bash"
status=0
for s in "${suites[@]}"; do
    case $s in
    busybox) shell=(/bin/busybox sh) ;;
    bash) shell=(/bin/bash-static) ;;
    *) echo "run_on_host: unknown suite $s" >&2; exit 2 ;;
    esac
    if [ $update -eq 1 ]; then
        for t in "$src/tests/$s"/*.sh; do
            n=${t##*/}; n=${n%.sh}
            case $n in run | run_on_host | console_on_host) continue ;; esac
            w=$tmp/run/$s.$n   # the name run.sh gives it
            rm -rf "$w"; mkdir -p "$w"
            (cd "$w" && env -i PATH="$tmp/usr/bin:$tmp/bin" HOME=/ TERM=vt100 \
                TMPDIR="$w" timeout 120 "${shell[@]}" "$t" > "$src/tests/$s/$n.expected" 2>&1)
            echo "updated tests/$s/$n.expected"
        done
        continue
    fi
    env -i PATH="$tmp/usr/bin:$tmp/bin" HOME=/ TERM=vt100 TMPDIR="$tmp/run" CMPOUT="$cmpout" \
        SUITE_PATH="$tmp/usr/bin:$tmp/bin" \
        /bin/busybox sh "$src/tests/busybox/run.sh" "$src/tests/$s" "${shell[@]}" || status=1
done
exit $status
