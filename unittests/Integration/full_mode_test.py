#!/usr/bin/env python3
"""Whole-kernel collection (sysgc-ld --sysgc-gc=full) on the mini kernel.

Builds the mini kernel (clang-22, function and data sections) and an extra
object of sections whose fate the linker script decides, links them with
plain ld.lld-22 and with sysgc-ld in syscall-scoped and full mode, runs the
programs and checks:
  - full mode keeps the program working: its self-check passes, allowed
    syscalls behave as in the plain build, the others return -ENOSYS, and
    without an allowlist every syscall behaves as in the plain build;
  - it removes what nothing live references (code and data), which the
    syscall-scoped mode keeps, and a superset of what that mode removes;
  - its roots come from the script: a per-symbol section the script places
    by name or KEEPs stays, the same section as an orphan goes;
  - the report's full-mode totals are what left the output;
  - a --gc-sections link is lld's to collect: full mode changes nothing;
  - the output is deterministic.

Environment: SYSGC_LD and SYSGC point at the built binaries.
"""
import json
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

SYSGC_LD = os.environ.get("SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld"))
SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
ENOSYS = -38
TYPICAL = ["read", "write", "openat", "close", "fstat", "mmap", "brk", "uname",
           "getpid", "exit_group", "futex", "clock_gettime"]
# x86-64 numbers of TYPICAL's syscalls the mini kernel implements.
TYPICAL_NRS = {0, 1, 257, 3, 5, 9, 12, 63, 39, 202, 228}
# Called directly by emulate_vsyscall: alive whatever the allowlist says.
VSYSCALL_NRS = {96, 201, 309}

EXTRA_C = r"""
/* Sections the compiler names per symbol; the script decides their fate. */
int placed_by_name __attribute__((section(".data.placed_by_name"))) = 1;
void kept_by_script(void) __attribute__((section(".text.kept_by_script")));
void kept_by_script(void) { __asm__ volatile(""); }
/* Referenced by nothing: whole-kernel collection removes them. */
int never_read = 5;
int never_called(int x) { return x * never_read + 3; }
"""
EXTRA_LDS = """
SECTIONS {
  .placed : { *(.data.placed_by_name) }
  .kept : { KEEP(*(.text.kept_*)) }
} INSERT AFTER .data;
"""


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, "%s\n%s" % (" ".join(cmd), r.stdout + r.stderr)
    return r


def symbols(path):
    return {s["name"]: s for s in json.loads(run([SYSGC, "symbols", "--json", path]).stdout)}


def function_bytes(path):
    return sum(s["size"] for s in symbols(path).values() if s["kind"] == "function")


class FullMode(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-full-")
        cls.objs = os.path.join(cls.tmp, "objs")
        mk.build(cls.objs)
        src = os.path.join(cls.tmp, "extra.c")
        with open(src, "w") as f:
            f.write(EXTRA_C)
        cls.extra = os.path.join(cls.tmp, "extra.o")
        run(["clang-22", "-O2", "-c", "-ffunction-sections", "-fdata-sections",
             "-fno-asynchronous-unwind-tables", src, "-o", cls.extra])
        cls.lds = os.path.join(cls.tmp, "extra.lds")
        with open(cls.lds, "w") as f:
            f.write(EXTRA_LDS)
        cls.allow = os.path.join(cls.tmp, "typical.allow")
        with open(cls.allow, "w") as f:
            f.write("".join(n + "\n" for n in TYPICAL))
        cls.plain = cls.link("plain", linker="ld.lld-22")
        cls.plain_run = cls.results(cls.plain)
        assert cls.plain_run["exit"] == 0, cls.plain_run["raw"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def link(cls, name, args=(), variant="archive", script=True, linker=SYSGC_LD):
        out = os.path.join(cls.tmp, name)
        extra = [cls.extra] + (["-T", cls.lds] if script else [])
        run([linker] + mk.link_args(cls.objs, variant, out) + extra + list(args))
        return out

    @classmethod
    def results(cls, path):
        r = subprocess.run([path], capture_output=True, text=True, timeout=60)
        res = mk.parse(r.stdout)
        res["exit"] = r.returncode
        res["raw"] = r.stdout
        return res

    def shrink(self, name, gc, allow=True, **kw):
        report = os.path.join(self.tmp, name + ".json")
        args = ["--sysgc-report=" + report, "--sysgc-report-timings=no"]
        if gc:
            args.append("--sysgc-gc=" + gc)
        if allow:
            args.append("--sysgc-allow=" + self.allow)
        out = self.link(name, args, **kw)
        with open(report) as f:
            return out, json.load(f)

    def check_runs(self, path, allowed):
        got = self.results(path)
        self.assertEqual(got["exit"], 0, got["raw"])
        self.assertEqual(got["selfcheck"], 0)
        self.assertEqual(got["fail"], [])
        plain = self.plain_run
        for nr, pair in got["syscall"].items():
            if allowed is None or nr in allowed or nr in VSYSCALL_NRS and pair != [ENOSYS] * 2:
                self.assertEqual(pair, plain["syscall"][nr], "nr %d" % nr)
            else:
                self.assertEqual(pair, [ENOSYS, ENOSYS], "nr %d" % nr)
        self.assertEqual(got["vsyscall"], plain["vsyscall"])
        # Exception and unwind tables lose exactly their dead owners' entries.
        self.assertLessEqual(got["extable"], plain["extable"])
        self.assertLessEqual(got["unwind"], plain["unwind"])
        return got

    def test_full_mode_runs_and_removes_more(self):
        scoped, srep = self.shrink("scoped", None)
        full, frep = self.shrink("full", "full")
        self.assertEqual(srep["gc"], "syscall")
        self.assertEqual(frep["gc"], "full")
        self.assertNotIn("full", srep)
        self.check_runs(scoped, TYPICAL_NRS)
        self.check_runs(full, TYPICAL_NRS)
        s, f = symbols(scoped), symbols(full)
        # Dead code and data nothing references: only full mode removes them.
        for name in ("never_called", "never_read"):
            self.assertIn(name, s)
            self.assertNotIn(name, f)
        # Roots by the script: placed by its own name, and KEEP'd.
        for name in ("placed_by_name", "kept_by_script"):
            self.assertIn(name, f)
        # What the syscall-scoped plan removes, full mode removes too.
        plain = symbols(self.plain)
        self.assertEqual(sorted(n for n in plain if n not in s and n in f), [])
        # The report's totals are what left the output.
        fb = {p: function_bytes(p) for p in (self.plain, scoped, full)}
        beyond = frep["full"]["beyond_syscall_scoped"]
        self.assertEqual(beyond["removed_function_bytes"], fb[scoped] - fb[full])
        # What it says the syscall-scoped plan removes is that plan's report.
        for k in ("removed_function_bytes", "removed_object_bytes", "removed_sections"):
            self.assertEqual(frep["full"]["syscall_scoped"][k], srep["totals"][k], k)
        self.assertGreater(beyond["by_output_section"][".text"]["bytes"], 0)
        self.assertIn(".data", beyond["by_output_section"])
        # The same syscalls either way: full mode collects more code, it
        # does not change the dispatch.
        self.assertEqual(srep["syscalls"], frep["syscalls"])

    def test_the_script_decides_what_is_a_root(self):
        # The same object without the script: its sections are orphans
        # nothing references, and full mode removes them.
        out, _ = self.shrink("full-noscript", "full", script=False)
        self.check_runs(out, TYPICAL_NRS)
        f = symbols(out)
        for name in ("placed_by_name", "kept_by_script", "never_called"):
            self.assertNotIn(name, f)

    def test_without_an_allowlist_it_is_dead_code_elimination(self):
        out, rep = self.shrink("full-noallow", "full", allow=False)
        self.check_runs(out, None)
        self.assertEqual(rep["gc"], "full")
        self.assertEqual(rep["allowlist"], "")
        for d in rep["dispatch"]:
            self.assertEqual(d["retargeted"], 0, d)
        for abi in rep["syscalls"].values():
            self.assertEqual(abi["removed"] + abi["removed_code_kept"], [])
        self.assertNotIn("never_called", symbols(out))
        self.assertLess(function_bytes(out), function_bytes(self.plain))

    def test_collect_links_are_left_to_lld(self):
        a, arep = self.shrink("gc-scoped", None, variant="gc")
        b, brep = self.shrink("gc-full", "full", variant="gc")
        self.assertEqual(brep["gc"], "syscall")
        with open(a, "rb") as x, open(b, "rb") as y:
            self.assertTrue(x.read() == y.read(), "full mode changed a --gc-sections link")

    def test_deterministic(self):
        a, arep = self.shrink("det-a", "full", variant="vmlinux")
        b, brep = self.shrink("det-b", "full", variant="vmlinux")
        with open(a, "rb") as x, open(b, "rb") as y:
            self.assertTrue(x.read() == y.read())
        arep.pop("output")
        brep.pop("output")
        self.assertEqual(arep, brep)
        self.check_runs(a, TYPICAL_NRS)

    def test_bad_mode_is_an_error(self):
        out = os.path.join(self.tmp, "bad")
        r = subprocess.run([SYSGC_LD] + mk.link_args(self.objs, "archive", out) +
                           ["--sysgc-gc=everything"], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--sysgc-gc=everything: expected syscall or full", r.stderr)
        self.assertFalse(os.path.exists(out))


class FullModeWhyAndCost(unittest.TestCase):
    """sysgc why / sysgc cost --gc full agree with what full mode does."""

    @classmethod
    def setUpClass(cls):
        FullMode.setUpClass()
        cls.t = FullMode

    @classmethod
    def tearDownClass(cls):
        FullMode.tearDownClass()

    def link_args(self, script=True):
        t = self.t
        return (mk.link_args(t.objs, "archive", os.path.join(t.tmp, "why-out")) +
                [t.extra] + (["-T", t.lds] if script else []))

    def why(self, symbol, gc):
        r = run([SYSGC, "why", symbol, "--format=json", "--allow", self.t.allow, "--gc", gc,
                 "--"] + self.link_args())
        return json.loads(r.stdout)

    def test_why_agrees_with_full_mode(self):
        dead = self.why("never_called", "full")
        self.assertEqual(dead["verdict"], "removed", dead)
        self.assertIn("nothing live references it", dead["root_reason"])
        self.assertEqual(self.why("never_called", "syscall")["verdict"], "root")
        named = self.why("placed_by_name", "full")
        self.assertEqual(named["verdict"], "root", named)
        self.assertIn("places it by its name", named["root_reason"])
        kept = self.why("kept_by_script", "full")
        self.assertIn("KEEPs it", kept["root_reason"])
        # A live function's chain starts at a root of full mode.
        live = self.why("fdget", "full")
        self.assertEqual(live["verdict"], "live", live)
        self.assertTrue(live["chain"])

    def test_cost_in_full_mode(self):
        r = run([SYSGC, "cost", "--format=json", "--gc", "full", "--"] + self.link_args())
        full = json.loads(r.stdout)
        r = run([SYSGC, "cost", "--format=json", "--"] + self.link_args())
        scoped = json.loads(r.stdout)
        self.assertEqual(full["gc"], "full")
        self.assertEqual(scoped["gc"], "syscall")
        self.assertEqual(sorted(s["name"] for s in full["syscalls"]),
                         sorted(s["name"] for s in scoped["syscalls"]))
        # With fewer roots, removing every syscall frees more: code that
        # otherwise only dead code references goes with them.
        self.assertGreater(full["all_removed"]["removed_function_bytes"],
                           scoped["all_removed"]["removed_function_bytes"])
        bad = subprocess.run([SYSGC, "cost", "--gc", "most", "--"] + self.link_args(),
                             capture_output=True, text=True)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("expected syscall or full", bad.stderr)


if __name__ == "__main__":
    unittest.main()
