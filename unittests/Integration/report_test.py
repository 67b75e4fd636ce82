#!/usr/bin/env python3
"""`sysgc report BEFORE AFTER` against the tools people compare with.

The mini kernel is linked plain (ld.lld-22) and shrunk (sysgc-ld), and:
  - the text of `sysgc report` with no option, -c, -d and -t equals, byte
    for byte, scripts/bloat-o-meter's from Debian's linux-source-6.12 on the
    same two files (the script runs GNU nm, as its users run it), both ways
    round and on a file against itself;
  - the JSON's sections are llvm-size-22 -A's allocated sections, its class
    totals add up to llvm-size-22's berkeley text/data/bss, its segments are
    llvm-readelf-22 -l's PT_LOAD memory sizes and its file sizes os.stat's;
  - the CSV carries the same numbers as the JSON;
  - bad input (a missing file, a non-ELF file, one file) exits 1 with the
    file named, and writes nothing to stdout.
The real-kernel comparison with bloat-o-meter is in embedded_test.py.

Environment: SYSGC and SYSGC_LD point at the built binaries.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test-inputs", "mini-kernel"))
import mk  # noqa: E402

SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
SYSGC_LD = os.environ.get("SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld"))
CACHE = os.environ.get("SYSGC_CACHE", "/var/cache/sysgc")
ALLOW = os.path.join(ROOT, "test-inputs", "mini-kernel", "demo.allow")


def bloat_o_meter(tmp):
    """scripts/bloat-o-meter of the 6.12 sources: from the kernel tests'
    unpacked tree when there is one, else out of Debian's tarball."""
    tree = os.path.join(CACHE, "src", "linux-source-6.12", "scripts", "bloat-o-meter")
    if os.path.exists(tree):
        return tree
    tarball = "/usr/src/linux-source-6.12.tar.xz"
    if not os.path.exists(tarball):
        raise AssertionError(tarball + " is missing: scripts/install-deps.sh with "
                             "SYSGC_WITH_KERNEL_DEPS=1 installs linux-source-6.12")
    subprocess.run(["tar", "-C", tmp, "-xJf", tarball,
                    "linux-source-6.12/scripts/bloat-o-meter"], check=True)
    return os.path.join(tmp, "linux-source-6.12", "scripts", "bloat-o-meter")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (" ".join(cmd), r.returncode, r.stderr))
    return r.stdout


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-report-")
        objs = os.path.join(cls.tmp, "objs")
        mk.build(objs)
        cls.plain = os.path.join(cls.tmp, "plain")
        cls.shrunk = os.path.join(cls.tmp, "shrunk")
        r = mk.link(objs, "vmlinux", "ld.lld-22", cls.plain)
        assert r.returncode == 0, r.stderr
        r = mk.link(objs, "vmlinux", SYSGC_LD, cls.shrunk, ["--sysgc-allow=" + ALLOW])
        assert r.returncode == 0, r.stderr
        cls.bom = bloat_o_meter(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_text_is_bloat_o_meters(self):
        pairs = [(self.plain, self.shrunk), (self.shrunk, self.plain),
                 (self.plain, self.plain)]
        for a, b in pairs:
            for opt in ([], ["-c"], ["-d"], ["-t"]):
                with self.subTest(files=(os.path.basename(a), os.path.basename(b)), opt=opt):
                    want = run(["python3", self.bom] + opt + [a, b])
                    got = run([SYSGC, "report"] + opt + [a, b])
                    self.assertEqual(got, want)
        # The pair differs: the comparison above is not of empty tables.
        self.assertRegex(run([SYSGC, "report", self.plain, self.shrunk]),
                         r"add/remove: 0/[1-9]\d*")

    def test_json_against_llvm_size_and_readelf(self):
        rep = json.loads(run([SYSGC, "report", "--format=json", self.plain, self.shrunk]))
        self.assertEqual(rep["schema"], "sysgc-size-diff/1")
        for side, path in (("before", self.plain), ("after", self.shrunk)):
            # Sections: llvm-size -A lists every section; ours are the
            # allocated ones (those with an address).
            sysv = {}
            for line in run(["llvm-size-22", "-A", path]).splitlines():
                m = re.match(r"^(\S+)\s+(\d+)\s+(\d+)$", line)
                if m and int(m.group(3)) != 0:
                    sysv[m.group(1)] = int(m.group(2))
            ours = {s["name"]: s[side] for s in rep["sections"] if s[side] is not None}
            self.assertEqual(ours, sysv, side)
            # Classes: berkeley text is code and read-only data.
            b = run(["llvm-size-22", "--format=berkeley", path]).splitlines()[1].split()
            text, data, bss = int(b[0]), int(b[1]), int(b[2])
            c = rep["classes"]
            self.assertEqual(c["text"][side] + c["rodata"][side], text)
            self.assertEqual(c["data"][side], data)
            self.assertEqual(c["bss"][side], bss)
            # Segments: PT_LOAD memory sizes in program-header order.
            loads = [int(l.split()[5], 16) for l in
                     run(["llvm-readelf-22", "-lW", path]).splitlines()
                     if l.strip().startswith("LOAD ")]
            self.assertEqual([s[side] for s in rep["segments"]], loads)
            self.assertEqual(rep["file"][side], os.stat(path).st_size)
        # The function table's totals are the symbols' (bloat-o-meter's
        # "Total:" line says the same).
        t = rep["symbols"][0]
        text = run([SYSGC, "report", self.plain, self.shrunk])
        m = re.search(r"Total: Before=(\d+), After=(\d+)", text)
        self.assertEqual((t["total_before"], t["total_after"]),
                         (int(m.group(1)), int(m.group(2))))
        self.assertEqual(sum(r["delta"] for r in t["rows"]),
                         t["total_after"] - t["total_before"])

    def test_csv_matches_json(self):
        args = [self.plain, self.shrunk, "--image", self.plain, self.shrunk]
        rep = json.loads(run([SYSGC, "report", "--format=json"] + args))
        rows = list(csv.DictReader(io.StringIO(run([SYSGC, "report", "--format=csv"] + args))))
        self.assertEqual(list(rows[0].keys()),
                         ["kind", "group", "name", "before", "after", "delta"])
        num = lambda v: int(v) if v != "" else None
        got = {(r["kind"], r["name"]): (num(r["before"]), num(r["after"]), int(r["delta"]))
               for r in rows}
        for t in rep["symbols"]:
            for r in t["rows"]:
                self.assertEqual(got[("symbol", r["name"])], (r["before"], r["after"], r["delta"]))
        for s in rep["sections"]:
            self.assertEqual(got[("section", s["name"])], (s["before"], s["after"], s["delta"]))
        self.assertEqual(got[("image", "image")],
                         (os.stat(self.plain).st_size, os.stat(self.shrunk).st_size,
                          os.stat(self.shrunk).st_size - os.stat(self.plain).st_size))

    def test_bad_input(self):
        junk = os.path.join(self.tmp, "junk")
        with open(junk, "w") as f:
            f.write("not an ELF file\n")
        for args, needle in (([self.plain, os.path.join(self.tmp, "missing")], "missing"),
                             ([self.plain, junk], "junk: not an ELF file"),
                             ([self.plain], "give two linked files"),
                             (["-c", "-t", self.plain, self.shrunk], "exclude each other")):
            with self.subTest(args=args):
                r = subprocess.run([SYSGC, "report"] + args, capture_output=True, text=True)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn(needle, r.stderr)
                self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
