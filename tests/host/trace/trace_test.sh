#!/bin/bash
# host/trace: user/trace on Linux (built natively), checked with grep; no pid or time is assumed.
#   trace_test.sh TRACE VFORK_HELPER ROUTE_FORMAT
# Exits 77 (ctest: skipped) if ptrace is not allowed here, 1 if any check failed (all are run).
set -u
TRACE=$1
HELPER=$2
ROUTE_FORMAT=$3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0

fail() {
    echo "FAIL $*"
    fails=$((fails + 1))
}
# has FILE REGEX WHAT: FILE has a line matching the extended REGEX
has() {
    grep -Eq -- "$2" "$1" || { fail "$3: no line matching /$2/ in $(basename "$1")"; sed 's/^/    /' "$1" | head -40; }
}
hasnt() {
    ! grep -Eq -- "$2" "$1" || fail "$3: a line matches /$2/ in $(basename "$1")"
}

# 0. The --route line's format (no ptrace needed).
"$ROUTE_FORMAT" || fail "route_format"

# Is ptrace allowed at all (containers, Yama)?
if ! "$TRACE" -o "$W/probe.out" /bin/true 2>"$W/probe.err"; then
    if grep -q 'trace: ptrace:' "$W/probe.err"; then
        echo "SKIP: ptrace is not available here: $(cat "$W/probe.err")"
        [ "$fails" -gt 0 ] && exit 1
        exit 77
    fi
fi

# 1. A pipeline in sh: execve with its argv, pipe, fork/clone, SIGCHLD, exits; -o writes the file.
out=$("$TRACE" -f -o "$W/sh.out" sh -c 'echo hi | wc -c' 2>"$W/sh.err")
rc=$?
[ "$rc" = 0 ] || fail "sh pipeline: trace exited $rc"
[ "$(echo $out)" = 3 ] || fail "sh pipeline: its output was '$out', not 3"
[ -s "$W/sh.err" ] && fail "-o: something went to stderr: $(cat "$W/sh.err")"
has "$W/sh.out" '^\[pid [0-9]+\] execve\("[^"]*/sh", \["sh", "-c", "echo hi \| wc -c"\], 0x[0-9a-f]+ /\* [0-9]+ vars? \*/\) = 0$' "execve with argv"
has "$W/sh.out" '^\[pid [0-9]+\] pipe2?\(\[[0-9]+, [0-9]+\](, 0)?\) = 0$' "pipe"
has "$W/sh.out" '(clone|clone3|vfork|fork)\(.*\) = [0-9]+$|<\.\.\. (clone|clone3|vfork|fork) resumed>.* = [0-9]+$' "fork of the pipeline"
has "$W/sh.out" 'execve\("[^"]*/wc", \["wc", "-c"\]' "wc's execve"
has "$W/sh.out" 'write\(1, "hi\\n", 3' "echo's write"
has "$W/sh.out" '^\[pid [0-9]+\] --- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=[0-9]+, si_uid=[0-9]+, si_status=0\} ---$' "SIGCHLD"
main=$(sed -n '1s/^\[pid \([0-9]*\)\].*/\1/p' "$W/sh.out")
[ "$(tail -n 1 "$W/sh.out")" = "[pid $main] +++ exited with 0 +++" ] ||
    fail "the last line is not sh's exit: $(tail -n 1 "$W/sh.out")"
[ "$(grep -c '+++ exited with 0 +++' "$W/sh.out")" = 3 ] || fail "not three exits (sh, echo's fork, wc)"

# 2. vfork_helper: the vfork protocol three ways, and an errno name.
"$TRACE" -f -o "$W/v.out" "$HELPER" /bin/true || fail "vfork_helper: trace exited $?"
has "$W/v.out" '^\[pid [0-9]+\] openat\(AT_FDCWD, "/nonexistent/trace-test", O_RDONLY\) = -1 ENOENT \(No such file or directory\)$' "ENOENT"
has "$W/v.out" '^\[pid [0-9]+\] vfork\(\) \.\.\. parked, child [0-9]+ borrows our memory$' "vfork park"
has "$W/v.out" '^\[pid [0-9]+\] (clone|clone3)\(.*CLONE_VM\|CLONE_VFORK.*\) \.\.\. parked, child [0-9]+ borrows our memory$' "posix_spawn's clone park"
has "$W/v.out" '^\[pid [0-9]+ vfork-child\] (execve\("/bin/true", \["/bin/true"\], .*|<\.\.\. execve resumed>)\) = 0  <exec commit: pid [0-9]+ has its own memory now>$' "exec commit"
[ "$(grep -Ec '^\[pid [0-9]+\] \.\.\. released after [0-9]+ ns parked, child [0-9]+$' "$W/v.out")" = 3 ] ||
    fail "not three releases"
[ "$(grep -Ec 'exec commit' "$W/v.out")" = 2 ] || fail "not two exec commits"
has "$W/v.out" '^\[pid [0-9]+ vfork-child\] \+\+\+ exited with 3 \+\+\+$' "the child that exits without exec"
has "$W/v.out" '^\[pid [0-9]+\] <\.\.\. vfork resumed> = [0-9]+$' "vfork's result"
# every parked child is the one released, and its lines are marked until its exec
for c in $(sed -n 's/.*parked, child \([0-9]*\) borrows.*/\1/p' "$W/v.out"); do
    grep -q "released after [0-9]* ns parked, child $c\$" "$W/v.out" || fail "child $c parked but not released"
    grep -q "^\[pid $c vfork-child\]" "$W/v.out" || fail "child $c has no vfork-child line"
done

# 3. -e: only the named calls (and signals, exits) are printed.
"$TRACE" -e openat,execve -o "$W/e.out" "$HELPER" /bin/true || fail "-e: trace exited $?"
has "$W/e.out" 'openat\(AT_FDCWD, "/nonexistent/trace-test", O_RDONLY\) = -1 ENOENT' "-e openat"
has "$W/e.out" '^\[pid [0-9]+\] execve\(' "-e execve"
grep -Ev '^\[pid [0-9]+( vfork-child)?\] (openat\(|execve\(|<\.\.\. (openat|execve) resumed>|--- |\+\+\+ )' "$W/e.out" >"$W/e.other"
[ -s "$W/e.other" ] && fail "-e openat,execve printed other lines: $(head -3 "$W/e.other")"

# 4. Without -o the trace goes to stderr; CMD's exit status is trace's.
"$TRACE" sh -c 'exit 7' 2>"$W/stderr.out"
rc=$?
[ "$rc" = 7 ] || fail "exit status: trace exited $rc, not 7"
has "$W/stderr.out" '^\[pid [0-9]+\] exit_group\(7\) = \?$' "exit_group on stderr"
has "$W/stderr.out" '^\[pid [0-9]+\] \+\+\+ exited with 7 \+\+\+$' "exit 7"

# 5. A death by signal.
"$TRACE" -o "$W/kill.out" sh -c 'kill -TERM $$'
rc=$?
[ "$rc" = 143 ] || fail "killed: trace exited $rc, not 143"
has "$W/kill.out" 'kill\([0-9]+, SIGTERM\) = 0' "kill's decoded signal"
has "$W/kill.out" '^\[pid [0-9]+\] --- SIGTERM \{si_signo=SIGTERM, si_code=SI_USER, si_pid=[0-9]+, si_uid=[0-9]+\} ---$' "SIGTERM delivery"
has "$W/kill.out" '^\[pid [0-9]+\] \+\+\+ killed by SIGTERM \+\+\+$' "killed by"

# 6. --route: Linux refuses PTRACE_KESTREL_ROUTE (EIO), so no route line, and the trace is whole.
"$TRACE" --route -o "$W/route.out" /bin/true || fail "--route: trace exited $?"
hasnt "$W/route.out" 'route:' "--route on Linux"
has "$W/route.out" '\+\+\+ exited with 0 \+\+\+' "--route's trace"

# 7. -p: attach to a running process, trace it to its end.
# The target waits on a FIFO until the tracer is attached (TracerPid), so neither a slow
# machine nor a fast one changes what is traced: no timing in the test.
mkfifo "$W/go"
sh -c 'read x < "$1"' sh "$W/go" &
sp=$!
"$TRACE" -p "$sp" -o "$W/p.out" &
tp=$!
until grep -q "^TracerPid:[[:space:]]*$tp\$" "/proc/$sp/status" 2>/dev/null; do
    kill -0 "$tp" 2>/dev/null || break   # trace gave up: its status says why below
    sleep 0.05
done
echo go > "$W/go"
wait "$tp" || fail "-p: trace exited $?"
wait "$sp"
has "$W/p.out" "^\[pid $sp\] \+\+\+ exited with 0 \+\+\+\$" "-p: the attached process's exit"

# 8. Errors: a missing program, an unknown syscall name.
"$TRACE" /nonexistent/prog 2>"$W/missing.err"
rc=$?
[ "$rc" = 127 ] || fail "missing program: trace exited $rc, not 127"
has "$W/missing.err" 'execve\("/nonexistent/prog", \["/nonexistent/prog"\], .*\) = -1 ENOENT' "missing program's execve"
"$TRACE" -e nosuchcall /bin/true 2>"$W/bad.err"
rc=$?
[ "$rc" = 1 ] || fail "-e nosuchcall: trace exited $rc, not 1"
has "$W/bad.err" "unknown syscall name 'nosuchcall'" "-e nosuchcall's message"

if [ "$fails" -gt 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"
