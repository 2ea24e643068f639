#!/usr/bin/env python3
"""Instruction profile of a QEMU (TCG) run, by function: where the guest's instructions go.

  qemu-system-x86_64 ... -d in_asm,exec,nochain -D qemu.log     (a short run: the log is large)
  tools/tcg-profile.py qemu.log build/microkernel/kernel.elf build/servers/procmgr/procmgr.elf ...

in_asm logs each translated block once (its guest instructions); exec,nochain logs every execution
of a block. Instructions per function = executions x the size of the translation that ran,
attributed to the symbol that contains the block's first instruction (blocks do not cross
functions often enough to matter).
ELF files give the symbols (nm); user programs share addresses, so name the ones of interest first.

  --all         every function, not the top 40
  --from ADDR   count only from the first execution of the block at ADDR (hex; a function's
                address from nm): one row of a bench run, say (bench_fds_churn's address
                profiles spawn_after_fds500 alone)
  --blocks OUT  also write every executed block as "address instructions executions" to OUT,
                for tools/tcg-blockdiff.py (which block of a function the instructions are in)

To find what an operation costs, profile two runs that differ in it only (`--iters 10` and
`--iters 20` of the same `--only` row, or two rows) and subtract function by function.
"""
import bisect
import collections
import re
import subprocess
import sys


def symbols(elf):
    out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def main():
    args = sys.argv[1:]
    show_all = "--all" in args
    args = [a for a in args if a != "--all"]
    start = None
    blocks_out = None
    if "--blocks" in args:
        i = args.index("--blocks")
        blocks_out = args[i + 1]
        del args[i:i + 2]
    if "--from" in args:
        i = args.index("--from")
        start = int(args[i + 1], 16)
        del args[i:i + 2]
    log, elves = args[0], args[1:]
    table = []
    for elf in elves:
        tag = elf.rsplit("/", 1)[-1].replace(".elf", "")
        table += [(a, "%s:%s" % (tag, n)) for a, n in symbols(elf)]
    table.sort()
    addrs = [a for a, _ in table]
    # A block's size is that of the translation that ran: QEMU translates a block again (under
    # icount an I/O instruction ends a block early, and the retranslation of the same address
    # may be shorter), so the size goes with the translated block's host address (the Trace
    # line's first number), learnt at its first execution after its IN: listing.
    pending = {}      # guest pc -> size of its latest listing, not yet seen executing
    tb_size = {}      # host address of a translated block -> its size
    execs = collections.Counter()
    instrs = collections.Counter()
    cur, count = None, 0
    block_re = re.compile(r"^IN:")
    insn_re = re.compile(r"^0x([0-9a-f]+):")
    trace_re = re.compile(r"Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")
    started = start is None
    with open(log, errors="replace") as f:
        for line in f:
            if block_re.match(line):
                if cur is not None:
                    pending[cur] = count
                cur, count = None, 0
                continue
            m = insn_re.match(line)
            if m:
                if cur is None:
                    cur = int(m.group(1), 16)
                count += 1
                continue
            m = trace_re.search(line)
            if m:
                if cur is not None:   # the listing just above is this block's
                    pending[cur] = count
                    cur, count = None, 0
                host, pc = m.group(1), int(m.group(2), 16)
                if pc in pending:
                    tb_size[host] = pending.pop(pc)
                started = started or pc == start
                if started:
                    execs[pc] += 1
                    instrs[pc] += tb_size.get(host, 1)
    if blocks_out:
        with open(blocks_out, "w") as out:
            for pc, n in sorted(execs.items()):
                out.write("%x %d %d\n" % (pc, instrs[pc], n))
    per_fn = collections.Counter()
    for pc, n in instrs.items():
        i = bisect.bisect_right(addrs, pc) - 1
        name = table[i][1] if i >= 0 else "?"
        per_fn[name] += n
    total = sum(per_fn.values())
    print("%12s  %5s  %s" % ("instructions", "%", "function"))
    for name, n in per_fn.most_common(None if show_all else 40):
        print("%12d  %5.1f  %s" % (n, 100.0 * n / total, name))
    print("%12d  total" % total)


if __name__ == "__main__":
    main()
