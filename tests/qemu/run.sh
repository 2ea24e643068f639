#!/usr/bin/env bash
# The guest test runner: boots the ISO headless in QEMU (TCG, -no-reboot, a timeout), with extra
# kernel command line words passed through fw_cfg (opt/os/cmdline), records the serial log, and turns
# the guest's verdict into this script's exit status.
#
#   run.sh --iso os.iso --log out.log [--cmdline "words"] [--expect-status N] [--timeout S]
#          [--marker REGEX]... [--stdin FILE | --script FILE...] [--rtc DATE]
#
# --stdin types a file into the serial port at once (type-ahead); --script types a session the
# way a person would, each line at the shell's next prompt and keys such as ^C when given output
# has appeared (tests/qemu/typist.py, which describes the format).
# (The line discipline acts on ^C when it arrives, so a test of ^C uses --script: the key is
# typed once the program says it is ready for it.)
#
# The guest's clock is pinned so that no test depends on the day it runs: the RTC starts at --rtc
# if given (a test of date formatting), else at $OS_TEST_DATE, else at 2026-03-04T10:00:00 (a
# one-digit day: `ls -l` pads it). `OS_TEST_DATE=2026-03-24T10:00:00 make test` runs the suite on
# another day.
#
# Pass iff QEMU's exit status equals --expect-status (default 0: the guest powered off cleanly; a
# guest halting with status n via isa-debug-exit makes QEMU exit 2n+1) AND every --marker regex
# appears in the serial log AND the log has no kernel PANIC unless a marker asks for it.
# On failure the first lines printed are the reasons and the guest's own FAIL lines (each names a
# failing case and its first difference), then the tail of the serial log.
set -uo pipefail

iso="" log="" cmdline="" expect=0 timeout=120 stdin_file="" rtc=""
markers=() scripts=()
while [ $# -gt 0 ]; do
    case "$1" in
    --iso) iso=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --cmdline) cmdline=$2; shift 2 ;;
    --expect-status) expect=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --marker) markers+=("$2"); shift 2 ;;
    --stdin) stdin_file=$2; shift 2 ;;
    --script) scripts+=(--script "$2"); shift 2 ;;
    --rtc) rtc=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -f "$iso" ] || { echo "run.sh: no ISO at $iso" >&2; exit 2; }
mkdir -p "$(dirname "$log")"

if [ -n "$stdin_file" ] || [ ${#scripts[@]} -gt 0 ]; then
    # the serial port reads the file (typed input) and logs what the guest prints
    serial=(-chardev "stdio,id=s0,logfile=$log,signal=off" -serial chardev:s0)
    input=$stdin_file
else
    serial=(-serial file:"$log")
    input=/dev/null
fi
args=(-machine pc -accel tcg -cpu qemu64 -smp 1 -m 1G -no-reboot -display none
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$iso" -boot d
      -rtc "base=${rtc:-${OS_TEST_DATE:-2026-03-04T10:00:00}}"
      "${serial[@]}" -monitor none)
[ -n "$cmdline" ] && args+=(-fw_cfg "name=opt/os/cmdline,string=$cmdline")
if [ ${#scripts[@]} -gt 0 ]; then
    # the typist owns QEMU's serial stdio; each of its waits gives up well before our timeout
    timeout --kill-after=5 "$timeout" python3 "$(dirname "$0")/typist.py" "${scripts[@]}" \
        --timeout $((timeout / 2)) -- qemu-system-x86_64 "${args[@]}" < /dev/null
else
    timeout --kill-after=5 "$timeout" qemu-system-x86_64 "${args[@]}" < "$input" > /dev/null
fi
status=$?

fail=0
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    echo "FAIL: QEMU timed out after ${timeout}s"
    fail=1
elif [ "$status" -ne "$expect" ]; then
    echo "FAIL: QEMU exit status $status, expected $expect"
    fail=1
fi
for m in "${markers[@]}"; do
    if ! grep -Eq -- "$m" "$log"; then
        echo "FAIL: marker not in serial log: $m"
        fail=1
    fi
done
want_panic=0
for m in "${markers[@]}"; do [[ "$m" == *PANIC* ]] && want_panic=1; done
if [ $want_panic -eq 0 ] && grep -q "PANIC" "$log"; then
    echo "FAIL: kernel panic in serial log"
    fail=1
fi
if [ $fail -ne 0 ]; then
    if grep -aq '^FAIL' "$log"; then
        echo "---- failing cases (serial log) ----"
        grep -a '^FAIL' "$log" | head -n 20 | tr -d '\r'
    fi
    echo "---- serial log ($log), last 60 lines ----"
    tail -n 60 "$log"
    exit 1
fi
echo "PASS (QEMU status $status; log $log)"
