#!/bin/bash
# Instruction profile of one `make bench` row on our OS: boots build/os.iso under QEMU (the
# benchmark's own flags, bench/bench_qemu.py) with /bench/bench -- --only ROW --iters N as init,
# logs every translated block (-d in_asm,exec,nochain; the log is removed afterwards, it is
# large), and writes OUT.prof (tools/tcg-profile.py: instructions per function), OUT.blocks (per
# block, for tools/tcg-blockdiff.py) and OUT.serial (the row's BENCH lines).
#
#   tools/bench-profile.sh ROW ITERS OUT [FROM_SYMBOL]
#
# Two runs at 10 and 20 iterations, diffed, give one operation's cost per function and per block:
#   tools/bench-profile.sh write_null_4k 10 /tmp/w10; tools/bench-profile.sh write_null_4k 20 /tmp/w20
#   tools/tcg-blockdiff.py /tmp/w10.blocks /tmp/w20.blocks 1280 build/microkernel/kernel.elf \
#       build/servers/procmgr/procmgr.elf build/servers/vfs/vfs.elf build/bench/bench --func rw_do
# (1280: 8 batches, warm-up included, of 160 more operations; BENCH_RANGE's last field is the
# per-batch count.) FROM_SYMBOL, a function of build/bench/bench, starts the count at its first
# execution (one row of several: bench_fds_churn for spawn_after_fds500). Several rows: separate
# them with ",," (QEMU's fw_cfg escapes a comma by doubling it).
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,18p "$0"; exit 2; }
row=$1 iters=$2 out=$3 from=${4:-}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
common=$(cd "$root/bench" && python3 -c 'import bench_qemu; print(" ".join(bench_qemu.QEMU_COMMON))')
# shellcheck disable=SC2086 # the common flags are words
timeout 900 qemu-system-x86_64 $common -cdrom "$build/os.iso" -boot d \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -fw_cfg "name=opt/os/cmdline,string=init=/bench/bench -- --only $row --iters $iters" \
    -serial "file:$out.serial" -d in_asm,exec,nochain -D "$out.log" \
    -dfilter 0xffffffff80000000+0x200000,0x10000000+0x200000,0x20000000+0x200000,0x400000+0x200000 \
    < /dev/null || true   # the benchmark powers the machine off: QEMU's status is not a verdict
grep -q '^BENCH_DONE' "$out.serial" || { echo "bench-profile: the run did not finish (see $out.serial)" >&2; exit 1; }
fromargs=()
if [ -n "$from" ]; then
    addr=$(nm "$build/bench/bench" | awk -v s="$from" '$3 == s {print $1}')
    [ -n "$addr" ] || { echo "bench-profile: no symbol $from in $build/bench/bench" >&2; exit 1; }
    fromargs=(--from "$addr")
fi
python3 "$root/tools/tcg-profile.py" "$out.log" "$build/microkernel/kernel.elf" \
    "$build/servers/procmgr/procmgr.elf" "$build/servers/vfs/vfs.elf" "$build/bench/bench" \
    --all "${fromargs[@]}" --blocks "$out.blocks" > "$out.prof"
rm -f "$out.log"
grep '^BENCH' "$out.serial" | grep -v INFO || true
