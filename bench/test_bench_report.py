#!/usr/bin/env python3
"""Host tests of the harness's own logic (ctest bench/report): serial-log parsing, the table as
the union of both systems' figures, results.json checking, the initramfs writer and the SVG.
Needs no QEMU; the end-to-end run is bench/smoke.

Entry point: unittest main.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.dom.minidom

# No __pycache__ in the source tree: the harness runs from bench/ itself.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_qemu  # noqa: E402
import bench_report  # noqa: E402

LINUX_LOG = (
    "[    0.000000] Linux version 6.1.0\r\n"
    "BENCH_INFO uname Linux 6.1.0-56-cloud-amd64 x86_64 #1 SMP\r\n"
    "BENCH_INFO iters 2\r\n"
    "BENCH boot_to_init 1559489814 instr\r\n"
    "BENCH null_syscall 312 instr\r\n"
    "BENCH_RANGE null_syscall 312 313 512\r\n"
    "[    1.2] random: crng init doneBENCH spawn_wait 180000 instr\r\n"
    "BENCH_FAIL pipe_rtt Function not implemented\r\n"
    "BENCH broken notanumber instr\r\n"
    "BENCH_DONE\r\n"
    "[    1.906104] reboot: Power down\r\n")

OURS_LOG = (
    "kernel: BENCH ipc_rtt 850 instr\n"
    "BENCH kentries_per_spawn 42 count\n"
    "BENCH null_syscall 1248 instr\n"
    "BENCH spawn_wait 360000 instr\n"
    "BENCH null_syscall 1250 instr\n")


def _doc(linux_figs, ours_figs, linux_status="ok", ours_status="ok"):
    systems = {
        "linux": {"status": linux_status, "figures": linux_figs, "version": "Linux 6.1"},
        "ours": {"status": ours_status, "figures": ours_figs},
    }
    return {"schema": 1, "date": "2026-01-01T00:00:00+00:00",
            "qemu": {"version": "QEMU emulator version 7.2.22"},
            "iterations": {"iters": 2, "batches": 7}, "systems": systems,
            "table": bench_report.table_rows(systems)}


def _all_figures(value):
    return {n: {"value": value, "unit": "instr"} for n in bench_report.FIGURE_ORDER}


class ParseTest(unittest.TestCase):
    def test_linux_log(self):
        p = bench_qemu.bench_log_parse(LINUX_LOG)
        self.assertEqual(p["figures"]["null_syscall"], {"value": 312.0, "unit": "instr"})
        self.assertEqual(p["figures"]["boot_to_init"]["value"], 1559489814.0)
        # A kernel message that ran into the line does not hide the figure.
        self.assertEqual(p["figures"]["spawn_wait"]["value"], 180000.0)
        self.assertNotIn("broken", p["figures"])
        self.assertEqual(len(p["figures"]), 3)
        self.assertEqual(p["failures"], {"pipe_rtt": "Function not implemented"})
        self.assertEqual(p["ranges"]["null_syscall"],
                         {"min": 312.0, "max": 313.0, "iters_per_batch": 512})
        self.assertEqual(p["info"]["iters"], "2")
        self.assertTrue(p["info"]["uname"].startswith("Linux 6.1.0-56-cloud-amd64"))
        self.assertTrue(p["done"])

    def test_kernel_lines_and_last_wins(self):
        p = bench_qemu.bench_log_parse(OURS_LOG)
        self.assertEqual(p["figures"]["ipc_rtt"]["value"], 850.0)
        self.assertEqual(p["figures"]["kentries_per_spawn"], {"value": 42.0, "unit": "count"})
        self.assertEqual(p["figures"]["null_syscall"]["value"], 1250.0)
        self.assertFalse(p["done"])


class TableTest(unittest.TestCase):
    def test_union_order_and_ratio(self):
        linux = bench_qemu.bench_log_parse(LINUX_LOG)
        ours = bench_qemu.bench_log_parse(OURS_LOG)
        rows = bench_report.table_rows({"linux": linux, "ours": ours})
        names = [r["name"] for r in rows]
        self.assertEqual(names, ["boot_to_init", "null_syscall", "spawn_wait", "ipc_rtt",
                                 "kentries_per_spawn"])
        by = {r["name"]: r for r in rows}
        self.assertAlmostEqual(by["spawn_wait"]["ratio"], 2.0)
        self.assertIsNone(by["ipc_rtt"]["linux"])
        self.assertIsNone(by["ipc_rtt"]["ratio"])
        self.assertIsNone(by["boot_to_init"]["ours"])
        self.assertEqual(by["kentries_per_spawn"]["unit"], "count")
        text = bench_report.table_format(rows)
        self.assertIn("2.00x", text)
        self.assertIn("n/a", text)

    def test_ours_absent(self):
        rows = bench_report.table_rows({"linux": bench_qemu.bench_log_parse(LINUX_LOG),
                                        "ours": {"status": "n/a", "figures": {}}})
        self.assertTrue(all(r["ours"] is None for r in rows))
        self.assertIn("pending", bench_report.markdown_table(rows))


class CheckTest(unittest.TestCase):
    def test_well_formed(self):
        self.assertEqual(bench_report.results_check(_doc(_all_figures(5.0), {}, ours_status="n/a")),
                         [])

    def test_rejects_bad_values(self):
        figs = _all_figures(5.0)
        figs["null_syscall"] = {"value": -1, "unit": "instr"}
        self.assertTrue(bench_report.results_check(_doc(figs, {}, ours_status="n/a")))
        figs["null_syscall"] = {"value": 3, "unit": ""}
        self.assertTrue(bench_report.results_check(_doc(figs, {}, ours_status="n/a")))
        figs["null_syscall"] = {"value": 0, "unit": "instr"}   # a cost is never 0
        self.assertTrue(bench_report.results_check(_doc(figs, {}, ours_status="n/a")))

    def test_zero_counters_are_fine(self):
        # a vDSO clock read makes no kernel entries: a count of 0 per operation is well-formed
        ours = _all_figures(5.0)
        ours["clock_gettime_kernel_entries"] = {"value": 0.0, "unit": "per-op"}
        self.assertEqual(bench_report.results_check(_doc(_all_figures(5.0), ours)), [])
        ours["clock_gettime_kernel_entries"] = {"value": -1.0, "unit": "per-op"}
        self.assertTrue(bench_report.results_check(_doc(_all_figures(5.0), ours)))

    def test_rejects_missing_linux_figure_and_bad_status(self):
        figs = _all_figures(5.0)
        del figs["pipe_rtt"]
        errs = bench_report.results_check(_doc(figs, {}, ours_status="n/a"))
        self.assertTrue(any("pipe_rtt" in e for e in errs))
        self.assertTrue(bench_report.results_check(
            _doc(_all_figures(5.0), {}, linux_status="failed", ours_status="n/a")))
        self.assertEqual(bench_report.results_check(
            _doc({}, {}, linux_status="skipped", ours_status="n/a"), require_linux=False), [])
        self.assertTrue(bench_report.results_check(
            _doc(_all_figures(5.0), {}, ours_status="fine")))

    def test_rejects_table_not_union(self):
        doc = _doc(_all_figures(5.0), {"ipc_rtt": {"value": 9.0, "unit": "instr"}})
        self.assertEqual(bench_report.results_check(doc), [])
        doc["table"] = doc["table"][:-1]
        self.assertTrue(bench_report.results_check(doc))

    def test_no_timing_assertions(self):
        # Absurd but well-formed figures pass: the check is about structure, never speed.
        self.assertEqual(bench_report.results_check(
            _doc(_all_figures(1e12), _all_figures(0.5))), [])


class InitramfsTest(unittest.TestCase):
    def test_newc_entries(self):
        with tempfile.TemporaryDirectory() as d:
            prog = os.path.join(d, "prog")
            with open(prog, "wb") as f:
                f.write(b"\x7fELF-abc")
            out = os.path.join(d, "i.cpio")
            bench_qemu.initramfs_write(out, {"/bench/bench": prog}, {"/init": "bench/bench"})
            with open(out, "rb") as f:
                data = f.read()
        entries, off = {}, 0
        while True:
            self.assertEqual(data[off:off + 6], b"070701")
            fields = [int(data[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
            namesize, filesize, mode = fields[11], fields[6], fields[1]
            name = data[off + 110:off + 110 + namesize - 1].decode()
            off += 110 + namesize
            off += -off % 4
            body = data[off:off + filesize]
            off += filesize
            off += -off % 4
            if name == "TRAILER!!!":
                break
            entries[name] = (mode, body, fields[9], fields[10])
        self.assertEqual(off, len(data))
        self.assertEqual(entries["bench/bench"][0], 0o100755)
        self.assertEqual(entries["bench/bench"][1], b"\x7fELF-abc")
        self.assertEqual(entries["init"][:2], (0o120777, b"bench/bench"))
        self.assertEqual(entries["dev/console"][0], 0o020600)
        self.assertEqual(entries["dev/console"][2:], (5, 1))
        self.assertEqual(entries["dev/null"][0], 0o020666)
        self.assertEqual(entries["dev/null"][2:], (1, 3))
        self.assertEqual(entries["bench"][0], 0o040755)


class FormatTest(unittest.TestCase):
    def test_small_values_and_ratios(self):
        # a rare per-operation counter keeps its digits, and a tiny ratio is not "0.00x"
        p = bench_qemu.bench_log_parse("BENCH fork_exit_wait_cow_copied 0.00125 per-op\n"
                                       "BENCH x_zero_fill 1.5e-05 per-op\n")
        self.assertAlmostEqual(p["figures"]["fork_exit_wait_cow_copied"]["value"], 0.00125)
        self.assertAlmostEqual(p["figures"]["x_zero_fill"]["value"], 1.5e-05)
        rows = [{"name": "a", "title": "a", "unit": "instr", "linux": 26056495.0,
                 "ours": 128073.0, "ratio": 128073.0 / 26056495.0},
                {"name": "b", "title": "b", "unit": "per-op", "linux": None, "ours": 0.00125,
                 "ratio": None}]
        text = bench_report.table_format(rows)
        self.assertIn("0.0049x", text)
        self.assertIn("0.00125", text)
        self.assertNotIn("0.00x", text)


class RoundTripTest(unittest.TestCase):
    def test_tiny_counter_round_trips(self):
        # A rare counter as the bench program prints it (%.4g) and as kcoretest prints it (its
        # long division, three significant digits): parsed, written to results.json, read back,
        # it keeps its value and the check accepts the file. Two fixed decimals made it "0.00".
        log = ("BENCH null_syscall 312 instr\n"
               "BENCH fork_exit_wait_cow_copied 0.00125 per-op\n"
               "BENCH ipc_roundtrip_as_switches 0.00125 per-op\n"
               "BENCH x_zero_fill 1.5e-05 per-op\n")
        ours = bench_qemu.bench_log_parse(log)["figures"]
        doc = _doc(_all_figures(5.0), ours)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "results.json")
            with open(path, "w") as f:
                json.dump(doc, f, indent=2, sort_keys=True)
            with open(path) as f:
                back = json.load(f)
        self.assertEqual(bench_report.results_check(back), [])
        figs = back["systems"]["ours"]["figures"]
        self.assertAlmostEqual(figs["fork_exit_wait_cow_copied"]["value"], 0.00125)
        self.assertAlmostEqual(figs["ipc_roundtrip_as_switches"]["value"], 0.00125)
        self.assertAlmostEqual(figs["x_zero_fill"]["value"], 1.5e-05)
        text = bench_report.table_format(back["table"])
        self.assertIn("0.00125", text)
        self.assertIn("1.5e-05", text)

    @unittest.skipUnless(shutil.which("cc"), "no host C compiler")
    def test_kcoretest_writer_round_trips(self):
        # kcoretest's own writer (tests/kcore/kcore_perop.h), compiled on the host: 5 events in
        # 4000 calls must reach results.json as 0.00125 and pass the check (it printed 0.00)
        inc = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "tests", "kcore")
        cases = [("a", 5, 4000, 0.00125), ("b", 0, 2000, 0.0), ("c", 4001, 2000, 2.0),
                 ("d", 1, 1000000000, 1e-9), ("e", 1, 3, 0.333)]
        calls = "".join('line("%s", %dULL, %dULL);' % (n, c, k) for n, c, k, _ in cases)
        src = ('#include <stdio.h>\n#include "kcore_perop.h"\n'
               'static void line(const char *n, uint64_t c, uint64_t k) {'
               ' char t[KCORE_PER_OP_TEXT]; kcore_per_op_text(t, c, k);'
               ' printf("BENCH %%s %%s per-op\\n", n, t); }\n'
               'int main(void) { %s return 0; }\n' % calls)
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "w.c"), "w") as f:
                f.write(src)
            subprocess.run(["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", inc, "-o",
                            os.path.join(d, "w"), os.path.join(d, "w.c")], check=True)
            out = subprocess.run([os.path.join(d, "w")], check=True, capture_output=True,
                                 text=True).stdout
        figs = bench_qemu.bench_log_parse(out)["figures"]
        for name, _, _, want in cases:
            self.assertAlmostEqual(figs[name]["value"], want, msg=out)
        doc = json.loads(json.dumps(_doc(_all_figures(5.0), figs)))
        self.assertEqual(bench_report.results_check(doc), [])


class NotComparableTest(unittest.TestCase):
    def test_boot_to_init_has_no_ratio(self):
        # Linux boots -kernel/-initrd, ours boots the ISO through GRUB: no ratio, a note instead
        doc = _doc(_all_figures(5.0), _all_figures(10.0))
        row = [r for r in doc["table"] if r["name"] == "boot_to_init"][0]
        self.assertIsNone(row["ratio"])
        self.assertIn("GRUB", row["note"])
        other = [r for r in doc["table"] if r["name"] == "null_syscall"][0]
        self.assertEqual(other["ratio"], 2.0)
        self.assertNotIn("note", other)
        self.assertEqual(bench_report.results_check(json.loads(json.dumps(doc))), [])
        text = bench_report.table_format(doc["table"])
        boot_line = [ln for ln in text.splitlines() if ln.startswith("boot_to_init ")][0]
        self.assertTrue(boot_line.endswith("n/c"))
        self.assertIn("boot_to_init: not comparable", text)
        md = bench_report.markdown_table(doc["table"])
        self.assertIn("| n/c |", md)


class SvgTest(unittest.TestCase):
    def test_both_series(self):
        systems = {"linux": {"figures": {"spawn_wait": {"value": 180000.0, "unit": "instr"},
                                         "spawn_rss_256m": {"value": 181000.0, "unit": "i"},
                                         "fork_exec_rss_256m": {"value": 26e6, "unit": "i"}}},
                   "ours": {"figures": {"spawn_rss_1m": {"value": 400000.0, "unit": "instr"}}}}
        svg = bench_report.svg_spawn_vs_rss(systems, subtitle="a <b> & c")
        dom = xml.dom.minidom.parseString(svg)
        self.assertEqual(len(dom.getElementsByTagName("circle")), 4)
        # three series: Linux's spawn, Linux's fork+exec (dashed), ours spawn (solid)
        self.assertEqual(len(dom.getElementsByTagName("path")), 3)
        self.assertIn("400,000", svg)
        self.assertIn("26,000,000", svg)
        self.assertIn("fork+exec, Linux", svg)

    def test_no_data(self):
        svg = bench_report.svg_spawn_vs_rss({"linux": {"figures": {}}, "ours": {}})
        xml.dom.minidom.parseString(svg)
        self.assertIn("no data", svg)


if __name__ == "__main__":
    unittest.main()
