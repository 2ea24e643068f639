#!/usr/bin/env python3
"""Turn `trace -f [--route]` output into a form that is the same on every run, to compare with an
expected file (tests/qemu/trace_check.sh): what a program does, not when.

- One section per process (`== P0`, ...; tracelib names pids by family), each in that process's own
  order: the interleaving of processes depends on scheduling, the order inside one does not.
- Pids become their names where the trace shows a pid (line prefixes, `child N`, spawn and wait
  results, getpid's and set_tid_address's, wait4's and kill's first argument, si_pid, event_pid); getppid's answer becomes PPID.
- Addresses (hex of 4 digits or more) become 0x_, the ns of a vfork park N, file sizes N (the
  programs come from Debian's packages, whose sizes move).
- Signals are listed at the end of their section, sorted: when a child's SIGCHLD lands depends on
  timing. A call cut by one (`= ? ERESTARTSYS`) and run again shows once, as its second run.
- Route lines keep `server`; the vfork protocol's calls (clone, clone3, vfork, fork, execve) keep
  `how`, `event`, `event_pid` and `steps` too. The kernel's counters and the wait are dropped
  (they are system-wide and timing-bound); how a blocking call was answered (at once or later)
  depends on timing too.

Usage: trace_normalize.py [FILE]   (standard input by default), prints the normal form.
Entry point: normalize(lines) -> str.
"""
import re
import sys

from tracelib import Event, name_pids, parse

PROTOCOL = {"clone", "clone3", "vfork", "fork", "execve"}
HEX = re.compile(r"0x[0-9a-f]{4,}")


def rename(text, names):
    def pid(m):
        n = int(m.group(2))
        return m.group(1) + names.get(n, str(n))
    text = re.sub(r"(child |commit: pid |si_pid=|event_pid=|^wait4\(|^kill\(|^tgkill\()(\d+)", pid, text)
    text = re.sub(r"^((?:clone3?|v?fork|wait4|waitid|getpid|gettid|set_tid_address)\(.*\) = )(\d+)",
                  pid, text)
    text = re.sub(r"^(<\.\.\. (?:clone3?|v?fork|wait4) resumed>.* = )(\d+)", pid, text)
    text = re.sub(r"st_size=\d+", "st_size=N", text)
    text = re.sub(r"^(getppid\(\) = )\d+", r"\1PPID", text)
    text = re.sub(r"(released after )\d+( ns)", r"\1N\2", text)
    return HEX.sub("0x_", text)


def route_text(ev, names):
    r = ev.route
    words = ["server=" + r.get("server", "?")]
    if ev.name() in PROTOCOL:
        for k in ("how", "event", "event_pid", "steps"):
            if k in r:
                v = r[k]
                if k == "event_pid":
                    v = names.get(int(v), v) if v.isdigit() else v
                words.append("%s=%s" % (k, v))
    return "  route: " + " ".join(words)


def normalize(lines):
    streams = parse(lines)
    names = name_pids(streams)
    out = []
    for pid in sorted(streams, key=lambda p: int(names[p][1:])):
        evs = streams[pid]
        out.append("== " + names[pid])
        signals = []
        for i, ev in enumerate(evs):
            text = rename(ev.text, names)
            if text.startswith("--- SIG"):
                signals.append(text)
                continue
            if "= ? ERESTART" in text and any(e.name() == ev.name() for e in evs[i + 1:i + 3]):
                continue   # cut by a signal and run again: the rerun is the call
            out.append(("vfork-child: " if ev.vfork_child else "") + text)
            if ev.route:
                out.append(route_text(ev, names))
        out.extend("signal: " + s for s in sorted(signals))
    return "\n".join(out) + "\n"


def main(argv):
    src = open(argv[1], errors="replace") if len(argv) > 1 else sys.stdin
    sys.stdout.write(normalize(src.readlines()))


if __name__ == "__main__":
    main(sys.argv)
