#!/usr/bin/env python3
"""Robustness of sysgc-ld: hostile inputs, failures mid-link, concurrency,
determinism (issue 5), on the mini kernel.

- Bad inputs (truncated and corrupt objects, truncated archives, thin
  archives with a missing member, duplicate allowlist names, a kernel whose
  dispatch sysgc cannot find, tables with relocation types or layouts sysgc
  does not know) fail with a specific message naming the file/section and
  leave no output; an allowlist dropping boot-critical syscalls warns by name.
- Killed at every phase by every catchable signal and by SIGKILL: the
  previous output survives untouched (or there is none), catchable signals
  leave no temporary file, and the next run removes what a SIGKILL left.
  Also killed from outside at points spread over a whole run.
- Concurrent links in one directory (one shared rewrite cache, some to the
  same output) all succeed with the reference bytes.
- Inputs are never modified; two build directories and different
  environments give byte-identical outputs and reports.
- Randomly damaged objects (some crash plain ld.lld-22) never make
  sysgc-ld die by a signal: it links them or refuses them by name.

Environment: SYSGC_LD points at the binary under test.
"""
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test-inputs", "mini-kernel"))
sys.path.insert(0, os.path.join(ROOT, "fuzz"))
import damage  # noqa: E402
import mk  # noqa: E402

SYSGC_LD = os.path.abspath(os.environ.get(
    "SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld")))
TYPICAL = ["read", "write", "openat", "close", "fstat", "mmap", "brk", "uname",
           "getpid", "exit_group", "futex", "clock_gettime", "execve", "clone",
           "wait4", "rt_sigreturn"]
PHASES = ["read", "graph", "plan", "rewrite", "lld", "verify", "report", "rename"]
SIGNALS = ["TERM", "INT", "HUP", "PIPE"]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def temps_in(*dirs):
    """sysgc temporaries (files and private directories) in dirs."""
    found = []
    for d in dirs:
        if os.path.isdir(d):
            found += [os.path.join(d, f) for f in os.listdir(d)
                      if ".sysgc-tmp." in f or f.startswith("sysgc-ld-")]
    return found


class Robustness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-rb-")
        cls.objs = os.path.join(cls.tmp, "objs")
        mk.build(cls.objs)
        cls.allow = os.path.join(cls.tmp, "typical.allow")
        with open(cls.allow, "w") as f:
            f.write("".join(n + "\n" for n in TYPICAL))
        # The reference output of the vmlinux shape.
        cls.ref = os.path.join(cls.tmp, "ref")
        r = cls.link_cls("vmlinux", cls.ref)
        assert r.returncode == 0, r.stderr
        with open(cls.ref, "rb") as f:
            cls.ref_bytes = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def link_cls(cls, variant, out, extra=(), env=None, objs=None, allow=None):
        args = mk.link_args(objs or cls.objs, variant, out)
        args += ["--sysgc-allow=" + (allow or cls.allow), "--sysgc-quiet",
                 "--sysgc-report-timings=no"] + list(extra)
        return subprocess.run([SYSGC_LD] + args, capture_output=True, text=True,
                              env=env, timeout=300)

    def link(self, *a, **kw):
        return self.link_cls(*a, **kw)

    def fresh_dir(self, name):
        d = os.path.join(self.tmp, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return d

    def write_allow(self, name, text):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def expect_error(self, r, out, *needles):
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("error", r.stderr)
        for n in needles:
            self.assertIn(n, r.stderr)
        self.assertFalse(os.path.exists(out), "a failed link left an output")
        self.assertEqual(temps_in(os.path.dirname(out)), [])

    def copy_objs(self, name):
        d = os.path.join(self.tmp, name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(self.objs, d, symlinks=True)
        # The thin archive names its members by absolute path: rebuild it
        # from the copies.
        members = subprocess.run(["llvm-ar-22", "t", os.path.join(self.objs, "built-in.a")],
                                 capture_output=True, text=True, check=True).stdout.split()
        os.remove(os.path.join(d, "built-in.a"))
        subprocess.run(["llvm-ar-22", "crT", "built-in.a"] +
                       [os.path.relpath(m, self.objs) for m in members], cwd=d, check=True)
        return d

    # --- bad inputs ------------------------------------------------------

    def test_truncated_object(self):
        d = self.copy_objs("trunc")
        vm = os.path.join(d, "vmlinux.o")
        size = os.path.getsize(vm)
        with open(vm, "r+b") as f:
            f.truncate(size // 2)
        out = os.path.join(d, "out")
        self.expect_error(self.link("vmlinux", out, objs=d), out, "vmlinux.o")

    def test_corrupt_section_table(self):
        d = self.copy_objs("corrupt")
        vm = os.path.join(d, "vmlinux.o")
        with open(vm, "r+b") as f:
            f.seek(0x28)  # e_shoff
            f.write((os.path.getsize(vm) - 8).to_bytes(8, "little"))
        out = os.path.join(d, "out")
        self.expect_error(self.link("vmlinux", out, objs=d), out, "vmlinux.o")

    def test_thin_archive_member_missing(self):
        d = self.copy_objs("missing")
        os.remove(os.path.join(d, "fs", "open.o"))
        out = os.path.join(d, "out")
        self.expect_error(self.link("archive", out, objs=d), out,
                          "built-in.a", "open.o")

    def test_truncated_archive(self):
        d = self.copy_objs("trunc-ar")
        lib = os.path.join(d, "lib.a")
        with open(lib, "r+b") as f:
            f.truncate(os.path.getsize(lib) - 200)
        out = os.path.join(d, "out")
        self.expect_error(self.link("archive", out, objs=d), out, "lib.a")

    def test_duplicate_allowlist_names(self):
        allow = self.write_allow("dup.allow", "read\nwrite\nuname\nnewuname\n")
        out = os.path.join(self.tmp, "dup-out")
        self.expect_error(self.link("vmlinux", out, allow=allow), out,
                          "dup.allow:4:", "'newuname' is a duplicate of 'uname' on line 3")

    def test_unknown_allowlist_name(self):
        allow = self.write_allow("unk.allow", "read\nopenatt\n")
        out = os.path.join(self.tmp, "unk-out")
        self.expect_error(self.link("vmlinux", out, allow=allow), out,
                          "unk.allow:2:", "openat")

    def test_boot_critical_syscalls_dropped_are_named(self):
        allow = self.write_allow("nocrit.allow", "read\nwrite\nopenat\nmmap\n")
        out = os.path.join(self.tmp, "nocrit-out")
        r = self.link("vmlinux", out, allow=allow)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("execve", "exit_group", "clone", "wait4", "rt_sigreturn"):
            self.assertIn(name, r.stderr)
        self.assertIn("will not boot", r.stderr)
        # The typical list has them all: no such warning.
        r = self.link("vmlinux", out)
        self.assertNotIn("will not boot", r.stderr)

    def test_kernel_without_a_known_dispatch_is_refused(self):
        d = self.copy_objs("nodispatch")
        vm = os.path.join(d, "vmlinux.o")
        subprocess.run(["llvm-objcopy-22",
                        "--redefine-sym", "sys_call_table=my_table",
                        "--redefine-sym", "x64_sys_call=my_switch", vm], check=True)
        out = os.path.join(d, "out")
        self.expect_error(self.link("vmlinux", out, objs=d), out,
                          "syscall entry points", "--sysgc-dispatch")
        # Named, it works.
        r = self.link("vmlinux", out, objs=d,
                      extra=["--sysgc-dispatch=x64:my_table",
                             "--sysgc-dispatch=x64:my_switch"])
        self.assertEqual(r.returncode, 0, r.stderr)

    def bad_table(self, name, asm):
        src = os.path.join(self.tmp, name + ".s")
        obj = os.path.join(self.tmp, name + ".o")
        with open(src, "w") as f:
            f.write(asm)
        subprocess.run(["clang-22", "--target=x86_64-linux-gnu", "-c", src, "-o", obj],
                       check=True)
        out = os.path.join(self.tmp, name + "-out")
        return self.link("vmlinux", out, extra=[obj]), out

    def test_unknown_relocation_type_in_a_table(self):
        r, out = self.bad_table("gotpcrel", """
            .section .text.weird,"ax",@progbits
        weird: ret
            .section __ex_table,"a"
            .balign 4
            .long weird - .
            .long weird@GOTPCREL
            .long 0
        """)
        self.expect_error(r, out, "__ex_table", "R_X86_64_GOTPCREL",
                          "not a type sysgc knows")

    def test_unknown_table_layout(self):
        r, out = self.bad_table("badsize", """
            .section .text.weird2,"ax",@progbits
        weird2: ret
            .section __ex_table,"a"
            .balign 4
            .long weird2 - .
            .long 0
        """)
        self.expect_error(r, out, "__ex_table", "not the __ex_table layout")
        # Told to, sysgc leaves it whole and links.
        r = self.link("vmlinux", out, extra=[os.path.join(self.tmp, "badsize.o"),
                                             "--sysgc-unknown-tables=warn"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("left whole", r.stderr)

    def test_removed_syscall_called_from_code_is_kept_and_reported(self):
        out = os.path.join(self.tmp, "kept-out")
        report = out + ".json"
        r = self.link("vmlinux", out, extra=["--sysgc-report=" + report])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(report) as f:
            kept = {k["syscall"]: k["reason"] for k in json.load(f)["kept_alive"]}
        for name in ("time", "gettimeofday", "getcpu"):
            self.assertIn("emulate_vsyscall", kept.get(name, ""), name)

    # --- failure safety --------------------------------------------------

    def crash(self, phase, sig, out, tmpdir):
        env = dict(os.environ, SYSGC_TEST_CRASH_AT="%s:%s" % (phase, sig),
                   TMPDIR=tmpdir)
        return self.link("vmlinux", out, env=env)

    def test_killed_at_every_phase(self):
        d = self.fresh_dir("crash")
        out = os.path.join(d, "vmlinux")
        tmpdir = self.fresh_dir("crash-tmp")
        for phase in PHASES:
            for sig in SIGNALS + ["KILL"]:
                for previous in (True, False):
                    what = "%s:%s previous=%s" % (phase, sig, previous)
                    if previous:
                        with open(out, "w") as f:
                            f.write("previous")
                    elif os.path.exists(out):
                        os.remove(out)
                    r = self.crash(phase, sig, out, tmpdir)
                    self.assertNotEqual(r.returncode, 0, what)
                    if previous:
                        with open(out) as f:
                            self.assertEqual(f.read(), "previous", what)
                    else:
                        self.assertFalse(os.path.exists(out), what)
                    cache = os.path.join(d, ".sysgc-cache")
                    left = temps_in(d, cache, tmpdir)
                    if sig != "KILL":
                        self.assertEqual(left, [], what)
                # After a SIGKILL, the next run removes what it left and
                # links the reference bytes.
                r = self.link("vmlinux", out, env=dict(os.environ, TMPDIR=tmpdir))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(temps_in(d, os.path.join(d, ".sysgc-cache"), tmpdir), [],
                                 phase)
                with open(out, "rb") as f:
                    self.assertEqual(f.read(), self.ref_bytes, phase)

    def test_killed_from_outside_at_any_point(self):
        d = self.fresh_dir("ext-kill")
        out = os.path.join(d, "vmlinux")
        args = [SYSGC_LD] + mk.link_args(self.objs, "vmlinux", out) + [
            "--sysgc-allow=" + self.allow, "--sysgc-quiet", "--sysgc-report-timings=no",
            "--sysgc-cache=off"]
        t0 = time.monotonic()
        subprocess.run(args, check=True, capture_output=True)
        full = time.monotonic() - t0
        os.remove(out)
        for i in range(12):
            with open(out, "wb") as f:
                f.write(b"previous")
            p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(full * i / 10)
            p.send_signal(signal.SIGKILL if i % 2 else signal.SIGTERM)
            p.wait()
            with open(out, "rb") as f:
                got = f.read()
            # Either the run finished (complete output) or the previous file.
            self.assertIn(got, (b"previous", self.ref_bytes), "kill %d" % i)
        r = subprocess.run(args, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(temps_in(d), [])

    def test_concurrent_links_share_a_directory(self):
        d = self.fresh_dir("parallel")
        procs = []
        outs = [os.path.join(d, "vmlinux%d" % (i % 4)) for i in range(8)]
        for out in outs:
            args = [SYSGC_LD] + mk.link_args(self.objs, "vmlinux", out) + [
                "--sysgc-allow=" + self.allow, "--sysgc-quiet", "--sysgc-report-timings=no"]
            procs.append(subprocess.Popen(args, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        for p in procs:
            _, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        for out in set(outs):
            with open(out, "rb") as f:
                self.assertEqual(f.read(), self.ref_bytes, out)
        self.assertEqual(temps_in(d, os.path.join(d, ".sysgc-cache")), [])

    def test_inputs_are_never_modified(self):
        files = [p for p in glob.glob(os.path.join(self.objs, "**", "*"), recursive=True)
                 if os.path.isfile(p)] + [self.allow]
        before = {p: (sha(p), os.stat(p).st_mtime_ns) for p in files}
        d = self.fresh_dir("inputs")
        for variant in ("archive", "vmlinux", "gc"):
            self.assertEqual(self.link(variant, os.path.join(d, variant)).returncode, 0)
        self.link("vmlinux", os.path.join(d, "x"), env=dict(
            os.environ, SYSGC_TEST_CRASH_AT="lld:KILL"))
        self.link("vmlinux", os.path.join(d, "y"), extra=["--sysgc-dispatch=nope"])
        after = {p: (sha(p), os.stat(p).st_mtime_ns) for p in files}
        self.assertEqual(before, after)

    # --- the plan reused across kallsyms-like passes ---------------------

    def leaf(self, name, words, extra_symbol=False):
        """A data-only object like .tmp_vmlinuxN.kallsyms.o."""
        src = os.path.join(self.tmp, name + ".s")
        obj = os.path.join(self.tmp, name + ".o")
        with open(src, "w") as f:
            f.write('\t.section .rodata.ks,"a",@progbits\n\t.globl ks_base\n'
                    '\t.globl ks_names\n\t.balign 8\nks_base:\n\t.quad _start\n'
                    'ks_names:\n' + "".join("\t.long %d\n" % w for w in words) +
                    '\t.size ks_names, %d\n' % (4 * len(words)))
            if extra_symbol:
                f.write("\t.globl ks_extra\nks_extra:\n\t.long 0\n")
        subprocess.run(["clang-22", "--target=x86_64-linux-gnu", "-c", src, "-o", obj],
                       check=True)
        return obj

    def pass_link(self, d, leaf_obj, cache, out_name):
        out = os.path.join(d, out_name)
        rep = out + ".json"
        r = self.link("vmlinux", out, extra=[leaf_obj, "--sysgc-cache=" + cache,
                                             "--sysgc-report=" + rep,
                                             "--sysgc-report-timings=yes"])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(rep) as f:
            report = json.load(f)
        with open(out, "rb") as f:
            data = f.read()
        timings = report.pop("timings_ms")
        report.pop("output")
        return data, report, timings

    def test_later_passes_reuse_the_plan(self):
        d = self.fresh_dir("passes")
        cache = os.path.join(d, "cache")
        leaf0 = self.leaf("pass0", [1])
        leaf1 = self.leaf("pass1", range(100, 400))
        leaf2 = self.leaf("pass2", range(7, 300), extra_symbol=True)
        _, _, t0 = self.pass_link(d, leaf0, cache, "vmlinux0")
        self.assertIn("plan", t0)
        # Another leaf of the same shape (other values and sizes): reused,
        # and exactly what planning anew gives.
        out1, rep1, t1 = self.pass_link(d, leaf1, cache, "vmlinux1")
        self.assertIn("plan-reused", t1)
        self.assertNotIn("plan", t1)
        fresh1, frep1, ft1 = self.pass_link(d, leaf1, "off", "fresh1")
        self.assertIn("plan", ft1)
        self.assertEqual(out1, fresh1)
        self.assertEqual(rep1, frep1)
        # Another shape (one more symbol): planned anew.
        _, _, t2 = self.pass_link(d, leaf2, cache, "vmlinux2")
        self.assertIn("plan", t2)
        # A damaged cache entry is a miss, and is replaced.
        plans = glob.glob(os.path.join(cache, "*.plan"))
        self.assertEqual(len(plans), 2)
        for p in plans:
            with open(p, "r+b") as f:
                f.seek(40)
                f.write(b"\xff" * 64)
        out1b, rep1b, t1b = self.pass_link(d, leaf1, cache, "vmlinux1b")
        self.assertIn("plan", t1b)
        self.assertEqual(out1b, fresh1)
        _, _, t1c = self.pass_link(d, leaf1, cache, "vmlinux1c")
        self.assertIn("plan-reused", t1c)
        # The rewritten objects evicted, the plan kept: the plan is reused
        # and the objects are written anew (their relocations read then).
        for o in glob.glob(os.path.join(cache, "*.o")):
            os.remove(o)
        out1d, rep1d, t1d = self.pass_link(d, leaf1, cache, "vmlinux1d")
        self.assertIn("plan-reused", t1d)
        self.assertEqual(out1d, fresh1)
        self.assertEqual(rep1d, frep1)
        self.assertTrue(glob.glob(os.path.join(cache, "*.o")))

    # --- determinism -----------------------------------------------------

    def test_two_build_dirs_and_environments_agree(self):
        results = []
        for i, env_extra in enumerate([
                {"LANG": "C", "LC_ALL": "C", "TZ": "UTC"},
                {"LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "TZ": "Asia/Tokyo",
                 "SOURCE_DATE_EPOCH": "1"}]):
            d = os.path.join(self.tmp, "build%d" % i)
            shutil.rmtree(d, ignore_errors=True)
            shutil.copytree(self.objs, os.path.join(d, "objs"), symlinks=True)
            shutil.copy(self.allow, os.path.join(d, "typical.allow"))
            tmpdir = self.fresh_dir("tmp%d" % i)
            env = dict(os.environ, TMPDIR=tmpdir, **env_extra)
            # As Kbuild does: relative paths, from the build directory.
            args = [a.replace(os.path.join(d, "objs"), "objs")
                    for a in mk.link_args(os.path.join(d, "objs"), "vmlinux", "vmlinux")]
            r = subprocess.run([SYSGC_LD] + args + [
                "--sysgc-allow=typical.allow", "--sysgc-report=report.json",
                "--sysgc-report-timings=no", "--sysgc-quiet"],
                cwd=d, env=env, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, "vmlinux"), "rb") as f, \
                    open(os.path.join(d, "report.json"), "rb") as g:
                results.append((f.read(), g.read()))
        self.assertEqual(results[0][0], results[1][0], "vmlinux differs")
        self.assertEqual(results[0][1], results[1][1], "report differs")


class DamagedInputs(unittest.TestCase):
    """Randomly damaged copies (byte flips, truncations; fuzz/damage.py,
    seeded) of a small standalone kernel-like object and of the mini
    kernel's vmlinux.o. Some of them kill plain ld.lld-22 with a signal;
    sysgc-ld must never die by one: each copy links, or fails with a
    non-zero exit, a message naming the damaged file (or, for damage that
    leaves a well-formed object meaning something else, the verifier's
    "verification failed"), and no output or temporary left behind."""

    COPIES = 200

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-dmg-")
        cls.objs = os.path.join(cls.tmp, "objs")
        mk.build(cls.objs)
        cls.small, cls.small_allow = damage.build_small(os.path.join(cls.tmp, "small"))
        cls.allow = os.path.join(cls.tmp, "typical.allow")
        with open(cls.allow, "w") as f:
            f.write("".join(n + "\n" for n in TYPICAL))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def survey(self, name, original, link_args, allow):
        """Link every damaged copy of original with ld.lld-22 and sysgc-ld;
        link_args(copy, out) gives the command line. Returns the counts."""
        copies = damage.copies(original, os.path.join(self.tmp, name), self.COPIES)
        counts = {"lld_signal": 0, "linked": 0, "failed": 0, "verification": 0}
        for path, what in copies:
            out_dir = os.path.join(self.tmp, name + "-out")
            shutil.rmtree(out_dir, ignore_errors=True)
            os.makedirs(out_dir)
            out = os.path.join(out_dir, "out")
            r = subprocess.run(["ld.lld-22"] + link_args(path, out), capture_output=True,
                               timeout=300)
            counts["lld_signal"] += r.returncode < 0
            shutil.rmtree(out_dir)
            os.makedirs(out_dir)
            r = subprocess.run([SYSGC_LD] + link_args(path, out) + [
                "--sysgc-allow=" + allow, "--sysgc-quiet", "--sysgc-cache=off"],
                capture_output=True, text=True, errors="replace", timeout=300)
            what = "%s (%s)" % (os.path.basename(path), what)
            self.assertGreaterEqual(r.returncode, 0,
                                    "%s: killed by signal %d\n%s" % (what, -r.returncode, r.stderr))
            self.assertNotIn("lld crashed", r.stderr, what)
            self.assertEqual(temps_in(out_dir), [], what)
            if r.returncode == 0:
                counts["linked"] += 1
                self.assertTrue(os.path.exists(out), what)
                continue
            counts["failed"] += 1
            self.assertIn("error", r.stderr, what)
            self.assertFalse(os.path.exists(out), "%s: a failed link left an output" % what)
            if "verification failed" in r.stderr:
                counts["verification"] += 1
                self.assertIn(out, r.stderr, what)
            else:
                self.assertIn(os.path.basename(path), r.stderr, what)
        print("\n%s: %d damaged copies, %d kill ld.lld-22 by a signal; sysgc-ld: "
              "%d linked, %d refused (%d by the verifier), none by a signal"
              % (name, len(copies), counts["lld_signal"], counts["linked"],
                 counts["failed"], counts["verification"]), file=sys.stderr)
        # The set must hold what this test is about.
        self.assertGreater(counts["lld_signal"], 0, "no copy crashes ld.lld-22")
        return counts

    def test_damaged_standalone_object(self):
        self.survey("small", self.small, damage.small_link_args, self.small_allow)

    def test_a_crash_inside_lld_is_contained(self):
        """The last line of defence: with sysgc's checks off
        (SYSGC_TEST_NO_LINK_CHECKS), the copies that kill ld.lld-22 reach
        lld and crash it; sysgc-ld reports it and exits 1."""
        copies = damage.copies(self.small, os.path.join(self.tmp, "contained"), self.COPIES)
        env = dict(os.environ, SYSGC_TEST_NO_LINK_CHECKS="1")
        contained = 0
        for path, what in copies:
            out_dir = os.path.join(self.tmp, "contained-out")
            shutil.rmtree(out_dir, ignore_errors=True)
            os.makedirs(out_dir)
            out = os.path.join(out_dir, "out")
            r = subprocess.run(["ld.lld-22"] + damage.small_link_args(path, out),
                               capture_output=True, timeout=300)
            if r.returncode >= 0:
                continue
            shutil.rmtree(out_dir)
            os.makedirs(out_dir)
            r = subprocess.run([SYSGC_LD] + damage.small_link_args(path, out) + [
                "--sysgc-allow=" + self.small_allow, "--sysgc-quiet", "--sysgc-cache=off"],
                capture_output=True, text=True, errors="replace", env=env, timeout=300)
            what = "%s (%s)" % (os.path.basename(path), what)
            self.assertGreaterEqual(r.returncode, 0,
                                    "%s: killed by signal %d\n%s" % (what, -r.returncode, r.stderr))
            self.assertNotEqual(r.returncode, 0, what)
            self.assertFalse(os.path.exists(out), what)
            self.assertEqual(temps_in(out_dir), [], what)
            if "lld crashed with signal" in r.stderr:
                contained += 1
                self.assertIn("while linking " + out, r.stderr, what)
                self.assertIn(os.path.basename(path) + " (rewritten as", r.stderr, what)
        print("\ncontained: %d crashes inside lld" % contained, file=sys.stderr)
        self.assertGreater(contained, 0, "no damaged copy crashed lld")

    def test_damaged_vmlinux_o(self):
        vm = os.path.join(self.objs, "vmlinux.o")

        def args(path, out):
            return [path if a == vm else a for a in mk.link_args(self.objs, "vmlinux", out)]
        self.survey("vmlinux", vm, args, self.allow)


if __name__ == "__main__":
    unittest.main()
