#!/usr/bin/env python3
"""`make bench`: runs the benchmark program on Linux and on our OS in the same emulator and
reports the two side by side (see docs/performance.md).

  run.py [--iters N] [--out-dir DIR] [--our-iso ISO] [--skip-linux] [--check]
         [--bench-bin F --true-bin F [--big1m-bin F --big4m-bin F]] [--kernel VMLINUZ]
         [--timeout S]
  run.py --check-only [--out-dir DIR]

Linux: Debian's cloud kernel (installed by setup-linux.sh if missing) boots an initramfs whose
/init is the bench program. Ours: the ISO built with init=/bench/bench; a missing ISO or a failed
run shows as "n/a" and does not fail the script. Writes DIR/results.json, DIR/spawn-vs-rss.svg
and the serial logs; prints the table. --check validates results.json afterwards (structure and
presence of figures, never timings) and fails the script if it is malformed.

Entry point: main (this file only orchestrates; bench_qemu.py boots, bench_report.py reports).
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

# No __pycache__ in the source tree: the harness runs from bench/ itself.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_qemu  # noqa: E402
import bench_report  # noqa: E402

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
BENCH_SOURCES = ["bench.c", "bench_clock.c", "bench_measure.c", "bench_ops.c", "bench_scale.c"]
# The programs of about 1 MiB and 4 MiB the exec_1m/exec_4m figures start (big.c): name -> bytes
# of read-only data; they are /bench/<name> in both systems.
BIG_PROGRAMS = {"big1m": 1 << 20, "big4m": 4 << 20}
MUSL_FLAGS = ["-static", "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror"]
# The spawn count per batch that bench.c uses when given no --iters: keep the two in step.
ITERS_DEFAULT = 200
BATCHES = 7  # BENCH_BATCHES in bench_measure.h


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def binaries_build(work):
    """Builds bench and true with musl-gcc, as os_user_program does, for a run outside CMake."""
    bench = os.path.join(work, "bench")
    true = os.path.join(work, "true")
    srcs = [os.path.join(BENCH_DIR, s) for s in BENCH_SOURCES]
    subprocess.run(["musl-gcc"] + MUSL_FLAGS + ["-Wl,-e,bench_entry", "-o", bench] + srcs,
                   check=True)
    subprocess.run(["musl-gcc"] + MUSL_FLAGS + ["-o", true, os.path.join(BENCH_DIR, "true.c")],
                   check=True)
    return bench, true


def big_build(work):
    """The big programs (big.c at each size), for a run outside CMake: name -> path."""
    out = {}
    for name, size in BIG_PROGRAMS.items():
        out[name] = os.path.join(work, name)
        subprocess.run(["musl-gcc"] + MUSL_FLAGS + ["-DBENCH_BIG_BYTES=%d" % size, "-o",
                                                    out[name], os.path.join(BENCH_DIR, "big.c")],
                       check=True)
    return out


def linux_kernel_ensure(explicit):
    if explicit:
        return explicit
    kernel = bench_qemu.linux_kernel_find()
    if kernel is None:
        log("no /boot/vmlinuz-*: running bench/setup-linux.sh")
        subprocess.run(["bash", os.path.join(BENCH_DIR, "setup-linux.sh")], check=True)
        kernel = bench_qemu.linux_kernel_find()
    if kernel is None:
        raise RuntimeError("no Linux kernel in /boot after setup-linux.sh")
    return kernel


def system_from_run(res, parsed):
    """One system's entry of results.json from its QEMU run and parsed log."""
    s = {"figures": parsed["figures"], "ranges": parsed["ranges"], "failures": parsed["failures"],
         "info": parsed["info"], "done": parsed["done"], "log": res.log_path,
         "qemu_exit_status": res.exit_status, "timed_out": res.timed_out,
         "wall_seconds_not_a_figure": round(res.wall_seconds, 1)}
    if parsed["figures"] and parsed["done"] and not parsed["failures"]:
        s["status"] = "ok"
    elif parsed["figures"]:
        s["status"] = "partial"
    else:
        s["status"] = "failed"
    if res.error:
        s["error"] = res.error
    elif res.timed_out:
        s["error"] = "timed out"
    elif not parsed["done"]:
        panic = [line for line in res.text.splitlines() if "PANIC" in line]
        s["error"] = panic[0].strip() if panic else "no BENCH_DONE in the serial log"
    elif parsed["failures"]:
        s["error"] = "; ".join("%s: %s" % kv for kv in sorted(parsed["failures"].items()))
    uname = parsed["info"].get("uname")
    if uname:
        s["version"] = uname
    return s


def linux_run(args, bench, true, big, out_dir, work):
    kernel = linux_kernel_ensure(args.kernel)
    initrd = os.path.join(work, "linux-initramfs.cpio")
    # The same binary as /bench/bench (what our ISO runs) and, through a symlink, as /init.
    files = {"/bench/bench": bench, "/bench/true": true}
    files.update({"/bench/" + name: path for name, path in big.items()})
    bench_qemu.initramfs_write(initrd, files, {"/init": "bench/bench"})
    cmdline = "%s -- --iters %d" % (bench_qemu.LINUX_CMDLINE, args.iters)
    log("booting Linux %s (iters %d)" % (os.path.basename(kernel), args.iters))
    res = bench_qemu.qemu_run(["-kernel", kernel, "-initrd", initrd, "-append", cmdline],
                              os.path.join(out_dir, "linux-serial.log"), args.timeout)
    s = system_from_run(res, bench_qemu.bench_log_parse(res.text))
    s["kernel"] = kernel
    s["cmdline"] = cmdline
    s["qemu_args"] = res.argv[1:]
    if "version" not in s:
        s["version"] = "Linux " + os.path.basename(kernel).replace("vmlinuz-", "")
    log("Linux: %s, %d figures, %.0f s wall" % (s["status"], len(s["figures"]), res.wall_seconds))
    return s


def ours_run(args, out_dir):
    if not args.our_iso or not os.path.exists(args.our_iso):
        log("our ISO %s absent: our column is n/a" % (args.our_iso or "(none given)"))
        return {"status": "n/a", "figures": {}, "iso": args.our_iso,
                "error": "ISO absent"}
    log("booting our OS %s (iters %d)" % (args.our_iso, args.iters))
    # Our kernel puts the fw_cfg words (opt/os/cmdline) after its baked kernel words, where a
    # later init= wins, and before the baked " -- init args"; bench stops reading at the first
    # "--". So this runs /bench/bench with our --iters on the plain os.iso.
    extra = ["-cdrom", args.our_iso, "-boot", "d",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-fw_cfg", "name=opt/os/cmdline,string=init=/bench/bench -- --iters %d" % args.iters]
    res = bench_qemu.qemu_run(extra, os.path.join(out_dir, "ours-serial.log"), args.timeout,
                              stop_markers=("PANIC:",))
    s = system_from_run(res, bench_qemu.bench_log_parse(res.text))
    s["iso"] = args.our_iso
    s["qemu_args"] = res.argv[1:]
    # A second boot of the same ISO measures the kernel's null IPC round trip: the native test
    # server kcoretest is the only root (roots=kcoretest kbench) and prints its own BENCH lines.
    ipc = ["-cdrom", args.our_iso, "-boot", "d",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-fw_cfg", "name=opt/os/cmdline,string=roots=kcoretest kbench"]
    res2 = bench_qemu.qemu_run(ipc, os.path.join(out_dir, "ours-ipc-serial.log"), args.timeout,
                               stop_markers=("PANIC:",))
    s2 = system_from_run(res2, bench_qemu.bench_log_parse(res2.text))
    for name, fig in s2.get("figures", {}).items():
        s["figures"].setdefault(name, fig)
    if s["status"] == "failed":
        s["status"] = "n/a"
    log("ours: %s, %d figures" % (s["status"], len(s["figures"])))
    return s


def results_build(args, systems, qemu_version):
    per_figure = {}
    reported = {}
    for key in bench_report.SYSTEMS:
        value = systems[key].get("info", {}).get("iters", "")
        if value.isdigit():
            reported[key] = int(value)
            if int(value) != args.iters:
                log("%s ran with --iters %s, not the %d asked for" % (key, value, args.iters))
    for key in bench_report.SYSTEMS:
        for name, r in systems[key].get("ranges", {}).items():
            if "iters_per_batch" in r:
                per_figure.setdefault(name, {})[key] = r["iters_per_batch"]
    return {
        "schema": 1,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "method": "QEMU TCG %s; guest TSC = guest instructions; warm-up then median of %d "
                  "batches" % (" ".join(bench_qemu.QEMU_COMMON), BATCHES),
        "qemu": {"version": qemu_version, "common_args": bench_qemu.QEMU_COMMON},
        # iters is what was asked for; reported is what each guest program says it used (a baked
        # command line can win over the harness's request, so trust the guest's own word).
        "iterations": {"iters": args.iters, "batches": BATCHES, "per_batch": per_figure,
                       "reported": reported},
        "systems": systems,
        "table": bench_report.table_rows(systems),
    }


def linux_release(systems):
    """"Linux <release>" from the guest's uname line ("Linux 6.1.0-56-cloud-amd64 x86_64 ...")."""
    words = systems["linux"].get("version", "").split()
    return "Linux " + words[1] if len(words) > 1 and words[0] == "Linux" else "Linux"


def report_write(args, out_dir, systems):
    """Writes results.json and the SVG, and prints the table with the versions it came from."""
    results = os.path.join(out_dir, "results.json")
    svg_path = os.path.join(out_dir, "spawn-vs-rss.svg")
    qver = bench_qemu.qemu_version()
    doc = results_build(args, systems, qver)
    with open(results + ".tmp", "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(results + ".tmp", results)
    qshort = "QEMU " + qver.split()[3] if qver.startswith("QEMU emulator version ") else qver
    with open(svg_path, "w") as f:
        f.write(bench_report.svg_spawn_vs_rss(
            systems, subtitle="%s vs ours; %s TCG, -icount shift=0"
            % (linux_release(systems), qshort)))

    print("Linux: %s" % systems["linux"].get("version", systems["linux"]["status"]))
    print("QEMU:  %s (%s)" % (qver, " ".join(bench_qemu.QEMU_COMMON)))
    print("iters: %d spawns per batch, median of %d batches; values are guest instructions"
          % (args.iters, BATCHES))
    print()
    print(bench_report.table_format(doc["table"], "Linux", "ours"))
    print()
    for key in bench_report.SYSTEMS:
        if systems[key].get("error") and systems[key]["status"] != "skipped":
            print("%s: %s (%s)" % (key, systems[key]["status"], systems[key]["error"]))
    print("wrote %s and %s" % (results, svg_path))


def check_file(path, require_linux):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        log("check: cannot read %s: %s" % (path, e))
        return 1
    errs = bench_report.results_check(doc, require_linux=require_linux)
    for e in errs:
        log("check: " + e)
    if not errs:
        log("check: %s is well-formed (%d figures)" % (path, len(doc["table"])))
    return 1 if errs else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iters", type=int, default=ITERS_DEFAULT,
                    help="spawns per batch (cheap figures scale it); default %d" % ITERS_DEFAULT)
    ap.add_argument("--out-dir", default=os.path.join(REPO, "build", "bench"))
    ap.add_argument("--our-iso", default=None, help="our OS built with init=/bench/bench")
    ap.add_argument("--skip-linux", action="store_true")
    ap.add_argument("--check", action="store_true", help="validate results.json after the run")
    ap.add_argument("--check-only", action="store_true", help="only validate results.json")
    ap.add_argument("--bench-bin", help="prebuilt bench program (default: build with musl-gcc)")
    ap.add_argument("--true-bin", help="prebuilt true program")
    ap.add_argument("--big1m-bin", help="prebuilt big.c of 1 MiB (default: build with musl-gcc)")
    ap.add_argument("--big4m-bin", help="prebuilt big.c of 4 MiB")
    ap.add_argument("--kernel", help="Linux kernel image (default: newest /boot/vmlinuz-*)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per QEMU run (default grows with --iters)")
    args = ap.parse_args()
    # Progress goes to stderr; keep stdout line-buffered so the two interleave in order.
    sys.stdout.reconfigure(line_buffering=True)
    if args.iters <= 0:
        ap.error("--iters must be positive")
    if args.timeout is None:
        # Measured here: Linux takes 7 s at --iters 2 and 24 s at 200 (TCG with icount). Our OS
        # may well be several times slower; a hang must still end in reasonable time.
        args.timeout = 120 + 3 * args.iters
    out_dir = os.path.abspath(args.out_dir)
    results = os.path.join(out_dir, "results.json")
    if args.check_only:
        return check_file(results, require_linux=True)

    work = os.path.join(out_dir, "work")
    os.makedirs(work, exist_ok=True)
    if args.bench_bin or args.true_bin:
        if not (args.bench_bin and args.true_bin):
            ap.error("--bench-bin and --true-bin go together")
        bench, true = os.path.abspath(args.bench_bin), os.path.abspath(args.true_bin)
    else:
        bench, true = binaries_build(work)
    if args.big1m_bin and args.big4m_bin:
        big = {"big1m": os.path.abspath(args.big1m_bin), "big4m": os.path.abspath(args.big4m_bin)}
    else:
        big = big_build(work)

    systems = {}
    linux_failed = False
    if args.skip_linux:
        systems["linux"] = {"status": "skipped", "figures": {}}
    else:
        try:
            systems["linux"] = linux_run(args, bench, true, big, out_dir, work)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
            systems["linux"] = {"status": "failed", "figures": {}, "error": str(e)}
        linux_failed = systems["linux"]["status"] != "ok"
    systems["ours"] = ours_run(args, out_dir)

    report_write(args, out_dir, systems)
    rc = 1 if linux_failed else 0
    if args.check:
        rc = check_file(results, require_linux=not args.skip_linux) or rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
