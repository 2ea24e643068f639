#!/usr/bin/env bash
# make debug: boots the ISO halted under QEMU's GDB stub (-s -S) and attaches GDB with the kernel's
# symbols, stopped at kmain. The guest's serial console goes to <build>/debug-serial.log
# (watch it with `tail -f` in another terminal); QEMU's interrupt/reset trace goes to
# <build>/qemu-debug.log. QEMU is stopped when GDB exits.
#   tools/debug.sh <build-dir> [gdb args...]
set -euo pipefail
build=${1:-build}; shift || true
iso=$build/os.iso
kernel=$build/microkernel/kernel.elf
[ -f "$iso" ] && [ -f "$kernel" ] || { echo "debug.sh: build first (make build)" >&2; exit 1; }

# GDB's port: $GDB_PORT, else 1234 if free, else a free one (another QEMU may hold 1234)
port=${GDB_PORT:-$(python3 -c '
import socket
for p in [1234] + list(range(1235, 1300)):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); s.close(); print(p); break
    except OSError:
        s.close()
')}
qemu-system-x86_64 -machine pc -accel tcg -cpu qemu64 -smp 1 -m 1G -no-reboot -no-shutdown \
    -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$iso" -boot d \
    -serial file:"$build/debug-serial.log" -monitor none \
    -d int,cpu_reset -D "$build/qemu-debug.log" -gdb "tcp:127.0.0.1:$port" -S &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT
echo "QEMU (pid $qemu) waits for GDB on :$port; serial log: $build/debug-serial.log" >&2
if [ ! -t 0 ] && [ $# -eq 0 ]; then
    # not interactive (e.g. a test): just prove the stub answers, then stop
    set -- -batch -ex "bt" -ex "info registers rip"
fi
gdb -q "$kernel" -ex "target remote localhost:$port" -x tools/gdbinit "$@"
