#!/usr/bin/env bash
# make debug: boots the ISO halted under QEMU's GDB stub (-s -S) and attaches GDB with the kernel's
# symbols and the root servers' (every <build>/servers/*/*.elf, each linked at its own address:
# cmake/NativePrograms.cmake), stopped at kmain. The guest's serial console goes to
# <build>/debug-serial.log (watch it with `tail -f` in another terminal); QEMU's interrupt/reset
# trace goes to <build>/qemu-debug.log. QEMU is stopped when GDB exits.
#   tools/debug.sh <build-dir> [gdb args...]
# Environment:
#   GDB_PORT=n          the stub's port (default 1234, or the next free one)
#   DEBUG_CMDLINE=words kernel command line words added through fw_cfg, later words winning
#                       (e.g. "init=/bin/vforkdemo": no rebuild of the ISO)
#   GDB_CMDS=file       non-interactive: GDB runs tools/gdbinit (to kmain), then this command file,
#                       in batch mode, and exits at its end (QEMU with it); the whole run is bounded
#                       by GDB_TIMEOUT seconds (default 60), after which both are killed (status 124)
set -euo pipefail
build=${1:-build}; shift || true
iso=$build/os.iso
kernel=$build/microkernel/kernel.elf
[ -f "$iso" ] && [ -f "$kernel" ] || { echo "debug.sh: build first (make build)" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

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
extra=()
[ -n "${DEBUG_CMDLINE:-}" ] && extra+=(-fw_cfg "name=opt/os/cmdline,string=$DEBUG_CMDLINE")
qemu-system-x86_64 -machine pc -accel tcg -cpu qemu64 -smp 1 -m 1G -no-reboot -no-shutdown \
    -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$iso" -boot d \
    -serial file:"$build/debug-serial.log" -monitor none \
    -d int,cpu_reset -D "$build/qemu-debug.log" -gdb "tcp:127.0.0.1:$port" -S "${extra[@]}" &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT
echo "QEMU (pid $qemu) waits for GDB on :$port; serial log: $build/debug-serial.log" >&2

# the servers' symbols: static non-PIE executables, so add-symbol-file needs no address (GDB
# takes each section's from the ELF); a symbol names one server only since each has its own base
syms=(-ex "set confirm off")
for elf in "$build"/servers/*/*.elf; do
    [ -f "$elf" ] && syms+=(-ex "add-symbol-file $elf")
done

wrap=()
if [ -n "${GDB_CMDS:-}" ]; then
    set -- -batch "$@" -x "$GDB_CMDS"
    wrap=(timeout --kill-after=5 "${GDB_TIMEOUT:-60}")
elif [ ! -t 0 ] && [ $# -eq 0 ]; then
    # not interactive (e.g. a test): just prove the stub answers, then stop
    set -- -batch -ex "bt" -ex "info registers rip"
fi
status=0
"${wrap[@]}" gdb -q "$kernel" "${syms[@]}" -ex "target remote localhost:$port" \
    -x "$here/gdbinit" "$@" || status=$?
exit $status
