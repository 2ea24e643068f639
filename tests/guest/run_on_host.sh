#!/usr/bin/env bash
# Builds the guest test programs with musl-gcc and runs them on this Linux host, which is the
# reference: every test must pass here (the OS-specific assertions are skipped off Kestrel).
# Each program runs twice, to check that it cleans up after itself, and /tmp must hold no
# leftover gt_* files afterwards.
#
#   bash tests/guest/run_on_host.sh [program...]     default: all of them
#
# The programs find their helpers (t_child, t_crash) through $GTEST_DIR instead of /tests.
# t_system needs /bin/sh. Exit status 0 iff everything passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/gtest-host.XXXXXX)
trap 'rm -rf "$out"' EXIT
cc=(musl-gcc -static -std=gnu11 -O2 -g -Wall -Wextra -Werror)

all=(t_files t_dirs t_pipe t_mem t_misc t_exec t_vdso t_signals t_spawn t_system t_vfork t_clone t_spawn_stress t_proc
     t_poll t_fifo t_procfiles t_jobctl t_timers t_fork t_threads t_futex t_clone3 t_thread_exit t_thread_stress
     t_mmap t_memlimit t_exhaust t_ptrace t_pvm t_scale)
progs=("$@")
[ ${#progs[@]} -eq 0 ] && progs=("${all[@]}")

"${cc[@]}" -o "$out/t_child" "$here/t_child.c" || exit 1
"${cc[@]}" -o "$out/t_crash" "$here/t_crash.c" || exit 1
"${cc[@]}" -o "$out/t_bigtext" "$here/t_bigtext.c" || exit 1
"${cc[@]}" -mcmodel=medium -o "$out/t_bigbss" "$here/t_bigbss.c" || exit 1
for p in "${progs[@]}"; do
    "${cc[@]}" -o "$out/$p" "$here/$p.c" "$here/gtest.c" "$here/gt_snap.c" || exit 1
done

export GTEST_DIR=$out
failed=()
for p in "${progs[@]}"; do
    for run in 1 2; do
        log="$out/$p.$run.log"
        (cd /tmp && "$out/$p") > "$log" 2>&1
        rc=$?
        summary=$(tail -n 1 "$log")
        if [ $rc -ne 0 ] || ! [[ "$summary" =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
            echo "FAIL $p (run $run, exit $rc):"
            grep -v '^PASS ' "$log" | sed 's/^/    /'
            failed+=("$p")
            break
        fi
        [ $run -eq 1 ] && echo "ok   $p: $summary"
    done
done

leftovers=$(find /tmp -maxdepth 1 -name 'gt_*' 2>/dev/null)
if [ -n "$leftovers" ]; then
    echo "FAIL: files left in /tmp:"
    echo "$leftovers" | sed 's/^/    /'
    failed+=(leftovers)
fi

if [ ${#failed[@]} -ne 0 ]; then
    echo "host check: FAILED (${failed[*]})"
    exit 1
fi
echo "host check: all passed"
