"""Turns the parsed runs of both systems into the table, results.json and the spawn-vs-RSS SVG,
and checks a results.json for well-formedness (never for timings).

Entry points:
  table_rows(systems)            union of every figure either system printed, in a stable order
  table_format(rows, titles)     the plain-text table (ours beside Linux, with the ratio)
  svg_spawn_vs_rss(systems)      hand-written SVG: posix_spawn, vfork+exec and fork+exec against
                                 the parent's memory, both systems
  results_check(doc)             list of problems in a results.json document (empty: well-formed)
"""
import math

# The bench program's figures in reading order; anything else (our kernel's IPC round trip and
# per-operation counters) follows alphabetically.
FIGURE_ORDER = [
    "boot_to_init", "null_syscall", "clock_gettime", "pipe_rtt", "anon_fault", "spawn_wait",
    "vfork_exec_wait", "vfork_exit_wait", "fork_exec_wait", "fork_exit_wait",
    "thread_create_join", "futex_rtt", "pread_4k", "write_null_4k", "open_close", "stat",
    "exec_1m", "vfork_exec_1m", "exec_4m", "vfork_exec_4m",
    "spawn_rss_1m", "spawn_rss_16m", "spawn_rss_256m",
    "vfork_exec_rss_1m", "vfork_exec_rss_16m", "vfork_exec_rss_256m",
    "fork_exec_rss_1m", "fork_exec_rss_16m", "fork_exec_rss_256m",
    "fork_exit_rss_1m", "fork_exit_rss_16m", "fork_exit_rss_256m",
    "spawn_live64", "null_syscall_live64", "spawn_after_fds500",
]
FIGURE_TITLES = {
    "boot_to_init": "boot to first instruction of init",
    "null_syscall": "null syscall (getpid)",
    "pipe_rtt": "pipe round trip (2 processes)",
    "spawn_wait": "posix_spawn + wait (static true)",
    "vfork_exec_wait": "vfork + execve + wait",
    "vfork_exit_wait": "vfork + _exit + wait (no exec)",
    "fork_exec_wait": "fork + execve + wait",
    "fork_exit_wait": "fork + _exit + wait (no exec)",
    "anon_fault": "first touch of an anonymous page",
    "ipc_roundtrip": "null IPC round trip, two address spaces",
    "kernel_as_fork_256m": "kernel as_fork of a space with 256 MiB written",
    "kernel_as_fork_256m_destroy": "destroying that copy",
    "kernel_first_touch": "first touch of a page, kernel only",
    "kernel_map_touch_unmap": "map, touch and unmap one page, kernel only",
    "thread_create_join": "pthread_create + pthread_join",
    "futex_rtt": "futex round trip (2 threads)",
    "clock_gettime": "clock_gettime(CLOCK_MONOTONIC) through libc",
    "pread_4k": "pread of 4 KiB at offset 0 (/bench/true)",
    "write_null_4k": "write of 4 KiB to /dev/null",
    "open_close": "open + close (/bench/true)",
    "stat": "stat (/bench/true)",
    "exec_1m": "posix_spawn + wait, static program of 1 MiB",
    "vfork_exec_1m": "vfork + execve + wait, static program of 1 MiB",
    "exec_4m": "posix_spawn + wait, static program of 4 MiB",
    "vfork_exec_4m": "vfork + execve + wait, static program of 4 MiB",
    "spawn_live64": "posix_spawn + wait, 64 other processes alive",
    "null_syscall_live64": "null syscall (getpid), 64 other processes alive",
    "spawn_after_fds500": "posix_spawn + wait, after 500 descriptors opened and closed",
}
for _mib in (1, 16, 256):
    for _key, _what in (("spawn_rss", "posix_spawn + wait"), ("vfork_exec_rss", "vfork + execve + wait"),
                        ("fork_exec_rss", "fork + execve + wait"),
                        ("fork_exit_rss", "fork + _exit + wait")):
        FIGURE_TITLES["%s_%dm" % (_key, _mib)] = "%s, parent %d MiB" % (_what, _mib)
# The picture's series: each way of starting `true`, at 0 (the base row), 1, 16 and 256 MiB of
# touched parent memory (x positions, categorical).
RSS_SIZES = (0, 1, 16, 256)
RSS_SERIES = (("posix_spawn", "spawn_wait", "spawn_rss", "#2ca02c"),
              ("vfork+exec", "vfork_exec_wait", "vfork_exec_rss", "#1f77b4"),
              ("fork+exec", "fork_exec_wait", "fork_exec_rss", "#d62728"))
RSS_POINTS = [(0, "spawn_wait"), (1, "spawn_rss_1m"), (16, "spawn_rss_16m"),
              (256, "spawn_rss_256m")]


def rss_points(base, prefix):
    """[(mib, figure name)] of one series."""
    return [(m, base if m == 0 else "%s_%dm" % (prefix, m)) for m in RSS_SIZES]


# Rows whose two columns come from different paths, so a ratio would mislead: the table prints
# "n/c" (not comparable) and results.json carries the reason in the row's "note".
NOT_COMPARABLE = {
    "boot_to_init": "not comparable: Linux boots -kernel/-initrd directly (QEMU's loader, no boot loader), "
                    "ours boots the ISO through GRUB; the boot paths differ",
}

SYSTEMS = ("linux", "ours")
STATUSES = ("ok", "partial", "failed", "skipped", "n/a")


def _value(system, name):
    fig = (system or {}).get("figures", {}).get(name)
    return None if fig is None else fig["value"]


def table_rows(systems):
    names = set()
    for key in SYSTEMS:
        names.update((systems.get(key) or {}).get("figures", {}))
    ordered = [n for n in FIGURE_ORDER if n in names] + sorted(names - set(FIGURE_ORDER))
    rows = []
    for name in ordered:
        unit = None
        for key in SYSTEMS:
            fig = (systems.get(key) or {}).get("figures", {}).get(name)
            if fig is not None:
                unit = unit or fig["unit"]
        linux, ours = _value(systems.get("linux"), name), _value(systems.get("ours"), name)
        ratio = ours / linux if linux and ours is not None else None
        row = {"name": name, "title": FIGURE_TITLES.get(name, name), "unit": unit,
               "linux": linux, "ours": ours, "ratio": ratio}
        if name in NOT_COMPARABLE:
            row["ratio"] = None
            row["note"] = NOT_COMPARABLE[name]
        rows.append(row)
    return rows


def _fmt(v):
    if v is None:
        return "n/a"
    if abs(v) >= 100 or v == int(v):
        return "{:,.0f}".format(v)
    return "{:,.1f}".format(v) if abs(v) >= 1 else "{:.3g}".format(v)


def _ratio(r):
    """ours/Linux with two decimals, or two significant digits below 0.1 (0.0049x, not 0.00x)."""
    return "{:.2f}x".format(r) if r >= 0.1 else "{:.2g}x".format(r)


def _ratio_cell(r, none="n/a"):
    """The ratio column: "n/c" for a row whose columns are not comparable (see NOT_COMPARABLE)."""
    if r.get("note"):
        return "n/c"
    return none if r["ratio"] is None else _ratio(r["ratio"])


def table_format(rows, linux_title="Linux", ours_title="ours"):
    head = ["figure", "unit", linux_title, ours_title, "ours/Linux"]
    body = [[r["name"], r["unit"] or "", _fmt(r["linux"]), _fmt(r["ours"]), _ratio_cell(r)]
            for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *body)] if body else \
        [len(h) for h in head]
    lines = []
    for i, cells in enumerate([head] + body):
        lines.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w)
                               for j, (c, w) in enumerate(zip(cells, widths))).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        if r.get("note"):
            lines.append("%s: %s" % (r["name"], r["note"]))
    return "\n".join(lines)


def markdown_table(rows, linux_title="Linux", ours_title="ours"):
    """The same table as Markdown (for docs/performance.md)."""
    out = ["| figure | unit | %s | %s | ours/Linux |" % (linux_title, ours_title),
           "|---|---|---:|---:|---:|"]
    for r in rows:
        out.append("| %s (`%s`) | %s | %s | %s | %s |" % (
            r["title"], r["name"], r["unit"] or "", _fmt(r["linux"]),
            "pending" if r["ours"] is None else _fmt(r["ours"]),
            _ratio_cell(r, none="")))
    return "\n".join(out)


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg_spawn_vs_rss(systems, subtitle=""):
    """Guest instructions per start of a static `true` (posix_spawn, vfork+execve, fork+execve,
    each with wait) against the parent's touched memory, for both systems: one colour per way,
    solid for ours, dashed for Linux. The x axis is categorical (0, 1, 16, 256 MiB); y is
    logarithmic, because a copying fork at 256 MiB costs a hundred times a spawn."""
    w, h = 860, 440
    left, right, top, bottom = 110, 290, 50, 60
    pw, ph = w - left - right, h - top - bottom
    series = []
    for key, sys_label, dash in (("linux", "Linux", "6,4"), ("ours", "ours", "")):
        for op_label, base, prefix, colour in RSS_SERIES:
            pts = [(i, mib, _value(systems.get(key), name))
                   for i, (mib, name) in enumerate(rss_points(base, prefix))]
            pts = [p for p in pts if p[2] is not None and p[2] > 0]
            if pts:
                series.append(("%s, %s" % (op_label, sys_label), colour, dash, pts))
    values = [p[2] for _, _, _, pts in series for p in pts]
    lo = 10 ** math.floor(math.log10(min(values))) if values else 1e4
    hi = 10 ** math.ceil(math.log10(max(values))) if values else 1e6
    if hi <= lo:
        hi = lo * 10

    def x_of(i):
        return left + pw * (i + 0.5) / len(RSS_SIZES)

    def y_of(v):
        return top + ph - ph * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">' % (w, h, w, h),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="22" font-size="15" font-weight="bold">Starting a static true: '
         'posix_spawn, vfork, fork, against parent memory</text>' % left]
    if subtitle:
        o.append('<text x="%d" y="38" fill="#555">%s</text>' % (left, _esc(subtitle)))
    decade = lo
    while decade <= hi * 1.0001:
        for m in (1, 2, 5):
            v = decade * m
            if v > hi * 1.0001:
                break
            y = y_of(v)
            o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>'
                     % (left, y, left + pw, y, "#ccc" if m == 1 else "#eee"))
            o.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                     % (left - 6, y + 4, _esc("{:,.0f}".format(v))))
        decade *= 10
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
             % (left, top + ph, left + pw, top + ph))
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
             % (left, top, left, top + ph))
    for i, mib in enumerate(RSS_SIZES):
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>'
                 % (x_of(i), top + ph + 18, mib))
    o.append('<text x="%.1f" y="%d" text-anchor="middle">parent memory touched before the '
             'start (MiB)</text>' % (left + pw / 2, h - 12))
    o.append('<text transform="translate(16,%.1f) rotate(-90)" text-anchor="middle">'
             'guest instructions per start (log scale)</text>' % (top + ph / 2))
    for n, (label, colour, dash, pts) in enumerate(series):
        path = " ".join("%s%.1f,%.1f" % ("M" if k == 0 else "L", x_of(i), y_of(v))
                        for k, (i, _, v) in enumerate(pts))
        o.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"%s/>'
                 % (path, colour, ' stroke-dasharray="%s"' % dash if dash else ""))
        for i, _, v in pts:
            o.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %s</title>'
                     '</circle>' % (x_of(i), y_of(v), colour, _esc(label),
                                    _esc("{:,.0f}".format(v))))
        ly = top + 10 + 20 * n
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                 % (left + pw + 15, ly, left + pw + 40, ly, colour,
                    ' stroke-dasharray="%s"' % dash if dash else ""))
        last = pts[-1][2]
        o.append('<text x="%d" y="%d">%s (%s)</text>'
                 % (left + pw + 46, ly + 4, _esc(label), _esc("{:,.0f}".format(last))))
    present = {lab.split(", ")[-1] for lab, _, _, _ in series}
    for n, sys_label in enumerate(l for l in ("Linux", "ours") if l not in present):
        o.append('<text x="%d" y="%d" fill="#888">%s: n/a</text>'
                 % (left + pw + 15, top + 14 + 20 * (len(series) + n), sys_label))
    if not series:
        o.append('<text x="%.1f" y="%.1f" text-anchor="middle" fill="#555">no data</text>'
                 % (left + pw / 2, top + ph / 2))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def _is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def results_check(doc, require_linux=True):
    """Problems in a results.json document; empty when well-formed. Checks structure and that
    each figure is a positive finite number with a unit, never how large it is."""
    errs = []
    if not isinstance(doc, dict):
        return ["document is not an object"]
    for key in ("schema", "date", "qemu", "iterations", "systems", "table"):
        if key not in doc:
            errs.append("missing key %r" % key)
    if errs:
        return errs
    if not isinstance(doc["qemu"], dict) or not isinstance(doc["qemu"].get("version"), str):
        errs.append("qemu.version missing")
    it = doc["iterations"]
    if not isinstance(it, dict) or not isinstance(it.get("iters"), int) or it["iters"] <= 0:
        errs.append("iterations.iters must be a positive integer")
    systems = doc["systems"]
    if not isinstance(systems, dict):
        return errs + ["systems is not an object"]
    for key in SYSTEMS:
        s = systems.get(key)
        if not isinstance(s, dict):
            errs.append("systems.%s missing" % key)
            continue
        if s.get("status") not in STATUSES:
            errs.append("systems.%s.status %r not one of %s" % (key, s.get("status"), STATUSES))
        figs = s.get("figures")
        if not isinstance(figs, dict):
            errs.append("systems.%s.figures is not an object" % key)
            continue
        for name, fig in figs.items():
            # a count of kernel events per operation may be 0 (a vDSO clock read enters nothing);
            # a cost never is
            least_ok = 0 if isinstance(fig, dict) and fig.get("unit") == "per-op" else 1e-300
            if not isinstance(fig, dict) or not _is_num(fig.get("value")) or \
                    fig["value"] < least_ok or not isinstance(fig.get("unit"), str) or \
                    not fig["unit"]:
                errs.append("systems.%s.figures.%s malformed: %r" % (key, name, fig))
        if s.get("status") in ("ok", "partial") and not figs:
            errs.append("systems.%s has status %s but no figures" % (key, s["status"]))
    linux = systems.get("linux")
    if require_linux and isinstance(linux, dict):
        if linux.get("status") != "ok":
            errs.append("Linux run status %r (expected ok): %s"
                        % (linux.get("status"), linux.get("error", "")))
        else:
            missing = [n for n in FIGURE_ORDER if n not in linux.get("figures", {})]
            if missing:
                errs.append("Linux run lacks figures %s" % ", ".join(missing))
            if not isinstance(linux.get("version"), str) or not linux["version"]:
                errs.append("systems.linux.version missing")
    if not isinstance(doc["table"], list):
        errs.append("table is not a list")
    else:
        names = set()
        for key in SYSTEMS:
            if isinstance(systems.get(key), dict):
                names.update(systems[key].get("figures", {}) or {})
        if {r.get("name") for r in doc["table"] if isinstance(r, dict)} != names:
            errs.append("table rows are not the union of both systems' figures")
    return errs
