#!/usr/bin/env bash
# guest/trace_check: what `trace` shows of a real pipeline, and the vfork diagram drawn from it.
#
#   trace_check.sh <build-dir> [--update]
#
# Boots the ISO and, at the shell, runs `trace -f --route -o /tmp/trace.out sh -c 'echo hi | wc -c'`
# and prints the file between two marker lines. Then two checks, each a line PASS/FAIL, and
# "N passed, N failed":
#   1. trace_output: the trace, put in its normal form by tools/trace_normalize.py (one section
#      per process in that process's order, pids named by family, addresses and times masked),
#      equals tests/qemu/trace_echo_wc.expected;
#   2. vfork_diagram: the sequence diagram tools/vfork_diagram.py draws from the trace's first
#      posix_spawn equals the generated block in docs/vfork.md.
# Either fails when the system's behaviour changes; --update rewrites both files from this run
# (look at the diff before committing it). The trace is kept in <build-dir>/tests/logs/.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
update=${2:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
logs=$build/tests/logs
mkdir -p "$logs"
script=$logs/trace_check.stdin
cat > "$script" <<'EOF'
trace -f --route -o /tmp/trace.out sh -c 'echo hi | wc -c'
echo @@trace-begin@@
cat /tmp/trace.out
echo @@trace-end@@
poweroff
EOF
if ! bash "$src/tests/qemu/run.sh" --iso "$build/os.iso" --log "$logs/trace_check.log" \
        --stdin "$script" --timeout 240 --marker '^@@trace-end@@'; then
    echo "FAIL: the guest run (log: $logs/trace_check.log)"
    echo "0 passed, 2 failed"
    exit 1
fi
trace=$logs/trace_check.trace
tr -d '\r' < "$logs/trace_check.log" |
    awk '$0 == "@@trace-end@@" {on = 0} on {print} $0 == "@@trace-begin@@" {on = 1}' > "$trace"
expected=$src/tests/qemu/trace_echo_wc.expected
got=$logs/trace_check.normal
python3 "$src/tools/trace_normalize.py" "$trace" > "$got"
if [ "$update" = --update ]; then
    cp "$got" "$expected"
    python3 "$src/tools/vfork_diagram.py" "$trace" --update "$src/docs/vfork.md"
    echo "updated $expected and docs/vfork.md's diagram from $trace"
    exit 0
fi
pass=0 fail=0
if diff -u "$expected" "$got"; then
    echo "PASS: trace_output"; pass=$((pass + 1))
else
    echo "FAIL: trace_output: the trace differs from $expected (above; trace in $trace)"
    fail=$((fail + 1))
fi
if python3 "$src/tools/vfork_diagram.py" "$trace" --check "$src/docs/vfork.md"; then
    echo "PASS: vfork_diagram"; pass=$((pass + 1))
else
    echo "FAIL: vfork_diagram"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
