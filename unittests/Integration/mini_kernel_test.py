#!/usr/bin/env python3
"""End-to-end tests of sysgc-ld on the mini kernel and one other real link.

Builds the mini kernel once (clang-22), links it with plain ld.lld-22 and
with sysgc-ld under several allowlists and three link shapes (thin archive,
ld -r vmlinux.o, --gc-sections), runs every program, and checks: the
program's own self-check, that kept syscalls behave exactly as in the plain
build and removed ones return -ENOSYS, the symbols left in the output (read
with `sysgc symbols`), the JSON report, byte-identical repeat links, and
byte-identical pass-through when no allowlist is given. One of the
allowlists is the demo's: `sysgc scan --root` over the mini kernel's
userspace (user/init.c, static against the host's glibc), which must hold
every syscall the program makes under strace.

Environment: SYSGC_LD and SYSGC point at the built binaries.
"""
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
sys.path.insert(0, HERE)
from elf_sections import alloc_sections, same_kernel  # noqa: E402

SYSGC_LD = os.environ.get("SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld"))
SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
LLD = "ld.lld-22"
ENOSYS = -38

# x86-64 numbers of the syscalls the mini kernel implements.
IMPLEMENTED = {
    "read": 0, "write": 1, "open": 2, "close": 3, "stat": 4, "fstat": 5,
    "lseek": 8, "mmap": 9, "brk": 12, "getpid": 39, "socket": 41,
    "connect": 42, "uname": 63, "fcntl": 72, "getcwd": 79, "mkdir": 83,
    "gettimeofday": 96, "getuid": 102, "time": 201, "futex": 202,
    "clock_gettime": 228, "openat": 257, "getcpu": 309,
}
ENTRY = {n: "__x64_sys_" + {"stat": "newstat", "fstat": "newfstat",
                            "uname": "newuname"}.get(n, n) for n in IMPLEMENTED}
# Called directly by emulate_vsyscall: survive any allowlist.
VSYSCALL = {"time", "gettimeofday", "getcpu"}

ALLOWLISTS = {
    "empty": [],
    "one": ["getpid"],
    "typical": ["read", "write", "openat", "close", "fstat", "mmap", "brk",
                "uname", "getpid", "exit_group", "futex", "clock_gettime"],
    "all": sorted(IMPLEMENTED) + ["kexec_load", "bpf"],
}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def program_results(path):
    r = subprocess.run([path], capture_output=True, text=True, timeout=60)
    res = mk.parse(r.stdout)
    res["exit"] = r.returncode
    res["raw"] = r.stdout
    return res


def symbols(path):
    r = run([SYSGC, "symbols", "--json", path])
    assert r.returncode == 0, r.stderr
    return {s["name"]: s for s in json.loads(r.stdout)}


class MiniKernel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-mk-")
        cls.objs = os.path.join(cls.tmp, "objs")
        mk.build(cls.objs)
        cls.plain = {}
        for variant in ("archive", "vmlinux", "gc"):
            out = os.path.join(cls.tmp, "plain-" + variant)
            r = mk.link(cls.objs, variant, LLD, out)
            assert r.returncode == 0, r.stderr
            cls.plain[variant] = program_results(out)
            assert cls.plain[variant]["exit"] == 0, cls.plain[variant]["raw"]
        cls.lists = {}
        for name, names in ALLOWLISTS.items():
            p = os.path.join(cls.tmp, name + ".allow")
            with open(p, "w") as f:
                f.write("# %s allowlist\n" % name + "".join(n + "\n" for n in names))
            cls.lists[name] = p
        # The demo's path: the allowlist sysgc scan writes from the userspace.
        cls.rootfs = os.path.join(cls.tmp, "rootfs")
        cls.init = mk.user(cls.rootfs)
        scanned = os.path.join(cls.tmp, "scanned.allow")
        r = run([SYSGC, "scan", "--root", cls.rootfs, "-o", scanned, "--unresolved=fail"])
        assert r.returncode == 0, r.stderr
        with open(scanned) as f:
            ALLOWLISTS["scanned"] = [l.strip().split(":", 1)[1] for l in f
                                     if l.strip() and not l.startswith("#")]
        cls.lists["scanned"] = scanned

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def shrink(self, variant, allow, out=None, extra=(), env=None):
        out = out or os.path.join(self.tmp, "%s-%s" % (variant, allow))
        report = out + ".json"
        args = ["--sysgc-allow=" + self.lists[allow], "--sysgc-report=" + report,
                "--sysgc-report-timings=no"] + list(extra)
        r = subprocess.run([SYSGC_LD] + mk.link_args(self.objs, variant, out) + args,
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(report) as f:
            return out, json.load(f), r.stderr

    # --- behaviour -------------------------------------------------------

    def check_behaviour(self, variant, allow):
        out, rep, _ = self.shrink(variant, allow)
        got = program_results(out)
        plain = self.plain[variant]
        self.assertEqual(got["exit"], 0, got["raw"])
        self.assertEqual(got["selfcheck"], 0)
        self.assertEqual(got["fail"], [])
        allowed = {IMPLEMENTED[n] for n in ALLOWLISTS[allow] if n in IMPLEMENTED}
        for nr, (table, switch) in got["syscall"].items():
            if nr in allowed:
                self.assertEqual([table, switch], plain["syscall"][nr], "nr %d" % nr)
            else:
                self.assertEqual([table, switch], [ENOSYS, ENOSYS], "nr %d" % nr)
        for nr, ret in got["efault"].items():
            self.assertEqual(ret, plain["efault"][nr] if nr in allowed else ENOSYS)
        self.assertEqual(got["vsyscall"], plain["vsyscall"])
        # Tables shrink with the code, never grow, and keep their order:
        # sorted stays sorted (the kernel's sorttable sorts the others).
        self.assertLessEqual(got["extable"], plain["extable"])
        self.assertLessEqual(got["unwind"], plain["unwind"])
        self.assertGreaterEqual(got["extable_sorted"], plain["extable_sorted"])
        self.assertGreaterEqual(got["unwind_sorted"], plain["unwind_sorted"])
        return out, rep, got

    def test_behaviour_every_allowlist_and_link_shape(self):
        for variant in ("archive", "vmlinux", "gc"):
            for allow in ALLOWLISTS:
                with self.subTest(variant=variant, allow=allow):
                    self.check_behaviour(variant, allow)

    def test_scanned_list_holds_every_traced_syscall(self):
        # The scan's soundness on this program: strace -f of a run (the
        # init forks and execs itself as "cat") must name nothing the
        # scanned list lacks.
        strace = shutil.which("strace")
        self.assertIsNotNone(strace, "strace is missing: scripts/install-deps.sh "
                             "installs it with SYSGC_WITH_KERNEL_DEPS=1")
        log = os.path.join(self.tmp, "init.strace")
        r = run([strace, "-f", "-qq", "-o", log, self.init, os.path.join(ROOT, "README.md")])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("init: up ", r.stdout)
        with open(log) as f:
            traced = {m.group(1) for m in (re.match(r"\d+\s+([a-z0-9_]+)\(", l) for l in f) if m}
        self.assertGreaterEqual(len(traced), 15, traced)
        self.assertEqual(traced - set(ALLOWLISTS["scanned"]), set())

    def test_scanned_list_keeps_what_the_program_reaches(self):
        scanned = set(ALLOWLISTS["scanned"])
        for name in ("read", "write", "openat", "close", "getpid", "uname",
                     "clock_gettime", "clone", "execve", "wait4", "exit_group"):
            self.assertIn(name, scanned)
        # Nothing in the program or the static glibc it pulls in reaches
        # these: the shrunk mini kernel must lose them.
        for name in ("socket", "connect", "mkdir", "kexec_load", "bpf"):
            self.assertNotIn(name, scanned)
        out, rep, _ = self.check_behaviour("vmlinux", "scanned")
        x64 = rep["syscalls"]["x64"]
        self.assertEqual(set(x64["kept"]), scanned & set(IMPLEMENTED))
        self.assertIn("socket", x64["removed"])

    def test_removed_code_is_gone_and_kept_code_stays(self):
        out, rep, _ = self.check_behaviour("archive", "typical")
        syms = symbols(out)
        allowed = set(ALLOWLISTS["typical"])
        for name, entry in ENTRY.items():
            self.assertEqual(entry in syms, name in allowed or name in VSYSCALL, name)
        # Exclusive callee chains (socket/connect) are gone ...
        for fn in ("sock_create", "__sock_create", "sock_alloc",
                   "new_inode_pseudo", "inet_create", "unix_create",
                   "move_addr_to_kernel", "do_mkdirat", "lookup_create"):
            self.assertFalse(fn in syms, fn)
        # ... helpers shared with kept syscalls stay ...
        for fn in ("fdget", "vfs_account", "getname", "path_lookup",
                   "futex_wait", "hash_futex", "jhash", "get_unmapped_area",
                   "cp_new_stat", "emulate_vsyscall", "__x64_sys_ni_syscall"):
            self.assertTrue(fn in syms, fn)
        # ... and data only removed syscalls used goes too.
        self.assertFalse("net_families" in syms)
        self.assertTrue("init_uts_ns" in syms)

    def test_symbols_a_linker_script_names_are_kept(self):
        # A script's assignment is a root, as in lld's own GC: with the dead
        # sections excluded, lld would otherwise stop with "symbol not found".
        script = os.path.join(self.tmp, "alias.lds")
        with open(script, "w") as f:
            f.write("/* __x64_sys_mkdir is only named in a comment */\n"
                    "sysgc_test_helper = jhash;\n"
                    "sysgc_test_entry = __x64_sys_socket;\n")
        out, rep, _ = self.shrink("archive", "one",
                                  out=os.path.join(self.tmp, "alias"),
                                  extra=["-T", script])
        syms = symbols(out)
        # jhash (a lib.a helper only uname and futex call) stays; its
        # callers go.
        self.assertIn("jhash", syms)
        self.assertNotIn("hash_futex", syms)
        # The socket entry's code stays, with what it calls, but the
        # syscall is still -ENOSYS; mkdir goes.
        self.assertIn("__x64_sys_socket", syms)
        self.assertIn("sock_alloc", syms)
        self.assertNotIn("__x64_sys_mkdir", syms)
        self.assertIn("socket", rep["syscalls"]["x64"]["removed_code_kept"])
        got = program_results(out)
        self.assertEqual(got["exit"], 0, got["raw"])
        self.assertEqual(got["syscall"][IMPLEMENTED["socket"]], [ENOSYS, ENOSYS])

    def test_report_matches_the_output(self):
        plain_out = os.path.join(self.tmp, "plain-for-report")
        self.assertEqual(mk.link(self.objs, "archive", LLD, plain_out).returncode, 0)
        out, rep, stderr = self.shrink("archive", "typical")
        before, after = symbols(plain_out), symbols(out)
        gone = {n for n, s in before.items() if n not in after and s["size"]}
        reported = {s["name"] for s in rep["removed_symbols"]}
        self.assertEqual(reported, gone)
        x64 = rep["syscalls"]["x64"]
        allowed = set(ALLOWLISTS["typical"])
        self.assertEqual(set(x64["kept"]), allowed & set(IMPLEMENTED))
        self.assertEqual(set(x64["removed"]) | set(x64["removed_code_kept"]),
                         set(IMPLEMENTED) - allowed)
        self.assertEqual(set(x64["removed_code_kept"]), VSYSCALL - allowed)
        self.assertIn("exit_group", x64["allowed_not_implemented"])
        for k in rep["kept_alive"]:
            self.assertIn("emulate_vsyscall", k["reason"])
        self.assertEqual(rep["totals"]["removed_function_bytes"],
                         sum(s["size"] for s in rep["removed_symbols"]
                             if s["kind"] == "function"))
        self.assertGreater(rep["removed_bytes_by_output_section"][".text"], 0)
        self.assertEqual(rep["verify"]["dispatch_slots_checked"], 463)
        self.assertIn("add/remove: 0/%d" % len(rep["removed_symbols"]), stderr)
        ex = [t for t in rep["tables"] if t["section"] == "__ex_table"]
        self.assertTrue(any(t["removed_entries"] for t in ex))

    def test_weak_stubs_are_not_implemented(self):
        _, rep, _ = self.shrink("archive", "all")
        x64 = rep["syscalls"]["x64"]
        self.assertIn("kexec_load", x64["allowed_not_implemented"])
        self.assertIn("bpf", x64["allowed_not_implemented"])
        self.assertEqual(x64["removed"], [])
        # Only the overridden weak stub of socket (referenced by nothing) goes.
        self.assertEqual([(s["name"], s["file"].endswith("sys_ni.o)"))
                          for s in rep["removed_symbols"]],
                         [("__x64_sys_socket", True)])

    # --- determinism -----------------------------------------------------

    def test_repeat_links_are_byte_identical(self):
        for variant in ("archive", "vmlinux"):
            a, _, _ = self.shrink(variant, "typical", os.path.join(self.tmp, "rep-a"))
            b_dir = os.path.join(self.tmp, "elsewhere")
            os.makedirs(b_dir, exist_ok=True)
            env = dict(os.environ, TMPDIR=b_dir, LANG="C")
            b, _, _ = self.shrink(variant, "typical", os.path.join(b_dir, "rep-b"), env=env)
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read(), variant)
            with open(a + ".json") as fa, open(b + ".json") as fb:
                ra, rb = json.load(fa), json.load(fb)
            ra.pop("output"), rb.pop("output")
            self.assertEqual(ra, rb)

    def test_joined_sections_give_the_same_kernel(self):
        # In links without --gc-sections sysgc joins runs of adjacent
        # sections of one name before lld sees them; the output must be
        # the one lld makes of them apart, byte for byte, and lld must
        # really have been given fewer sections.
        def kept_alloc_sections(cache):
            objs = [os.path.join(cache, f) for f in os.listdir(cache) if f.endswith(".o")]
            self.assertTrue(objs, cache)
            n = 0
            for o in objs:
                out = run(["llvm-readelf-22", "-S", "-W", o]).stdout
                n += sum(1 for l in out.splitlines()
                         if re.search(r"\]\s+\S+\s+(PROGBITS|NOBITS)\s.*\s[WAX]*A[WAX]*\s", l))
            return n
        for variant in ("archive", "vmlinux"):
            outs, counts = {}, {}
            for mode in ("yes", "no"):
                cache = os.path.join(self.tmp, "join-cache-%s-%s" % (variant, mode))
                shutil.rmtree(cache, ignore_errors=True)
                outs[mode], _, _ = self.shrink(
                    variant, "typical", os.path.join(self.tmp, "join-%s-%s" % (variant, mode)),
                    extra=["--sysgc-coalesce=" + mode, "--sysgc-cache=" + cache])
                counts[mode] = kept_alloc_sections(cache)
            self.assertLess(counts["yes"], counts["no"], variant)
            same_kernel(self, outs["yes"], outs["no"])
            self.assertEqual(symbols(outs["yes"]), symbols(outs["no"]))
            got = program_results(outs["yes"])
            self.assertEqual((got["exit"], got["fail"]), (0, []), got["raw"])

    # --- pass-through ----------------------------------------------------

    def test_passthrough_is_byte_identical(self):
        for variant in ("archive", "vmlinux", "gc"):
            a = os.path.join(self.tmp, "pt-lld-" + variant)
            b = os.path.join(self.tmp, "pt-sysgc-" + variant)
            self.assertEqual(mk.link(self.objs, variant, LLD, a).returncode, 0)
            r = mk.link(self.objs, variant, SYSGC_LD, b)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read(), variant)

    def test_relocatable_links_pass_through_even_with_an_allowlist(self):
        a = os.path.join(self.tmp, "r-lld.o")
        b = os.path.join(self.tmp, "r-sysgc.o")
        ins = ["--whole-archive", os.path.join(self.objs, "built-in.a")]
        self.assertEqual(run([LLD, "-r", "-o", a] + ins).returncode, 0)
        env = dict(os.environ, SYSGC_ALLOW=self.lists["one"])
        r = run([SYSGC_LD, "-r", "-o", b] + ins, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    def test_version_and_errors_match_lld(self):
        for args in (["--version"], ["-v"], ["--no-such-option"], ["missing.o"]):
            a, b = run([LLD] + args), run([SYSGC_LD] + args)
            self.assertEqual(a.returncode, b.returncode, args)
            self.assertEqual(a.stdout, b.stdout, args)
            self.assertEqual(a.stderr.replace(LLD, "ld.lld"),
                             b.stderr.replace(SYSGC_LD, "ld.lld"), args)

    def test_a_real_libc_program_links_identically(self):
        src = os.path.join(self.tmp, "hello.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\nint main(void){puts("hi");return 0;}\n')
        outs = []
        for ld in (LLD, SYSGC_LD):
            out = os.path.join(self.tmp, "hello-" + os.path.basename(ld))
            r = run(["clang-22", "-static", "-fuse-ld=lld", "--ld-path=" + ld,
                     src, "-o", out])
            self.assertEqual(r.returncode, 0, r.stderr)
            outs.append(out)
            self.assertEqual(run([out]).stdout, "hi\n")
        with open(outs[0], "rb") as fa, open(outs[1], "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    # --- errors ----------------------------------------------------------

    def expect_failure(self, allow_text, *extra, variant="archive"):
        allow = os.path.join(self.tmp, "bad.allow")
        with open(allow, "w") as f:
            f.write(allow_text)
        out = os.path.join(self.tmp, "must-not-exist")
        if os.path.exists(out):
            os.remove(out)
        r = run([SYSGC_LD] + mk.link_args(self.objs, variant, out) +
                ["--sysgc-allow=" + allow] + list(extra))
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(out), "a failed link left an output")
        leftovers = [f for f in os.listdir(self.tmp) if "sysgc-tmp" in f]
        self.assertEqual(leftovers, [])
        return r.stderr

    def test_unknown_syscall_is_an_error_naming_file_and_line(self):
        err = self.expect_failure("read\nwrtie\n")
        self.assertIn("bad.allow:2:", err)
        self.assertIn("did you mean write", err)

    def test_allow_unknown_turns_it_into_a_warning(self):
        allow = os.path.join(self.tmp, "unknown.allow")
        with open(allow, "w") as f:
            f.write("read\nfrobnicate\n")
        out = os.path.join(self.tmp, "unknown-ok")
        r = run([SYSGC_LD] + mk.link_args(self.objs, "archive", out) +
                ["--sysgc-allow=" + allow, "--sysgc-allow-unknown"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning", r.stderr)
        self.assertEqual(program_results(out)["exit"], 0)

    def test_missing_dispatch_symbol_is_an_error(self):
        err = self.expect_failure("read\n", "--sysgc-dispatch=no_such_table")
        self.assertIn("no_such_table", err)

    def test_missing_allowlist_file_is_an_error(self):
        out = os.path.join(self.tmp, "no-allow")
        r = run([SYSGC_LD] + mk.link_args(self.objs, "archive", out) +
                ["--sysgc-allow=/nonexistent/allow.txt"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("/nonexistent/allow.txt", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_failed_link_keeps_the_previous_output(self):
        out = os.path.join(self.tmp, "keep-me")
        with open(out, "w") as f:
            f.write("previous")
        allow = os.path.join(self.tmp, "bad2.allow")
        with open(allow, "w") as f:
            f.write("nosuchcall\n")
        r = run([SYSGC_LD] + mk.link_args(self.objs, "archive", out) +
                ["--sysgc-allow=" + allow])
        self.assertNotEqual(r.returncode, 0)
        with open(out) as f:
            self.assertEqual(f.read(), "previous")


if __name__ == "__main__":
    unittest.main()
