"""Boots one system in QEMU under instruction counting and collects the benchmark's lines.

Entry points:
  initramfs_write(path, files)   cpio newc archive for Linux (the bench binary as /init)
  linux_kernel_find()            newest /boot/vmlinuz-*, preferring the cloud flavour
  qemu_version()                 first line of `qemu-system-x86_64 --version`
  qemu_run(args, log, timeout)   runs QEMU with the serial log in a file; returns a RunResult
  bench_log_parse(text)          the BENCH / BENCH_RANGE / BENCH_FAIL / BENCH_INFO lines

The guest TSC counts instructions with `-icount shift=0,sleep=off` (1 tick = 1 instruction,
idle time warped over): that is what makes figures repeat within about 1% under TCG, where
wall-clock time varies by tens of percent. Wall time is recorded only to size timeouts.
"""
import glob
import os
import re
import subprocess
import time

QEMU = "qemu-system-x86_64"

# Shared by both systems, so the two columns come from the same virtual machine.
QEMU_COMMON = [
    "-machine", "pc", "-cpu", "qemu64", "-smp", "1", "-m", "1G",
    "-icount", "shift=0,sleep=off",
    # the clock pinned, as in every guest test: nothing measured depends on the day it runs
    "-rtc", "base=2026-03-04T10:00:00",
    "-display", "none", "-monitor", "none", "-no-reboot", "-net", "none",
]

LINUX_CMDLINE = "console=ttyS0 quiet panic=-1 norandmaps transparent_hugepage=never"

# After BENCH_DONE the guest should power off; if it does not (our OS without a power-off path),
# it is stopped after this grace period instead of waiting for the timeout. The same after a
# stop marker (a kernel panic), leaving time for the rest of the panic message.
DONE_GRACE_SECONDS = 15

# Not anchored at the line start: a kernel message printed without its newline (pr_cont) may run
# into the line before our text.
_BENCH_RE = re.compile(r"BENCH\s+(\S+)\s+(-?[0-9][0-9.eE+-]*)\s+(\S+)")
_RANGE_RE = re.compile(r"BENCH_RANGE\s+(\S+)\s+([0-9.]+)\s+([0-9.]+)(?:\s+([0-9]+))?")
_FAIL_RE = re.compile(r"BENCH_FAIL\s+(\S+)\s*(.*)")
_INFO_RE = re.compile(r"BENCH_INFO\s+(\S+)\s*(.*)")


def _cpio_entry(name, mode, data=b"", ino=1, rdev=(0, 0)):
    """One newc record: 110-byte ASCII header, name, padding to 4, data, padding to 4."""
    name_b = name.encode() + b"\0"
    fields = [0x070701, ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields[1:])
    out = hdr + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def initramfs_write(path, files, symlinks=None):
    """Writes an uncompressed newc archive. files: {guest path: host file}; symlinks:
    {guest path: target}. /dev/console is included so init starts with its console open, and /dev/null."""
    symlinks = symlinks or {}
    dirs = {"dev"}
    for guest in list(files) + list(symlinks):
        parts = guest.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    out = bytearray()
    ino = 1
    for d in sorted(dirs):
        out += _cpio_entry(d, 0o040755, ino=ino)
        ino += 1
    out += _cpio_entry("dev/console", 0o020600, ino=ino, rdev=(5, 1))
    ino += 1
    # /dev/null (1,3) for the write_null_4k row: no devtmpfs is mounted in the initramfs
    out += _cpio_entry("dev/null", 0o020666, ino=ino, rdev=(1, 3))
    ino += 1
    for guest, host in sorted(files.items()):
        with open(host, "rb") as f:
            out += _cpio_entry(guest.strip("/"), 0o100755, f.read(), ino=ino)
        ino += 1
    for guest, target in sorted(symlinks.items()):
        out += _cpio_entry(guest.strip("/"), 0o120777, target.encode(), ino=ino)
        ino += 1
    out += _cpio_entry("TRAILER!!!", 0, ino=0)
    with open(path, "wb") as f:
        f.write(out)


def linux_kernel_find():
    """The kernel image to boot: the newest cloud flavour, else the newest of any; None if none."""
    def key(p):
        return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)]
    cloud = sorted(glob.glob("/boot/vmlinuz-*cloud-amd64"), key=key)
    if cloud:
        return cloud[-1]
    other = sorted(glob.glob("/boot/vmlinuz-*"), key=key)
    return other[-1] if other else None


def qemu_version():
    try:
        out = subprocess.run([QEMU, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


class RunResult:
    def __init__(self, argv, log_path):
        self.argv = argv
        self.log_path = log_path
        self.exit_status = None
        self.timed_out = False
        self.stopped_after_done = False
        self.wall_seconds = 0.0
        self.error = None
        self.text = ""


def qemu_run(extra_args, log_path, timeout, stop_markers=()):
    """Runs QEMU with QEMU_COMMON + extra_args and the first serial port in log_path. Returns
    when QEMU exits, DONE_GRACE_SECONDS after BENCH_DONE (or one of stop_markers, such as our
    kernel's "PANIC:", after which nothing more will come) appears, or at the timeout."""
    argv = [QEMU] + QEMU_COMMON + ["-serial", "file:" + log_path] + extra_args
    res = RunResult(argv, log_path)
    if os.path.exists(log_path):
        os.unlink(log_path)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    except OSError as e:
        res.error = "cannot start QEMU: %s" % e
        return res
    done_at = None
    while True:
        try:
            proc.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if done_at is None and _log_has_any(log_path, (b"BENCH_DONE",) + tuple(
                m.encode() for m in stop_markers)):
            done_at = now
        if done_at is not None and now - done_at > DONE_GRACE_SECONDS:
            res.stopped_after_done = True
            break
        if now - start > timeout:
            res.timed_out = True
            break
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    res.wall_seconds = time.monotonic() - start
    res.exit_status = proc.returncode
    qemu_out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    if qemu_out.strip() and proc.returncode not in (0, None) and not res.timed_out \
            and not res.stopped_after_done:
        res.error = qemu_out.strip().splitlines()[-1]
    try:
        with open(log_path, "rb") as f:
            res.text = f.read().decode(errors="replace")
    except OSError:
        res.text = ""
    return res


def _log_has_any(path, markers):
    try:
        with open(path, "rb") as f:
            text = f.read()
    except OSError:
        return False
    return any(m in text for m in markers)


def bench_log_parse(text):
    """Returns {figures: {name: {value, unit}}, ranges, failures, info, done} from a serial log.
    Any `BENCH <name> <value> <unit>` line counts, whoever printed it (the bench program or our
    kernel's own benchmark); a later line with the same name replaces an earlier one."""
    parsed = {"figures": {}, "ranges": {}, "failures": {}, "info": {}, "done": False}
    for raw in text.splitlines():
        line = raw.replace("\r", "").strip()
        if "BENCH_DONE" in line:
            parsed["done"] = True
        m = _RANGE_RE.search(line)
        if m:
            r = {"min": float(m.group(2)), "max": float(m.group(3))}
            if m.group(4):
                r["iters_per_batch"] = int(m.group(4))
            parsed["ranges"][m.group(1)] = r
            continue
        m = _FAIL_RE.search(line)
        if m:
            parsed["failures"][m.group(1)] = m.group(2).strip()
            continue
        m = _INFO_RE.search(line)
        if m:
            parsed["info"][m.group(1)] = m.group(2).strip()
            continue
        m = _BENCH_RE.search(line)
        if m:
            try:
                value = float(m.group(2))
            except ValueError:
                continue
            parsed["figures"][m.group(1)] = {"value": value, "unit": m.group(3)}
    return parsed
