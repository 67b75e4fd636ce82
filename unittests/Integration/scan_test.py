#!/usr/bin/env python3
"""sysgc scan against ground truth from programs no one here wrote.

Each program runs a fixed workload (test-inputs/scan/workload.sh for
busybox: most everyday applets with their common options; ls, cat, cp and
sort: a dozen runs each with their common options, traces united, as a
test suite would exercise them) traced with `strace -f` (x86-64) or `qemu-*-static -strace`
(Debian's busybox-static:arm64 and :armhf, and a riscv64 busybox built
from Debian's source, by test-inputs/linux/userspace.sh into $SYSGC_CACHE). Every traced syscall
must be in the scanned set: zero false negatives, per program. Precision
is printed, not hidden: per program the scanned, traced and naive (every
resolvable syscall site of the program and its libraries, reachable or
not) set sizes and F1 against the trace; the figures are written to
$SYSGC_SCAN_FIGURES (JSON) when set. The allowlist output is fed back to
`sysgc check-allowlist`, and a synthetic root checks that libraries are
found inside it, never on the host.

Environment: SYSGC (the built sysgc), SYSGC_CACHE (default
/var/cache/sysgc), SYSGC_SCAN_ARCHES (default "x86_64 arm64 arm riscv":
userspace.sh's names).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
SYSGC = os.environ.get("SYSGC", os.path.join(SRC, "build", "tools", "sysgc", "sysgc"))
WORKLOAD = os.path.join(SRC, "test-inputs", "scan", "workload.sh")
USERSPACE = os.path.join(SRC, "test-inputs", "linux", "userspace.sh")
ARCHES = os.environ.get("SYSGC_SCAN_ARCHES", "x86_64 arm64 arm riscv").split()
FIGURES = {}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def ensure_packages(*pkgs):
    """apt-get install what is missing (idempotent, as install-deps.sh)."""
    missing = [p for p in pkgs if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
        text=True).stdout.find("install ok installed") < 0]
    if missing:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-q",
                        "--no-install-recommends"] + missing, check=True, env=env)


def table(arch):
    """number -> name and the set of names of arch's native ABI."""
    out = run([SYSGC, "syscalls", "--arch", arch]).stdout
    abi = None
    by_nr, names = {}, set()
    for line in out.splitlines():
        a, nr, name = line.split("\t")[:3]
        abi = abi or a
        if a != abi:
            continue
        by_nr[int(nr)] = name
        names.add(name)
    return abi, by_nr, names


def strace_names(log_files):
    names = set()
    for f in log_files:
        with open(f, errors="replace") as fh:
            for line in fh:
                m = re.match(r"^(?:\d+ +)?([a-z_0-9]+)\(", line)
                if m:
                    names.add(m.group(1))
    return names


# qemu-user's strace names that differ from the kernel's tables.
QEMU_ALIAS = {"llseek": "_llseek", "select": "_newselect"}


def qemu_names(log_files, by_nr, names):
    out, bad = set(), []
    for f in log_files:
        with open(f, errors="replace") as fh:
            lines = fh.readlines()
        for line in lines:
            m = re.match(r"^\d+ (?:Unknown syscall (\d+)|([a-z_0-9]+)\()", line)
            if not m:
                continue
            n = by_nr.get(int(m.group(1))) if m.group(1) else m.group(2)
            if n not in names:
                n = QEMU_ALIAS.get(n, n)
            if n is None or n not in names:
                bad.append(line.strip())
            else:
                out.add(n)
    return out, bad


def scan(args):
    t0 = time.monotonic()
    p = subprocess.run([SYSGC, "scan", "--format=json", "--naive"] + args,
                       capture_output=True, text=True)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        raise AssertionError("sysgc scan %s failed:\n%s" % (args, p.stderr))
    return json.loads(p.stdout), dt, p.stderr


def f1(scanned, traced):
    tp = len(scanned & traced)
    prec = tp / len(scanned) if scanned else 0.0
    rec = tp / len(traced) if traced else 1.0
    return (2 * prec * rec / (prec + rec)) if prec + rec else 0.0, prec, rec


class ScanTest(unittest.TestCase):
    def judge(self, label, prog, traced, seconds):
        """Zero false negatives; print and keep the figures."""
        scanned = {s.split(":", 1)[1] for s in prog["syscalls"]}
        naive = {s.split(":", 1)[1] for s in prog["naive_syscalls"]}
        missed = sorted(traced - scanned)
        score, prec, rec = f1(scanned, traced)
        nscore, _, _ = f1(naive, traced)
        FIGURES[label] = {
            "scanned": len(scanned), "traced": len(traced),
            "naive": len(naive), "false_negatives": missed,
            "precision": round(prec, 3), "recall": round(rec, 3),
            "f1": round(score, 3), "naive_f1": round(nscore, 3),
            "scan_seconds": round(seconds, 3),
            "unresolved_sites": prog["unresolved"],
            "reachable_functions": prog["reachable_functions"],
            "functions": prog["functions"],
        }
        print("%-24s scanned %3d  traced %3d  naive %3d  FN %d  F1 %.3f "
              "(naive %.3f)  %.2fs  unresolved %d" % (
                  label, len(scanned), len(traced), len(naive), len(missed),
                  score, nscore, seconds, prog["unresolved"]), file=sys.stderr)
        self.assertEqual(missed, [], "%s: traced but not scanned" % label)
        self.assertLessEqual(len(scanned), len(naive),
                             "%s: reachability added syscalls" % label)
        self.assertTrue(traced, "%s: nothing traced" % label)

    def test_x86_64_busybox_static(self):
        if "x86_64" not in ARCHES:
            self.skipTest("x86_64 not in SYSGC_SCAN_ARCHES")
        ensure_packages("busybox-static", "strace")
        bb = "/bin/busybox"
        _, _, names = table("x86_64")
        with tempfile.TemporaryDirectory() as t:
            bindir = os.path.join(t, "bin")
            os.mkdir(bindir)
            run([bb, "--install", "-s", bindir])
            work = os.path.join(t, "work")
            os.mkdir(work)
            env = dict(os.environ, PATH=bindir)
            log = os.path.join(t, "trace")
            subprocess.run([shutil.which("strace"), "-f", "-qq", "-e",
                            "trace=all", "-o", log, bb, "sh", WORKLOAD, work],
                           env=env, check=True, capture_output=True)
            traced = strace_names([log])
        unknown = traced - names
        self.assertEqual(unknown, set(), "strace names not in the x64 table")
        r, dt, _ = scan([bb])
        self.judge("x86_64 busybox-static", r["programs"][0], traced, dt)

    def test_x86_64_dynamic(self):
        """Each program run many times with its common options (as a test
        suite would), the traces united: the program's ground truth."""
        if "x86_64" not in ARCHES:
            self.skipTest("x86_64 not in SYSGC_SCAN_ARCHES")
        ensure_packages("strace", "coreutils")
        with tempfile.TemporaryDirectory() as t:
            f = os.path.join(t, "f")
            with open(f, "w") as fh:
                fh.write("hello\n" * 100)
            nums = os.path.join(t, "nums")
            with open(nums, "w") as fh:
                # Large enough that sort -S 1k spills to temporary files.
                fh.write("".join("%d k%d\n" % ((i * 7919) % 5003, i % 13)
                                 for i in range(20000)))
            d = os.path.join(t, "d")
            os.makedirs(os.path.join(d, "sub"))
            for n in ("a", "sub/b"):
                with open(os.path.join(d, n), "w") as fh:
                    fh.write(n * 1000)
            os.symlink("a", os.path.join(d, "l"))
            j = lambda *p: os.path.join(t, *p)
            cases = [
                ("/usr/bin/ls", [
                    ["-la", "/usr/bin", t], ["-R", d], ["-i", "-s", "-1", d],
                    ["-l", "--color=always", "--time-style=full-iso", d],
                    ["-lZ", d], ["-lu", "-t", "-r", d], ["-S", "-h", "-l", d],
                    ["-d", "-l", "/proc/self", "/dev/null"], ["-L", "-l", d],
                    ["--sort=version", "-F", "-Q", d], ["-n", "-A", "/"],
                    ["-l", "/etc/passwd"], ["nosuchfile"]]),
                ("/usr/bin/cat", [
                    [f, "/proc/version"], ["-n", f], ["-A", "-s", f],
                    ["-b", "-E", "-T", f], [f, "-", f], ["nosuchfile"]]),
                ("/usr/bin/cp", [
                    [f, j("g")], ["-r", d, j("d2")], ["-a", d, j("d3")],
                    ["-p", "--preserve=all", f, j("g2")],
                    ["--sparse=always", f, j("g3")],
                    ["--reflink=auto", f, j("g4")], ["-l", f, j("g5")],
                    ["-s", f, j("g6")], ["-u", "-v", f, j("g")],
                    ["--backup=numbered", f, j("g")], ["-L", "-r", d, j("d4")],
                    ["-P", "-r", d, j("d5")], ["-n", f, j("g")],
                    ["-T", f, j("g7")], ["--attributes-only", f, j("g8")],
                    ["nosuchfile", j("g9")]]),
                ("/usr/bin/sort", [
                    ["-r", f], ["-n", nums], ["-u", "-k2,2", nums],
                    ["-t", " ", "-k1,1n", "-k2", nums],
                    ["-S", "1k", "-T", t, nums], ["--parallel=2", "-n", nums],
                    ["-R", f], ["-h", "-s", nums], ["-c", f], ["-m", f, f],
                    ["-o", j("sorted"), nums], ["-V", "-f", "-b", nums],
                    ["--compress-program=gzip", "-S", "1k", "-T", t, nums],
                    ["nosuchfile"]]),
            ]
            for prog, runs in cases:
                if not os.path.exists(prog):
                    continue
                logs = []
                for k, args in enumerate(runs):
                    log = os.path.join(t, "trace.%s.%d" % (
                        os.path.basename(prog), k))
                    # An error exit (a missing file) is part of the workload.
                    subprocess.run(["strace", "-f", "-qq", "-e", "trace=all",
                                    "-o", log, prog] + args, cwd=t,
                                   stdin=subprocess.DEVNULL,
                                   capture_output=True)
                    logs.append(log)
                traced = strace_names(logs)
                r, dt, _ = scan(["--root", "/", prog])
                p = r["programs"][0]
                self.assertTrue(any("libc.so.6" in m for m in p["modules"]), p)
                self.assertEqual(p["missing"], [])
                self.judge("x86_64 " + os.path.basename(prog), p, traced, dt)

    def qemu_busybox(self, arch, sysgc_arch, qemu_name, label):
        """busybox for ARCH (userspace.sh's name) run under qemu-user
        -strace on the workload: every applet through a host script that
        starts it under its own traced qemu (no binfmt_misc needed), as
        test-inputs/linux/gen-allowlist.sh does."""
        if arch not in ARCHES:
            self.skipTest("%s not in SYSGC_SCAN_ARCHES" % arch)
        if not shutil.which(qemu_name):
            ensure_packages("qemu-user-static")
        bb = run([USERSPACE, arch]).stdout.strip()
        _, by_nr, names = table(sysgc_arch)
        qemu = shutil.which(qemu_name)
        with tempfile.TemporaryDirectory() as t:
            logs = os.path.join(t, "logs")
            bindir = os.path.join(t, "bin")
            os.mkdir(logs)
            os.mkdir(bindir)
            applets = run([qemu, bb, "--list"]).stdout.split()
            for a in applets + ["busybox"]:
                path = os.path.join(bindir, a)
                with open(path, "w") as fh:
                    fh.write('#!/bin/sh\nexec %s -D %s/log.%%d -strace %s %s"$@"\n'
                             % (qemu, logs, bb, "" if a == "busybox" else a + " "))
                os.chmod(path, 0o755)
            work = os.path.join(t, "work")
            os.mkdir(work)
            env = dict(os.environ, PATH=bindir)
            subprocess.run([qemu, "-D", os.path.join(logs, "log.%d"), "-strace",
                            bb, "sh", WORKLOAD, work], env=env, check=True,
                           capture_output=True)
            traced, bad = qemu_names(
                [os.path.join(logs, f) for f in os.listdir(logs)], by_nr, names)
        self.assertEqual(bad, [], "qemu strace lines not in the %s table" % arch)
        r, dt, _ = scan([bb])
        self.judge(label, r["programs"][0], traced, dt)

    def test_aarch64_busybox_static(self):
        self.qemu_busybox("arm64", "aarch64", "qemu-aarch64-static",
                          "aarch64 busybox-static")

    def test_arm_busybox_static(self):
        # Debian's armhf busybox: Thumb-2, EABI.
        self.qemu_busybox("arm", "arm", "qemu-arm-static", "arm busybox-static")

    def test_riscv64_busybox_static(self):
        # Debian 12 has no riscv64 port: Debian's busybox source built with
        # clang-22 against static glibc (userspace.sh).
        self.qemu_busybox("riscv", "riscv64", "qemu-riscv64-static",
                          "riscv64 busybox")

    def test_allowlist_round_trip(self):
        """The list output is what sysgc-ld's allowlist parser reads."""
        bb = "/bin/busybox"
        if not os.path.exists(bb):
            self.fail("no /bin/busybox: scripts/install-deps.sh (test packages) installs busybox-static")
        with tempfile.TemporaryDirectory() as t:
            out = os.path.join(t, "bb.allow")
            p = subprocess.run([SYSGC, "scan", bb, "-o", out],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out) as fh:
                text = fh.read()
            self.assertTrue(text.startswith("# sysgc scan "), text[:200])
            lines = [l for l in text.splitlines() if l and not l.startswith("#")]
            self.assertIn("x64:read", lines)
            self.assertIn("x64:exit_group", lines)
            self.assertEqual(len(lines), len(set(lines)))
            c = run([SYSGC, "check-allowlist", out, "--arch", "x86_64"]).stdout
            x64 = c.splitlines()[0].split()[1:]
            self.assertEqual(len(x64), len(lines))
            # Only x64 syscalls: a 64-bit userspace makes no ia32 call.
            self.assertEqual(c.splitlines()[1].strip(), "ia32:")
            # Deterministic whatever the number of threads.
            one = os.path.join(t, "one.allow")
            run([SYSGC, "scan", bb, "-o", one, "--threads=1"])
            with open(one) as fh:
                self.assertEqual(fh.read(), text)
            # The JSON names the same set, and every syscall has a site.
            j, _, _ = scan([bb])
            self.assertEqual(sorted(s["name"] for s in j["syscalls"]),
                             sorted(lines))
            for s in j["syscalls"]:
                self.assertTrue(s["sites"], s)
                for site in s["sites"]:
                    self.assertTrue(site["how"] and site["address"], site)

    def test_seccomp_profile(self):
        """--format=seccomp: an OCI profile allowing exactly the list's
        names, for the ABIs used, ENOSYS for the rest."""
        bb = "/bin/busybox"
        if not os.path.exists(bb):
            self.fail("no /bin/busybox: scripts/install-deps.sh (test packages) installs busybox-static")
        prof = json.loads(run([SYSGC, "scan", bb, "--format=seccomp"]).stdout)
        lst = run([SYSGC, "scan", bb]).stdout
        names = sorted(l.split(":", 1)[1] for l in lst.splitlines()
                       if l and not l.startswith("#"))
        self.assertEqual(prof["defaultAction"], "SCMP_ACT_ERRNO")
        self.assertEqual(prof["defaultErrnoRet"], 38)
        self.assertEqual(prof["architectures"], ["SCMP_ARCH_X86_64"])
        self.assertEqual(len(prof["syscalls"]), 1)
        self.assertEqual(prof["syscalls"][0]["action"], "SCMP_ACT_ALLOW")
        self.assertEqual(prof["syscalls"][0]["names"], names)

    def test_explain_and_add_strace(self):
        """--explain names a syscall's sites; --add-strace adds what a
        trace shows and says the scan missed it; a foreign name fails."""
        bb = "/bin/busybox"
        if not os.path.exists(bb):
            self.fail("no /bin/busybox: scripts/install-deps.sh (test packages) installs busybox-static")
        e = run([SYSGC, "scan", bb, "--explain", "rt_sigreturn"]).stdout
        self.assertTrue(e.startswith("x64:rt_sigreturn (15):"), e)
        self.assertIn("constant", e)
        p = subprocess.run([SYSGC, "scan", bb, "--explain", "ptrace"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        with tempfile.TemporaryDirectory() as t:
            log = os.path.join(t, "t.log")
            with open(log, "w") as f:
                f.write('12 openat(AT_FDCWD, "x", O_RDONLY) = 3\n'
                        '[pid 13] ptrace(PTRACE_TRACEME) = 0\n'
                        '+++ exited with 0 +++\n')
            p = subprocess.run([SYSGC, "scan", bb, "--add-strace", log],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("x64:ptrace", p.stdout.splitlines())
            self.assertIn("traced ptrace, which the static scan missed", p.stderr)
            self.assertNotIn("traced openat", p.stderr)
            with open(log, "w") as f:
                f.write("1 no_such_call(1) = 0\n")
            p = subprocess.run([SYSGC, "scan", bb, "--add-strace", log],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 1)
            self.assertIn("t.log:1: 'no_such_call'", p.stderr)

    def test_unresolved_policy(self):
        """Busybox has glibc's setxid broadcast (number read from memory):
        warned by default, fatal with --unresolved=fail; listed in JSON."""
        bb = "/bin/busybox"
        if not os.path.exists(bb):
            self.fail("no /bin/busybox: scripts/install-deps.sh (test packages) installs busybox-static")
        warn = subprocess.run([SYSGC, "scan", bb], capture_output=True, text=True)
        self.assertEqual(warn.returncode, 0, warn.stderr)
        self.assertIn("unresolved syscall site", warn.stderr)
        fail = subprocess.run([SYSGC, "scan", bb, "--unresolved=fail"],
                              capture_output=True, text=True)
        self.assertEqual(fail.returncode, 1)
        self.assertIn("--unresolved=fail", fail.stderr)
        j, _, _ = scan([bb])
        self.assertTrue(j["unresolved"])
        for u in j["unresolved"]:
            self.assertTrue(u["module"] and u["function"] and u["address"], u)

    def test_root_never_the_host(self):
        """A root's libraries come from the root: an absolute symlink and
        ld.so.conf's include resolve inside it; a missing one is named."""
        cat = "/usr/bin/cat"
        libc = "/lib/x86_64-linux-gnu/libc.so.6"
        ld = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
        if not all(os.path.exists(p) for p in (cat, libc, ld)):
            self.fail("no x86-64 glibc at /lib/x86_64-linux-gnu on this host")
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "usr/bin"))
            os.makedirs(os.path.join(root, "opt/mylib"))
            os.makedirs(os.path.join(root, "lib64"))
            os.makedirs(os.path.join(root, "etc/ld.so.conf.d"))
            shutil.copy(cat, os.path.join(root, "usr/bin/cat"))
            whoami = "/usr/bin/whoami"  # getpwuid: NSS; cat: none
            shutil.copy(whoami, os.path.join(root, "usr/bin/whoami"))
            shutil.copy(libc, os.path.join(root, "opt/mylib/libc.so.6"))
            shutil.copy(ld, os.path.join(root, "opt/mylib/ld-linux-x86-64.so.2"))
            # Absolute: must land in the root, not on the host's /opt.
            os.symlink("/opt/mylib/ld-linux-x86-64.so.2",
                       os.path.join(root, "lib64/ld-linux-x86-64.so.2"))
            with open(os.path.join(root, "etc/ld.so.conf"), "w") as f:
                f.write("include /etc/ld.so.conf.d/*.conf\n")
            with open(os.path.join(root, "etc/ld.so.conf.d/my.conf"), "w") as f:
                f.write("# the root's own library directory\n/opt/mylib\n")
            # glibc dlopens the NSS services nsswitch.conf names: the
            # root's, found in the root (a missing one is glibc's business).
            nss = "/lib/x86_64-linux-gnu/libnss_files.so.2"
            if os.path.exists(nss):
                shutil.copy(nss, os.path.join(root, "opt/mylib/libnss_files.so.2"))
            with open(os.path.join(root, "etc/nsswitch.conf"), "w") as f:
                f.write("passwd: files [NOTFOUND=return] nosuchservice\n")
            r, _, _ = scan(["--root", root])
            self.assertEqual([q["path"] for q in r["programs"]],
                             ["/usr/bin/cat", "/usr/bin/whoami"])
            p, w = r["programs"]
            self.assertEqual(p["missing"], [])
            for m in p["modules"]:
                self.assertTrue(m.startswith(root + "/"), m)
            self.assertTrue(any(m.endswith("/opt/mylib/libc.so.6")
                                for m in p["modules"]), p["modules"])
            self.assertTrue(any(m.endswith("ld-linux-x86-64.so.2")
                                for m in p["modules"]), p["modules"])
            if os.path.exists(nss):
                lib = os.path.join(root, "opt/mylib/libnss_files.so.2")
                self.assertIn(lib, w["modules"])
                self.assertNotIn(lib, p["modules"])
            os.unlink(os.path.join(root, "opt/mylib/libc.so.6"))
            r, _, _ = scan(["--root", root, "/usr/bin/cat"])
            self.assertIn("libc.so.6", r["programs"][0]["missing"])

    def test_damaged_input_is_an_error(self):
        """A truncated or garbage ELF is an error message, never a crash."""
        with tempfile.TemporaryDirectory() as t:
            with open("/bin/busybox" if os.path.exists("/bin/busybox")
                      else sys.executable, "rb") as fh:
                src = fh.read()
            for n, data in (("trunc", src[:3000]),
                            ("garbage", b"\x7fELF" + bytes(range(256)) * 8),
                            ("flipped", src[:64] + bytes(b ^ 0x5a for b in src[64:200000]))):
                path = os.path.join(t, n)
                with open(path, "wb") as f:
                    f.write(data)
                p = subprocess.run([SYSGC, "scan", path], capture_output=True,
                                   text=True)
                self.assertGreaterEqual(p.returncode, 0, (n, p.stderr))
                self.assertIn(p.returncode, (0, 1), (n, p.stderr[-2000:]))


def tearDownModule():
    if not FIGURES:
        return
    out = os.environ.get("SYSGC_SCAN_FIGURES")
    if out:
        with open(out, "w") as f:
            json.dump(FIGURES, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    unittest.main()
