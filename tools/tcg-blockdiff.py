#!/usr/bin/env python3
"""Per-operation cost of each translated block, from two block dumps of tcg-profile.py --blocks.

  tools/tcg-blockdiff.py A.blocks B.blocks OPS ELF... [--func NAME]...

A and B are two runs that differ by OPS operations only (`--only ROW --iters 10` and `--iters
20`: OPS is the difference in operations, warm-up batch included, e.g. 8 batches x the row's
per-batch count). Prints, per function, the instructions one operation adds (executions x block
size, divided by OPS), largest first. With --func NAME (repeatable), also the disassembly of that
function's blocks that ran, each headed by its executions per operation: where the
instructions of a fast path really go. ELF files give the symbols and the disassembly (nm,
objdump); user programs share addresses, so name the ones of interest first.

Entry point: main. See docs/performance.md ("What our costs are made of") and
tools/tcg-profile.py for taking the logs.
"""
import bisect
import collections
import re
import subprocess
import sys


def load(path):
    blocks = {}
    with open(path) as f:
        for line in f:
            a, i, n = line.split()
            blocks[int(a, 16)] = (int(i), int(n))   # instructions, executions
    return blocks


def symbols(elf):
    out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True,
                         text=True).stdout
    tag = elf.rsplit("/", 1)[-1].replace(".elf", "")
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), "%s:%s" % (tag, parts[2]), elf))
    return syms


def main():
    args = sys.argv[1:]
    funcs = []
    while "--func" in args:
        i = args.index("--func")
        funcs.append(args[i + 1])
        del args[i:i + 2]
    if len(args) < 4:
        sys.exit(__doc__)
    a, b, ops, elves = load(args[0]), load(args[1]), float(args[2]), args[3:]
    table = sorted(s for elf in elves for s in symbols(elf))
    addrs = [t[0] for t in table]

    def owner(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return table[i] if i >= 0 else (0, "?", None)

    per_block = {}   # pc -> (instructions per operation, executions per operation)
    for pc in set(a) | set(b):
        ia, na = a.get(pc, (0, 0))
        ib, nb = b.get(pc, (0, 0))
        if abs(nb - na) / ops >= 0.01:
            per_block[pc] = ((ib - ia) / ops, (nb - na) / ops)
    per_fn = collections.Counter()
    for pc, (i, _) in per_block.items():
        per_fn[owner(pc)[1]] += i
    print("%10s  %s" % ("instr/op", "function"))
    for name, v in sorted(per_fn.items(), key=lambda kv: -abs(kv[1])):
        if abs(v) >= 0.5:
            print("%10.1f  %s" % (v, name))
    print("%10.1f  total" % sum(per_fn.values()))
    for fn in funcs:
        hits = [(pc, sd) for pc, sd in sorted(per_block.items())
                if owner(pc)[1].split(":", 1)[-1] == fn or owner(pc)[1] == fn]
        if not hits:
            print("\n%s: no block of it ran between the two runs" % fn)
            continue
        elf = owner(hits[0][0])[2]
        print("\n%s (%s): blocks that ran, executions per operation" % (fn, elf))
        for pc, (i, d) in hits:
            size = max(1, round(i / d)) if d else 1
            dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn",
                                  "--start-address=0x%x" % pc,
                                  "--stop-address=0x%x" % (pc + 16 * size), elf],
                                 capture_output=True, text=True).stdout
            insns = [l for l in dis.splitlines() if re.match(r"^\s*[0-9a-f]+:\s", l)][:size]
            print("-- 0x%x  x%.2f  (%.1f instructions per operation)" % (pc, d, i))
            for l in insns:
                print("   " + l.strip())


if __name__ == "__main__":
    main()
