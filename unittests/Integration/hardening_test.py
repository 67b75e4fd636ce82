#!/usr/bin/env python3
"""sysgc-ld on links it was not written around (issue 12).

The programs in test-inputs/programs/ are hosted C/C++ programs shaped like
the links sysgc-ld meets: a data-table dispatcher, an x86-style switch in a
unit of its own with a tracing-only table, plain `sys_*` entry names. They
are compiled with unwind tables on and off, linked static and as dynamic
PIEs (libstdc++.so and libc.so among the inputs), with and without
--gc-sections, once by plain ld.lld-22 and once through sysgc-ld, and run:

  - unwind tables: the kept syscall throws a C++ exception through the
    dispatcher, so a wrong or missing FDE aborts; removed functions' FDEs
    are gone (llvm-dwarfdump), every survivor's starts at a function, and
    .eh_frame_hdr indexes exactly the surviving FDEs (llvm-readelf);
  - a dispatch lld collects (--gc-sections, nothing reads the table) is
    not an error, and the report says it was collected;
  - the boot-critical warnings name only the ABIs the link dispatches;
  - --sysgc-entry-regex names the entries and the stub alike; a dispatch
    with no recognisable entry is an error unless accepted;
  - an allowlist on a kernel link of an architecture sysgc does not support
    is an error naming it; its other links pass through quietly.
"""
import bisect
import collections
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGS = os.path.join(ROOT, "test-inputs", "programs")
SYSGC_LD = os.environ.get("SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld"))
LLD = "ld.lld-22"
ALLOW = "read\nwrite\ngetpid\nexit\nexit_group\n"
# Syscalls of syscalls.h, and the functions only the removed ones reach.
ALL = {0: "read", 1: "write", 39: "getpid", 60: "exit", 63: "newuname",
       162: "sync", 228: "clock_gettime", 231: "exit_group"}
REMOVED_NRS = {63, 162, 228}
REMOVED_FUNCS = {"__x64_sys_newuname", "__x64_sys_sync", "__x64_sys_clock_gettime",
                 "uname_helper", "uname_helper2", "sync_helper", "sync_helper2",
                 "clock_helper", "clock_helper2"}
CFLAGS = ["-O2", "-ffunction-sections", "-fdata-sections", "-fno-jump-tables",
          "-Wno-initializer-overrides"]
NO_UNWIND = ["-fno-asynchronous-unwind-tables", "-fno-unwind-tables"]


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        raise AssertionError("command failed (%d): %s\n%s" % (
            r.returncode, " ".join(cmd), (r.stdout + r.stderr)[-3000:]))
    return r


class Build:
    """The programs' objects, compiled once per flavour into a temp dir."""

    def __init__(self, tmp, name, cflags=(), target=None):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.cflags = list(CFLAGS) + list(cflags)
        if target:
            self.cflags = ["--target=" + target] + self.cflags
        self.objs = {}
        for src in ("syscalls.c", "table.c", "switch.c", "switch_table.c", "main.cc"):
            if target and src == "main.cc":
                continue
            out = os.path.join(self.dir, src.split(".")[0] + ".o")
            cc = "clang++-22" if src.endswith(".cc") else "clang-22"
            run([cc] + self.cflags + ["-c", os.path.join(PROGS, src), "-o", out])
            self.objs[src.split(".")[0]] = out

    def inputs(self, dispatch):
        names = ["main", "table", "syscalls"] if dispatch == "table" else \
                ["main", "switch", "switch_table", "syscalls"]
        return [self.objs[n] for n in names]


def link(linker, objs, out, static, gc, extra=()):
    """Link through the clang++ driver, as a build system would."""
    cmd = ["clang++-22", "--ld-path=" + shutil.which(linker) if "/" not in linker
           else "--ld-path=" + linker]
    cmd += ["-static"] if static else ["-pie"]
    if gc:
        cmd.append("-Wl,--gc-sections")
    cmd += ["-Wl," + e for e in extra] + list(objs) + ["-o", out]
    return run(cmd, check=False)


def program_output(path):
    r = run([path], check=False)
    return r.returncode, r.stdout


def syscall_lines(out):
    return {int(m.group(1)): int(m.group(2))
            for m in re.finditer(r"^syscall nr=(\d+) ret=(-?\d+)$", out, re.M)}


def functions(path):
    """name -> (start, size) of the output's sized FUNC symbols."""
    out = run(["llvm-nm-22", "-S", "--defined-only", path]).stdout
    funcs = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            funcs[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return funcs


def fde_starts(path):
    out = run(["llvm-dwarfdump-22", "--eh-frame", path]).stdout
    return [int(m.group(1), 16) for m in re.finditer(r" FDE cie=\w+ pc=([0-9a-f]+)\.\.\.", out)]


def fde_owners(path):
    """Counter of the code symbol each FDE starts in (the nearest text
    symbol at or below its start; libc's assembly has unsized ones), or
    "<none>" for an FDE below every symbol (a tombstone left at 0)."""
    out = run(["llvm-nm-22", "--defined-only", path]).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    addrs = [a for a, _ in syms]
    owners = collections.Counter()
    for start in fde_starts(path):
        i = bisect.bisect_right(addrs, start) - 1
        if i < 0:
            owners["<none>"] += 1
            continue
        first = bisect.bisect_left(addrs, addrs[i])  # aliases: the first name
        owners[syms[first][1]] += 1
    return owners


def hdr_fde_count(path):
    out = run(["llvm-readelf-22", "-u", path]).stdout
    m = re.search(r"fde_count: (\d+)", out)
    return int(m.group(1)) if m else None


class Programs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-hardening-")
        cls.allow = os.path.join(cls.tmp, "prog.allow")
        with open(cls.allow, "w") as f:
            f.write(ALLOW)
        cls.unwind = Build(cls.tmp, "unwind")
        cls.nounwind = Build(cls.tmp, "nounwind", NO_UNWIND + ["-DNO_THROW"])
        cls.plain_names = Build(cls.tmp, "plain-names", ["-DPLAIN_NAMES"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def shrink(self, build, dispatch, static, gc, tag, extra=()):
        """Link plain and shrunk; return both paths and sysgc-ld's result."""
        base = os.path.join(self.tmp, "%s-%s-%s-%s" % (tag, dispatch,
                                                        "static" if static else "pie",
                                                        "gc" if gc else "nogc"))
        plain, shrunk = base + ".plain", base + ".shrunk"
        r = link(LLD, build.inputs(dispatch), plain, static, gc)
        self.assertEqual(r.returncode, 0, r.stderr)
        report = base + ".json"
        r = link(SYSGC_LD, build.inputs(dispatch), shrunk, static, gc,
                 ["--sysgc-allow=" + self.allow, "--sysgc-report=" + report] + list(extra))
        return plain, shrunk, report, r

    def check_behaviour(self, plain, shrunk, throws=True):
        prc, pout = program_output(plain)
        src, sout = program_output(shrunk)
        self.assertEqual(prc, 0, pout)
        self.assertEqual(src, 0, sout)
        p, s = syscall_lines(pout), syscall_lines(sout)
        self.assertEqual(set(p), set(ALL))
        # Kept syscalls answer as before; removed ones are -ENOSYS (no line).
        self.assertEqual(s, {nr: v for nr, v in p.items() if nr not in REMOVED_NRS})
        if throws:
            self.assertIn("unwind: caught 77", sout)

    # 1. Unwind tables pin nothing, and stay right.
    def test_unwind_tables_follow_their_functions(self):
        for dispatch in ("table", "switch"):
            for static in (True, False):
                for gc in (False, True):
                    with self.subTest(dispatch=dispatch, static=static, gc=gc):
                        plain, shrunk, _, r = self.shrink(self.unwind, dispatch, static, gc, "uw")
                        self.assertEqual(r.returncode, 0, r.stderr)
                        self.assertNotIn("keeps", r.stderr)
                        self.check_behaviour(plain, shrunk)
                        pf, sf = functions(plain), functions(shrunk)
                        self.assertTrue(REMOVED_FUNCS <= set(pf))
                        self.assertFalse(REMOVED_FUNCS & set(sf), REMOVED_FUNCS & set(sf))
                        # Every surviving FDE still describes the code it
                        # described (none left at a tombstone address), and
                        # exactly the removed functions' FDEs went.
                        po, so = fde_owners(plain), fde_owners(shrunk)
                        self.assertEqual(so.get("<none>", 0), 0)
                        gone = po - so
                        self.assertEqual(set(gone), REMOVED_FUNCS, gone)
                        self.assertEqual(sum(gone.values()), len(REMOVED_FUNCS))
                        self.assertEqual(so, po - gone)
                        self.assertEqual(hdr_fde_count(shrunk), sum(so.values()))

    def test_without_unwind_tables(self):
        for dispatch in ("table", "switch"):
            for gc in (False, True):
                with self.subTest(dispatch=dispatch, gc=gc):
                    plain, shrunk, _, r = self.shrink(self.nounwind, dispatch, True, gc, "nouw")
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.check_behaviour(plain, shrunk, throws=False)
                    self.assertFalse(REMOVED_FUNCS & set(functions(shrunk)))

    # 2. A dispatch lld collects is fine, and reported.
    def test_collected_dispatch_is_reported_not_an_error(self):
        plain, shrunk, report, r = self.shrink(self.unwind, "switch", True, True, "coll")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("missing from the output", r.stderr)
        self.check_behaviour(plain, shrunk)
        with open(report) as f:
            disp = {d["symbol"]: d for d in json.load(f)["dispatch"]}
        self.assertTrue(disp["sys_call_table"]["collected"])
        self.assertFalse(disp["x64_sys_call"]["collected"])
        self.assertIn("sys_call_table was collected", r.stderr)
        # Without --gc-sections nothing is collected.
        _, _, report, r = self.shrink(self.unwind, "switch", True, False, "coll")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(report) as f:
            self.assertFalse(any(d["collected"] for d in json.load(f)["dispatch"]))

    # 5. Boot-critical warnings: the dispatched ABIs only, once each.
    def test_warnings_only_for_dispatched_abis(self):
        _, _, _, r = self.shrink(self.unwind, "table", True, False, "warn")
        self.assertEqual(r.returncode, 0, r.stderr)
        boot = [l for l in r.stderr.splitlines() if "will not boot" in l]
        self.assertTrue(boot, r.stderr)  # execve, clone, ... are not allowed
        self.assertTrue(all(": x64: " in l for l in boot), boot)
        self.assertEqual(len(boot), len(set(boot)), boot)

    # 6. Entries and the stub come from one naming.
    def test_entry_regex_names_entries_and_stub(self):
        plain, shrunk, report, r = self.shrink(
            self.plain_names, "table", True, False, "regex",
            ["--sysgc-entry-regex=^(sys_.*)$"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kept 5 of 8 implemented syscalls, removed 3", r.stderr)
        with open(report) as f:
            x64 = json.load(f)["syscalls"]["x64"]
        self.assertEqual(sorted(x64["kept"]), sorted(ALLOW.split()))
        self.assertEqual(sorted(x64["removed"]), ["clock_gettime", "sync", "uname"])
        self.assertEqual(x64["allowed_not_implemented"], [])
        self.check_behaviour(plain, shrunk)

    def test_dispatch_without_entries_is_an_error(self):
        _, shrunk, _, r = self.shrink(self.plain_names, "table", True, False, "noent")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("references no syscall entry", r.stderr)
        self.assertIn("--sysgc-entry-regex", r.stderr)
        self.assertIn("--sysgc-dispatch", r.stderr)
        self.assertFalse(os.path.exists(shrunk))
        _, shrunk, _, r = self.shrink(self.plain_names, "table", True, False, "noent",
                                      ["--sysgc-accept-no-entries"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("references no syscall entry", r.stderr)

    # 7. No silent pass-through when a shrink was asked for.
    def test_unsupported_architecture_is_an_error(self):
        target = "powerpc64le-linux-gnu"
        b = Build(self.tmp, "ppc", ["-DPLAIN_NAMES", "-fno-pic"], target=target)
        start = os.path.join(self.tmp, "ppc", "start.o")
        src = os.path.join(self.tmp, "ppc", "start.c")
        with open(src, "w") as f:
            f.write("long dispatch(unsigned, const void *);\n"
                    "void throw_from_syscall(long v) { (void)v; }\n"
                    "void _start(void) { dispatch(0, 0); for (;;) ; }\n")
        run(["clang-22", "--target=" + target, "-O2", "-c", src, "-o", start])
        objs = [start, b.objs["table"], b.objs["syscalls"]]
        out = os.path.join(self.tmp, "ppc", "vmlinux")
        r = run([SYSGC_LD, "--sysgc-allow=" + self.allow, "-o", out] + objs, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ppc64", r.stderr)
        self.assertIn("sys_call_table", r.stderr)
        self.assertFalse(os.path.exists(out))
        # The same link without an allowlist is lld's.
        r = run([SYSGC_LD, "-o", out] + objs, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        # A link of that build that is no kernel (no dispatch) passes quietly.
        other = os.path.join(self.tmp, "ppc", "other")
        r = run([SYSGC_LD, "--sysgc-allow=" + self.allow, "-o", other, start,
                 b.objs["syscalls"], "--unresolved-symbols=ignore-all"], check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")


if __name__ == "__main__":
    unittest.main()
