#!/usr/bin/env bash
# Boots the OS ISO in QEMU with the serial console on this terminal.
#   tools/qemu.sh run <iso> [extra qemu args...]
# The machine: TCG (hardware virtualisation is not usable here), 1 CPU, 1 GiB, no display, the
# isa-debug-exit device (so the guest can end QEMU with a status) and -no-reboot (a triple fault ends
# QEMU instead of looping).
set -euo pipefail
mode=${1:-run}; shift || true
iso=${1:?usage: qemu.sh run <iso>}; shift || true

QEMU_ARGS=(-machine pc -accel tcg -cpu qemu64 -smp 1 -m 1G -no-reboot
           -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04
           -cdrom "$iso" -boot d)
# QEMU_LOG=<file>: record every interrupt/exception and CPU reset (the triple-fault hunter's tool)
[ -n "${QEMU_LOG:-}" ] && QEMU_ARGS+=(-d int,cpu_reset -D "$QEMU_LOG")
case "$mode" in
run)
    echo "== Booting $iso: serial console on this terminal. To leave QEMU: press Ctrl-A, then X. ==" >&2
    exec qemu-system-x86_64 "${QEMU_ARGS[@]}" -serial mon:stdio "$@"
    ;;
*)
    echo "usage: qemu.sh run <iso>" >&2; exit 2 ;;
esac
