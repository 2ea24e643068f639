#!/usr/bin/env bash
# debug/gdb_server_symbols: make debug's GDB knows procmgr's symbols, and a breakpoint on a procmgr
# function stops when a process calls vfork, and only then (procmgr and vfs are linked at
# different addresses, so the breakpoint cannot fire in vfs's code).
#
#   gdb_server_symbols.sh <build-dir>
#
# Boots init=/bin/vforkdemo under tools/debug.sh with a GDB command file (GDB_CMDS): a hardware
# breakpoint on pm_clone_do, continue twice; at each stop a backtrace and a copy of the serial log
# as it is at that moment. Pass iff both stops are in pm_clone_do called by pm_sys_vfork from
# pm_syscall, the first while vforkdemo's round 1 is calling vfork() (and no child has run yet),
# the second while round 2 is (round 1 over, round 3 not begun), and no two servers' segments
# overlap (with overlapping images a breakpoint in one fires in the other whenever it runs the
# instruction at that address, which this run may or may not happen to do). No sleeps: GDB waits
# for the breakpoint; GDB_TIMEOUT only bounds a hang.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$build/tests/logs/gdb_server_symbols
rm -rf "$work" && mkdir -p "$work"

cat > "$work/cmds.gdb" <<EOF
delete
hbreak pm_clone_do
continue
bt
shell cp $build/debug-serial.log $work/serial-stop1.log
continue
bt
shell cp $build/debug-serial.log $work/serial-stop2.log
kill
EOF

GDB_CMDS=$work/cmds.gdb GDB_TIMEOUT=${GDB_TIMEOUT:-60} DEBUG_CMDLINE="init=/bin/vforkdemo" \
    bash "$src/tools/debug.sh" "$build" < /dev/null > "$work/gdb.out" 2>&1
status=$?

fail=()
out=$work/gdb.out
# the root servers' images must not share an address (a breakpoint is an address, in every space):
# each PT_LOAD range [vaddr, vaddr + memsz) of every server against every other server's
ranges=$(for elf in "$build"/servers/*/*.elf; do
    readelf -lW "$elf" | awk -v n="$(basename "$elf")" '$1 == "LOAD" {print n, $3, $6}'
done)
overlap=$(echo "$ranges" | python3 -c '
import sys
r = [(n, int(a, 16), int(a, 16) + int(m, 16)) for n, a, m in (l.split() for l in sys.stdin if l.strip())]
print(" ".join("%s/%s" % (x[0], y[0]) for i, x in enumerate(r) for y in r[i + 1:]
               if x[0] != y[0] and x[1] < y[2] and y[1] < x[2]))')
[ "$(echo "$ranges" | awk '{print $1}' | sort -u | wc -l)" -ge 2 ] || fail+=("fewer than 2 servers")
[ -z "$overlap" ] || fail+=("servers' segments overlap: $overlap")
[ $status -eq 124 ] && fail+=("GDB did not finish within ${GDB_TIMEOUT:-60} s")
grep -q "add symbol table from file .*procmgr.elf" "$out" || fail+=("procmgr's symbols not loaded")
stops=$(grep -Ec "^Breakpoint [0-9]+, pm_clone_do" "$out")
[ "$stops" = 2 ] || fail+=("$stops stops at pm_clone_do, expected 2")
# each backtrace: pm_clone_do <- pm_sys_vfork <- pm_syscall (procmgr's dispatcher)
bts=$(awk '/^#0 .*pm_clone_do/ {f = 1} f && /pm_sys_vfork/ {v = 1}
           f && /pm_syscall/ {if (v) n++; f = v = 0} END {print n + 0}' "$out")
[ "$bts" = 2 ] || fail+=("$bts backtraces pm_clone_do <- pm_sys_vfork <- pm_syscall, expected 2")
s1=$work/serial-stop1.log s2=$work/serial-stop2.log
if [ -f "$s1" ] && [ -f "$s2" ]; then
    # vforkdemo's last line is its parent's "calling vfork()"; no line of a child yet
    last_is_vfork() { tail -n 1 "$1" | grep -Eq '^\[\+[0-9.]+s\] parent: .*calling vfork\(\)'; }
    grep -q "Round 1: vfork() then _exit()" "$s1" && last_is_vfork "$s1" &&
        ! grep -Eq '^\[\+[0-9.]+s\] child' "$s1" || fail+=("stop 1 is not round 1's vfork (see $s1)")
    grep -q "Round 2: vfork() then execve()" "$s2" && last_is_vfork "$s2" &&
        ! grep -q "Round 3" "$s2" || fail+=("stop 2 is not round 2's vfork (see $s2)")
else
    fail+=("no serial log copies at the stops")
fi

if [ ${#fail[@]} -eq 0 ]; then
    echo "PASS: debug/gdb_server_symbols: pm_clone_do stopped at round 1's and round 2's vfork, nowhere else"
    grep -A4 "^#0 .*pm_clone_do" "$out" | head -5
    exit 0
fi
for f in "${fail[@]}"; do echo "FAIL: $f"; done
echo "--- GDB's output ($out), last 40 lines:"
tail -n 40 "$out"
exit 1
