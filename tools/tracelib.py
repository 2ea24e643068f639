"""Reading `trace -f [--route]` output (docs/trace.md) for the scripts that check and draw it.

A trace interleaves the lines of several threads: a call cut by another thread's line ends in
` <unfinished ...>` and goes on later as `<... name resumed>`, and a `--route` line belongs to the
call line above it. `parse` undoes that: one stream of whole events per pid, in that pid's own
order (which is deterministic, where the interleaving is not). `name_pids` names the pids by
family, not by number: P0 is the traced command, then every child in the order its parent's
stream made it (P1, P2, ...), so a trace compares across boots that number processes differently.

Entry points: parse(lines) -> {pid: [Event]}, name_pids(streams) -> {pid: "Pn"}, Event.
"""
import re

LINE = re.compile(r"^\[pid (\d+)( vfork-child)?\] (.*)$")
ROUTE = re.compile(r"^  route: (.*)$")
UNFINISHED = " <unfinished ...>"
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
CHILD_MARK = re.compile(r"child (\d+)")
SPAWN_RESULT = re.compile(r"^(?:(?:clone3?|v?fork)\(.*|<\.\.\. (?:clone3?|v?fork) resumed>.*) = (\d+)$")


class Event:
    """One whole line of one pid: text, whether it was printed as the vfork child, and the
    route line that followed it (a dict of its key=value words), if any."""

    def __init__(self, text, vfork_child):
        self.text = text
        self.vfork_child = vfork_child
        self.route = None

    def name(self):
        """The syscall's name, or None for markers, signals and exits."""
        m = re.match(r"^(?:<\.\.\. )?(\w+)[( ]", self.text)
        return m.group(1) if m and not self.text.startswith(("---", "+++", "...")) else None


def parse(lines):
    streams = {}
    pending = {}   # pid -> (text before " <unfinished ...>", vfork_child)
    last = None    # the event a route line belongs to
    for raw in lines:
        raw = raw.rstrip("\r\n")
        r = ROUTE.match(raw)
        if r:
            if last is not None:
                last.route = dict(w.split("=", 1) for w in r.group(1).split(" ") if "=" in w)
            continue
        m = LINE.match(raw)
        if not m:
            last = None
            continue
        pid, vchild, text = int(m.group(1)), bool(m.group(2)), m.group(3)
        if text.endswith(UNFINISHED):
            pending[pid] = (text[: -len(UNFINISHED)], vchild)
            last = None
            continue
        res = RESUMED.match(text)
        if res and pid in pending:
            head, vchild0 = pending.pop(pid)
            text, vchild = head + res.group(2), vchild0 or vchild
        ev = Event(text, vchild)
        streams.setdefault(pid, []).append(ev)
        last = ev
    for pid, (head, vchild) in pending.items():   # cut off: keep what there is
        streams.setdefault(pid, []).append(Event(head + UNFINISHED, vchild))
    return streams


def children_of(events):
    """The pids a stream made, in order: the vfork marker's child, a fork's or clone's result."""
    out = []
    for ev in events:
        for m in [CHILD_MARK.search(ev.text), SPAWN_RESULT.match(ev.text)]:
            if m:
                pid = int(m.group(1))
                if pid not in out:
                    out.append(pid)
    return out


def name_pids(streams):
    if not streams:
        return {}
    first = next(iter(streams))
    names, queue = {}, [first]
    while queue:
        pid = queue.pop(0)
        if pid in names:
            continue
        names[pid] = "P%d" % len(names)
        queue.extend(c for c in children_of(streams.get(pid, [])) if c not in names)
    for pid in streams:   # a stream nobody made (a -p attach of several): after the family
        names.setdefault(pid, "P%d" % len(names))
    return names
