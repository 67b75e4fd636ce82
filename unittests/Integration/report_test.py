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
    file named, and writes nothing to stdout;
  - --html with `sysgc cost` and `sysgc why` JSON: one page with no script
    and no external resource, rendered by headless Chromium (Debian's
    chromium): the DOM it gives back carries the class totals, every cost
    row, a treemap box per removed syscall that owns bytes (its functions
    adding up to its function bytes) and the why-chains, each equal to the
    JSON they came from.
The real-kernel comparison with bloat-o-meter is in embedded_test.py.

Environment: SYSGC and SYSGC_LD point at the built binaries.
"""
import csv
import html.parser
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


def check_size_json(tc, rep, paths):
    """The JSON of `sysgc report` against llvm-size-22 and llvm-readelf-22
    (also used by the real-kernel tests)."""
    for side, path in zip(("before", "after"), paths):
        # Sections: llvm-size -A lists every section with its size; ours
        # are the allocated ones (flag A in llvm-readelf -S: x86's
        # .data..percpu is allocated at address 0).
        alloc = set()
        for line in run(["llvm-readelf-22", "-SW", path]).splitlines():
            m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+"
                         r"[0-9a-f]+\s+[0-9a-f]+\s+(\S*?A\S*)\s", line)
            if m:
                alloc.add(m.group(1))
        sysv = {}
        for line in run(["llvm-size-22", "-A", path]).splitlines():
            m = re.match(r"^(\S+)\s+(\d+)\s+(\d+)$", line)
            if m and m.group(1) in alloc:
                sysv[m.group(1)] = sysv.get(m.group(1), 0) + int(m.group(2))
        ours = {s["name"]: s[side] for s in rep["sections"] if s[side] is not None}
        tc.assertEqual(ours, sysv, side)
        # Classes: berkeley text is code and read-only data.
        b = run(["llvm-size-22", "--format=berkeley", path]).splitlines()[1].split()
        text, data, bss = int(b[0]), int(b[1]), int(b[2])
        c = rep["classes"]
        tc.assertEqual(c["text"][side] + c["rodata"][side], text)
        tc.assertEqual(c["data"][side], data)
        tc.assertEqual(c["bss"][side], bss)
        # Segments: PT_LOAD memory sizes in program-header order.
        loads = [int(l.split()[5], 16) for l in
                 run(["llvm-readelf-22", "-lW", path]).splitlines()
                 if l.strip().startswith("LOAD ")]
        tc.assertEqual([s[side] for s in rep["segments"]], loads)
        tc.assertEqual(rep["file"][side], os.stat(path).st_size)


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-report-")
        objs = cls.objs = os.path.join(cls.tmp, "objs")
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
        check_size_json(self, rep, (self.plain, self.shrunk))
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

    def test_html_page_rendered_by_chromium(self):
        chromium = shutil.which("chromium")
        self.assertIsNotNone(chromium, "chromium is missing: scripts/install-deps.sh "
                             "installs Debian's chromium")
        args = mk.link_args(self.objs, "vmlinux", os.path.join(self.tmp, "unused"))
        cost_json = os.path.join(self.tmp, "cost.json")
        with open(cost_json, "w") as f:
            f.write(run([SYSGC, "cost", "--format=json", "--allow", ALLOW, "--"] + args))
        whys = []
        for sym in ("__x64_sys_read", "__x64_sys_socket", "sock_alloc"):
            p = os.path.join(self.tmp, "why-%s.json" % sym)
            with open(p, "w") as f:
                f.write(run([SYSGC, "why", "--format=json", "--allow", ALLOW, sym, "--"]
                            + args))
            whys.append(p)
        page = os.path.join(self.tmp, "report.html")
        cmd = [SYSGC, "report", self.plain, self.shrunk, "--html", page, "--cost", cost_json]
        for w in whys:
            cmd += ["--why", w]
        run(cmd)
        with open(page) as f:
            src = f.read()
        # Self-contained: no script, nothing fetched.
        self.assertNotIn("<script", src.lower())
        self.assertEqual(re.findall(r"(?:src|href)\s*=", src), [])
        self.assertEqual(set(re.findall(r"https?://[^\s\"']+", src)),
                         {"http://www.w3.org/2000/svg"})
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--user-data-dir=" + os.path.join(self.tmp, "chromium")]
        dom = subprocess.run([chromium] + flags + ["--dump-dom", "file://" + page],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        shot = os.path.join(self.tmp, "report.png")
        subprocess.run([chromium] + flags + ["--window-size=1100,1400",
                                             "--screenshot=" + shot, "file://" + page],
                       capture_output=True, timeout=120)
        self.assertGreater(os.path.getsize(shot), 10000, "the page rendered blank")

        class Attrs(html.parser.HTMLParser):
            def __init__(self):
                super().__init__()
                self.tags = []
                self.stack = []

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                a["_tag"] = tag
                a["_parent"] = self.stack[-1] if self.stack else None
                self.tags.append(a)
                if tag not in ("br", "meta"):  # HTML's void elements here
                    self.stack.append(a)

            def handle_endtag(self, tag):
                if any(t["_tag"] == tag for t in self.stack):
                    while self.stack.pop()["_tag"] != tag:
                        pass
        p = Attrs()
        p.feed(dom.stdout)
        rep = json.loads(run([SYSGC, "report", "--format=json", self.plain, self.shrunk]))
        totals = {t["data-total"]: (int(t["data-before"]), int(t["data-after"]))
                  for t in p.tags if "data-total" in t}
        for c in ("text", "rodata", "data", "bss"):
            self.assertEqual(totals[c], (rep["classes"][c]["before"], rep["classes"][c]["after"]))
        self.assertEqual(totals["file"], (rep["file"]["before"], rep["file"]["after"]))
        with open(cost_json) as f:
            cost = json.load(f)
        rows = {"%s:%s" % (r["abi"], r["name"]): r for r in cost["syscalls"]}
        trs = {t["data-syscall"]: t for t in p.tags
               if t["_tag"] == "tr" and "data-syscall" in t}
        self.assertEqual(set(trs), set(rows))
        for k, t in trs.items():
            self.assertEqual((int(t["data-exclusive"]), int(t["data-shared"])),
                             (rows[k]["exclusive_bytes"], rows[k]["shared_bytes"]), k)
        boxes = {t["data-syscall"]: t for t in p.tags
                 if t["_tag"] == "g" and "data-syscall" in t}
        removed = {k for k, r in rows.items()
                   if r["allowed"] is False and r["exclusive_bytes"] > 0}
        self.assertTrue(removed)
        self.assertEqual(set(boxes), removed)
        for k, g in boxes.items():
            self.assertEqual(int(g["data-bytes"]), rows[k]["exclusive_bytes"])
            funcs = [int(t["data-bytes"]) for t in p.tags
                     if "data-function" in t and t["_parent"] is g]
            self.assertEqual(sum(funcs), rows[k]["exclusive_function_bytes"], k)
        sections = {t["data-why"]: t for t in p.tags if "data-why" in t}
        for w in whys:
            with open(w) as f:
                j = json.load(f)
            t = sections[j["symbol"]]
            self.assertEqual(t["data-verdict"], j["verdict"])
            self.assertEqual(int(t["data-hops"]), len(j["chain"]))
        self.assertTrue({t["data-verdict"] for t in sections.values()} >= {"live", "removed"},
                        sections)

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
