"""Turns the parsed runs of both systems into the table, results.json and the spawn-vs-RSS SVG,
and checks a results.json for well-formedness (never for timings).

Entry points:
  table_rows(systems)            union of every figure either system printed, in a stable order
  table_format(rows, titles)     the plain-text table (ours beside Linux, with the ratio)
  svg_spawn_vs_rss(systems)      hand-written SVG: spawn cost against the parent's memory
  results_check(doc)             list of problems in a results.json document (empty: well-formed)
"""
import math

# The bench program's figures in reading order; anything else (our kernel's IPC round trip and
# per-operation counters) follows alphabetically.
FIGURE_ORDER = [
    "boot_to_init", "null_syscall", "pipe_rtt", "anon_fault", "spawn_wait", "vfork_exec_wait",
    "vfork_exit_wait", "spawn_rss_1m", "spawn_rss_16m", "spawn_rss_256m",
]
FIGURE_TITLES = {
    "boot_to_init": "boot to first instruction of init",
    "null_syscall": "null syscall (getpid)",
    "pipe_rtt": "pipe round trip (2 processes)",
    "spawn_wait": "posix_spawn + wait (static true)",
    "vfork_exec_wait": "vfork + execve + wait",
    "vfork_exit_wait": "vfork + _exit + wait (no exec)",
    "anon_fault": "first touch of an anonymous page",
    "spawn_rss_1m": "posix_spawn + wait, parent 1 MiB",
    "spawn_rss_16m": "posix_spawn + wait, parent 16 MiB",
    "spawn_rss_256m": "posix_spawn + wait, parent 256 MiB",
}
# x positions of the SVG: the baseline spawn (no extra memory) and the three held sizes.
RSS_POINTS = [(0, "spawn_wait"), (1, "spawn_rss_1m"), (16, "spawn_rss_16m"),
              (256, "spawn_rss_256m")]
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
        rows.append({"name": name, "title": FIGURE_TITLES.get(name, name), "unit": unit,
                     "linux": linux, "ours": ours, "ratio": ratio})
    return rows


def _fmt(v):
    if v is None:
        return "n/a"
    return "{:,.0f}".format(v) if abs(v) >= 100 or v == int(v) else "{:,.1f}".format(v)


def table_format(rows, linux_title="Linux", ours_title="ours"):
    head = ["figure", "unit", linux_title, ours_title, "ours/Linux"]
    body = [[r["name"], r["unit"] or "", _fmt(r["linux"]), _fmt(r["ours"]),
             "n/a" if r["ratio"] is None else "{:.2f}x".format(r["ratio"])] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *body)] if body else \
        [len(h) for h in head]
    lines = []
    for i, cells in enumerate([head] + body):
        lines.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w)
                               for j, (c, w) in enumerate(zip(cells, widths))).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows, linux_title="Linux", ours_title="ours"):
    """The same table as Markdown (for docs/performance.md)."""
    out = ["| figure | unit | %s | %s | ours/Linux |" % (linux_title, ours_title),
           "|---|---|---:|---:|---:|"]
    for r in rows:
        out.append("| %s (`%s`) | %s | %s | %s | %s |" % (
            r["title"], r["name"], r["unit"] or "", _fmt(r["linux"]),
            "pending" if r["ours"] is None else _fmt(r["ours"]),
            "" if r["ratio"] is None else "{:.2f}x".format(r["ratio"])))
    return "\n".join(out)


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg_spawn_vs_rss(systems, subtitle=""):
    """Spawn cost (instructions per posix_spawn+wait) against the parent's resident memory.
    The x axis is categorical (0, 1, 16, 256 MiB: a log-like spacing); y is linear from 0 so
    the ratio between the systems reads off the picture honestly."""
    w, h = 640, 400
    left, right, top, bottom = 90, 150, 50, 60
    pw, ph = w - left - right, h - top - bottom
    series = []
    for key, label, colour in (("linux", "Linux", "#1f77b4"), ("ours", "ours", "#d62728")):
        pts = [(i, mib, _value(systems.get(key), name))
               for i, (mib, name) in enumerate(RSS_POINTS)]
        pts = [p for p in pts if p[2] is not None]
        if pts:
            series.append((label, colour, pts))
    vmax = max([p[2] for _, _, pts in series for p in pts] or [1.0])
    step = 10 ** math.floor(math.log10(vmax)) if vmax > 0 else 1
    for mult in (1, 2, 5, 10):
        if vmax / (step * mult) <= 6:
            step *= mult
            break
    ymax = step * math.ceil(vmax * 1.1 / step)

    def x_of(i):
        return left + pw * (i + 0.5) / len(RSS_POINTS)

    def y_of(v):
        return top + ph - ph * v / ymax

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">' % (w, h, w, h),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="22" font-size="15" font-weight="bold">posix_spawn + wait of a static '
         'true, against parent memory</text>' % left]
    if subtitle:
        o.append('<text x="%d" y="38" fill="#555">%s</text>' % (left, _esc(subtitle)))
    tick = 0.0
    while tick <= ymax + 1e-9:
        y = y_of(tick)
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                 % (left, y, left + pw, y))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                 % (left - 6, y + 4, _esc("{:,.0f}".format(tick))))
        tick += step
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
             % (left, top + ph, left + pw, top + ph))
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
             % (left, top, left, top + ph))
    for i, (mib, _) in enumerate(RSS_POINTS):
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>'
                 % (x_of(i), top + ph + 18, mib))
    o.append('<text x="%.1f" y="%d" text-anchor="middle">parent memory touched before the '
             'spawn (MiB)</text>' % (left + pw / 2, h - 12))
    o.append('<text transform="translate(18,%.1f) rotate(-90)" text-anchor="middle">'
             'guest instructions per spawn</text>' % (top + ph / 2))
    for n, (label, colour, pts) in enumerate(series):
        path = " ".join("%s%.1f,%.1f" % ("M" if k == 0 else "L", x_of(i), y_of(v))
                        for k, (i, _, v) in enumerate(pts))
        o.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"/>' % (path, colour))
        for i, _, v in pts:
            # The higher point of a pair takes its label above, the lower one below (on a tie,
            # the second series), so two close values never print on top of each other.
            others = [q[2] for m, (_, _, qs) in enumerate(series) if m != n
                      for q in qs if q[0] == i]
            below = any(ov > v or (ov == v and n > 0) for ov in others)
            o.append('<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>' % (x_of(i), y_of(v), colour))
            o.append('<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>'
                     % (x_of(i), y_of(v) + (18 if below else -9), colour,
                        _esc("{:,.0f}".format(v))))
        ly = top + 10 + 20 * n
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>'
                 % (left + pw + 15, ly, left + pw + 40, ly, colour))
        o.append('<text x="%d" y="%d">%s</text>' % (left + pw + 46, ly + 4, _esc(label)))
    # A system without figures still gets its legend line, so "ours: n/a" is visible.
    present = {label for label, _, _ in series}
    for n, label in enumerate(l for l in ("Linux", "ours") if l not in present):
        o.append('<text x="%d" y="%d" fill="#888">%s: n/a</text>'
                 % (left + pw + 15, top + 14 + 20 * (len(series) + n), label))
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
            if not isinstance(fig, dict) or not _is_num(fig.get("value")) or fig["value"] <= 0 \
                    or not isinstance(fig.get("unit"), str) or not fig["unit"]:
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
