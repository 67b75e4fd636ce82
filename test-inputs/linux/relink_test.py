#!/usr/bin/env python3
"""`sysgc relink`: a recorded kernel link replayed with a new allowlist,
without Kbuild, on copies of cached trees (the cache stays as it was).

  - arm/tiny (no kallsyms, CONFIG_BUILDTIME_TABLE_SORT): Kbuild relinks the
    tree with allowlist A and SYSGC_RECORD; `sysgc relink RECORD --allow A`
    writes a vmlinux byte-identical to Kbuild's (sorttable included), and
    with a smaller list B one byte-identical to Kbuild's relink with B;
  - riscv/typical (KALLSYMS): relink refuses, naming the kallsyms object
    and the Kbuild route, and writes nothing;
  - a damaged record is refused with its file and line.
Times go to SYSGC_KERNEL_FIGURES under "relink".
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import embedded  # noqa: E402

SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
FIGURES = os.environ.get("SYSGC_KERNEL_FIGURES",
                         os.path.join(ROOT, "build", "kernel-figures.json"))


class Tree:
    """A copy of a cached tree and the make command that built it."""

    def __init__(self, spec, work):
        arch, config = spec.split("/")
        cached = embedded.build(arch, config)
        self.dir = os.path.join(work, spec.replace("/", "-"))
        subprocess.run(["cp", "-a", cached, self.dir], check=True)
        make = embedded._read(cached, ".sysgc-make").splitlines()
        self.make = ["O=" + self.dir if a == "O=" + cached else a for a in make]
        self.env = embedded._make_env(cached, {})
        self.arch = arch

    def kbuild_relink(self, allow, record=None, gc=None):
        """rm vmlinux; make vmlinux with SYSGC_ALLOW (and SYSGC_RECORD,
        SYSGC_GC): the vmlinux Kbuild makes, as bytes."""
        vmlinux = os.path.join(self.dir, "vmlinux")
        if os.path.exists(vmlinux):
            os.remove(vmlinux)
        env = dict(self.env)
        if allow:
            env["SYSGC_ALLOW"] = allow
        if gc:
            env["SYSGC_GC"] = gc
        if record:
            env["SYSGC_RECORD"] = record
        r = subprocess.run(self.make + ["vmlinux"], capture_output=True, text=True,
                           env=env, timeout=1800)
        log = r.stdout + r.stderr
        assert r.returncode == 0, log[-4000:]
        assert embedded.rebuilt_steps(log) == [], embedded.rebuilt_steps(log)
        with open(vmlinux, "rb") as f:
            return f.read()


def smaller(allow, drop, path):
    with open(allow) as f, open(path, "w") as g:
        for line in f:
            if line.split("#")[0].strip() not in drop:
                g.write(line)
    return path


class Relink(unittest.TestCase):
    figures = {}

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sysgc-relink-",
                                    dir=os.path.join(embedded.CACHE, "build"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)
        if cls.figures:
            embedded.merge_figures(FIGURES, {"relink": cls.figures})

    def relink(self, record, allow, out, gc=None):
        t0 = time.monotonic()
        r = subprocess.run([SYSGC, "relink", record, "-o", out] +
                           (["--allow", allow] if allow else []) +
                           (["--gc", gc] if gc else []),
                           capture_output=True, text=True, timeout=1800)
        return r, time.monotonic() - t0

    def test_kernel_without_kallsyms_relinks_as_kbuild_does(self):
        t = Tree("arm/tiny", self.work)
        allow = embedded.allowlist("arm")
        record = os.path.join(self.work, "arm.jsonl")
        kbuild_a = t.kbuild_relink(allow, record)
        out_a = os.path.join(self.work, "vmlinux-a")
        r, secs = self.relink(record, allow, out_a)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("sorttable", r.stderr)
        with open(out_a, "rb") as f:
            self.assertTrue(f.read() == kbuild_a, "relink A differs from Kbuild's vmlinux")
        small = smaller(allow, {"rename", "symlink", "rmdir", "chdir"},
                        os.path.join(self.work, "small.allow"))
        out_b = os.path.join(self.work, "vmlinux-b")
        r, secs_b = self.relink(record, small, out_b)
        self.assertEqual(r.returncode, 0, r.stderr)
        kbuild_b = t.kbuild_relink(small)
        with open(out_b, "rb") as f:
            got_b = f.read()
        self.assertTrue(got_b == kbuild_b, "relink B differs from Kbuild's vmlinux")
        self.assertNotEqual(got_b, kbuild_a)
        self.assertEqual(glob.glob(out_b + ".relink-*"), [])
        self.figures["arm/tiny_seconds"] = [round(secs, 1), round(secs_b, 1)]
        # Whole-kernel collection, with the small list and with no list at
        # all: the vmlinux Kbuild makes with SYSGC_GC=full, byte for byte.
        for name, lst in (("full", small), ("full-noallow", None)):
            out = os.path.join(self.work, "vmlinux-" + name)
            r, secs_f = self.relink(record, lst, out, gc="full")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("gc full", r.stderr)
            kbuild_f = t.kbuild_relink(lst, gc="full")
            with open(out, "rb") as f:
                got_f = f.read()
            self.assertTrue(got_f == kbuild_f, "relink %s differs from Kbuild's vmlinux" % name)
            self.assertLess(len(got_f), len(kbuild_b if lst else kbuild_a))
            self.figures["arm/tiny_%s_seconds" % name] = round(secs_f, 1)
        r, _ = self.relink(record, None, os.path.join(self.work, "never"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("--allow", r.stderr)
        r, _ = self.relink(record, small, os.path.join(self.work, "never"), gc="most")
        self.assertEqual(r.returncode, 1)
        self.assertIn("expected syscall or full", r.stderr)

    def test_kernel_with_kallsyms_is_refused(self):
        t = Tree("riscv/typical", self.work)
        allow = embedded.allowlist("riscv")
        record = os.path.join(self.work, "riscv.jsonl")
        t.kbuild_relink(allow, record)
        with open(record) as f:
            self.assertGreaterEqual(len([l for l in f if l.strip()]), 2,
                                    "the kallsyms passes were not recorded")
        out = os.path.join(self.work, "vmlinux-riscv")
        r, _ = self.relink(record, allow, out)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("kallsyms.o", r.stderr)
        self.assertIn("make", r.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(glob.glob(out + ".relink-*"), [])

    def test_damaged_record(self):
        bad = os.path.join(self.work, "bad.jsonl")
        with open(bad, "w") as f:
            f.write('{"cwd": "/", "args": ["-o", "x"]}\n{"cwd": 3}\n')
        r, _ = self.relink(bad, embedded.allowlist("arm"),
                           os.path.join(self.work, "never"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(bad + ":2", r.stderr)
        empty = os.path.join(self.work, "empty.jsonl")
        open(empty, "w").close()
        r, _ = self.relink(empty, embedded.allowlist("arm"),
                           os.path.join(self.work, "never"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no recorded link", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.work, "never")))


if __name__ == "__main__":
    unittest.main()
