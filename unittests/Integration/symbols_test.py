#!/usr/bin/env python3
"""No phantom symbols (issue 12, point 4), on the mini kernel.

In a link without --gc-sections sysgc-ld has lld drop the removed code by
marking it SHF_EXCLUDE; lld reads a global defined there as an undefined
symbol and lists it in the output's .symtab, so every removed function used
to leave a `U` that nm-based tools (System.map, bloat-o-meter) take for a
real reference. For each link shape (thin archive, ld -r vmlinux.o,
--gc-sections) and allowlist, `llvm-nm-22 -u` of sysgc-ld's output must list
nothing that plain ld.lld-22's output of the same inputs does not; the
program still runs; a later link that reuses the plan (Kbuild's kallsyms
passes) gives the same bytes.

Environment: SYSGC_LD points at the binary under test.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test-inputs", "mini-kernel"))
import mk  # noqa: E402

SYSGC_LD = os.path.abspath(os.environ.get(
    "SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld")))
LLD = "ld.lld-22"
ALLOWLISTS = {
    "demo": None,  # test-inputs/mini-kernel/demo.allow
    # Only getpid: jhash (lib.a) is used by removed code alone.
    "one": ["getpid"],
    "typical": ["read", "write", "openat", "close", "fstat", "mmap", "brk",
                "uname", "getpid", "exit_group", "futex", "clock_gettime"],
}


def undefined(path):
    r = subprocess.run(["llvm-nm-22", "-u", path], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return sorted(l.split()[-1] for l in r.stdout.splitlines() if l.strip())


def defined(path):
    r = subprocess.run(["llvm-nm-22", "--defined-only", path],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return {l.split()[-1] for l in r.stdout.splitlines() if l.strip()}


class Symbols(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-sym-")
        cls.objs = os.path.join(cls.tmp, "objs")
        mk.build(cls.objs)
        cls.allow = {}
        for name, calls in ALLOWLISTS.items():
            if calls is None:
                cls.allow[name] = os.path.join(ROOT, "test-inputs", "mini-kernel",
                                               "demo.allow")
            else:
                cls.allow[name] = os.path.join(cls.tmp, name + ".allow")
                with open(cls.allow[name], "w") as f:
                    f.write("".join(c + "\n" for c in calls))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def link(self, variant, linker, out, *extra):
        r = mk.link(self.objs, variant, linker, out, extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_no_undefined_symbol_plain_lld_would_not_leave(self):
        for variant in ("archive", "vmlinux", "gc"):
            plain = os.path.join(self.tmp, "plain-" + variant)
            self.link(variant, LLD, plain)
            for name, allow in self.allow.items():
                with self.subTest(variant=variant, allowlist=name):
                    out = os.path.join(self.tmp, "%s-%s" % (variant, name))
                    self.link(variant, SYSGC_LD, out, "--sysgc-allow=" + allow,
                              "--sysgc-quiet", "--sysgc-cache=off")
                    phantoms = sorted(set(undefined(out)) - set(undefined(plain)))
                    self.assertEqual(phantoms, [], "undefined in sysgc-ld's "
                                     "output only")
                    res = mk.parse(subprocess.run([out], capture_output=True,
                                                  text=True, timeout=60).stdout)
                    self.assertEqual(res["selfcheck"], 0, res)
                    self.assertEqual(res["fail"], [])

    def test_archive_member_only_removed_code_used(self):
        # lib.a(jhash.o) is pulled in only by the removed futex and sys
        # code: it leaves neither a definition nor an undefined jhash.
        for variant in ("archive", "vmlinux"):
            with self.subTest(variant=variant):
                out = os.path.join(self.tmp, "jhash-" + variant)
                self.link(variant, SYSGC_LD, out, "--sysgc-allow=" + self.allow["one"],
                          "--sysgc-quiet", "--sysgc-cache=off")
                self.assertNotIn("jhash", undefined(out))
                self.assertNotIn("jhash", defined(out))
                plain = os.path.join(self.tmp, "jhash-plain-" + variant)
                self.link(variant, LLD, plain)
                self.assertIn("jhash", defined(plain))

    def test_a_reused_plan_gives_the_same_output(self):
        # Kbuild's kallsyms passes: the second link reuses the first one's
        # plan without reading relocations; which symbols become local must
        # not depend on them.
        cache = os.path.join(self.tmp, "cache")
        outs = []
        for i in range(2):
            out = os.path.join(self.tmp, "reuse-%d" % i)
            report = out + ".json"
            self.link("vmlinux", SYSGC_LD, out, "--sysgc-allow=" + self.allow["demo"],
                      "--sysgc-quiet", "--sysgc-cache=" + cache,
                      "--sysgc-report=" + report)
            with open(out, "rb") as f:
                outs.append(f.read())
            self.assertEqual(undefined(out), [])
        with open(report) as f:
            self.assertIn("plan-reused", f.read())
        self.assertEqual(outs[0], outs[1])


if __name__ == "__main__":
    unittest.main()
