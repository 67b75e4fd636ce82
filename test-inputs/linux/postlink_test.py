#!/usr/bin/env python3
"""The post-link step: a finished Kbuild tree relinked with a new allowlist,
nothing recompiled, on an embedded kernel (SYSGC_POSTLINK_CONFIG, default
arm/tiny: the smallest embedded build CI makes anyway).

A copy of the cached build tree is used (the cache stays as it was):
  1. A tree built with LD=sysgc-ld (the Buildroot/Yocto recipes' way):
     delete vmlinux, `make LD=sysgc-ld IMAGE` with SYSGC_ALLOW set, twice,
     with two different allowlists. Nothing is compiled; the second, smaller
     list leaves fewer syscall entries.
  2. The same tree rebuilt by plain lld (LLVM=-22: LD=ld.lld-22), as a user
     who never heard of sysgc has it. Relinked through the masquerade
     directory (ld.lld-22 is sysgc-ld, first on PATH; what the package
     installs in lib/sysgc/bin), nothing is compiled; the image boots in
     QEMU and runs the busybox workload, removed syscalls -ENOSYS, bad
     pointers -EFAULT.
  3. The control: the plain-lld tree relinked with LD=sysgc-ld on the
     command line does recompile (the vDSO's link command changed), which
     is why the masquerade directory exists.
Times go to SYSGC_KERNEL_FIGURES under "postlink".
"""
import os
import re
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

SPEC = os.environ.get("SYSGC_POSTLINK_CONFIG", "arm/tiny")
FIGURES = os.environ.get("SYSGC_KERNEL_FIGURES",
                         os.path.join(ROOT, "build", "kernel-figures.json"))
ENTRY_PREFIX = {"riscv": "__riscv_sys_", "arm64": "__arm64_sys_", "arm": "sys_"}
SUMMARY = re.compile(r"^sysgc-ld: \S+ \S+: kept (\d+) of (\d+) implemented syscalls", re.M)


class PostLink(unittest.TestCase):
    figures = {}

    @classmethod
    def setUpClass(cls):
        cls.arch, cls.config = SPEC.split("/")
        cached = embedded.build(cls.arch, cls.config)
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-postlink-",
                                   dir=os.path.join(embedded.CACHE, "build"))
        cls.tree = os.path.join(cls.tmp, "tree")
        subprocess.run(["cp", "-a", cached, cls.tree], check=True)
        make = embedded._read(cached, ".sysgc-make").splitlines()
        cls.make = [cls.tree if a == cached else
                    "O=" + cls.tree if a == "O=" + cached else a for a in make]
        cls.recorded_ld = next(a for a in cls.make if a.startswith("LD="))
        cls.env = embedded._make_env(cached, {})
        cls.image = embedded._read(cached, ".sysgc-image").strip()
        cls.masq = os.path.join(cls.tmp, "masq")
        os.makedirs(cls.masq)
        os.symlink(embedded.SYSGC_LD, os.path.join(cls.masq, "ld.lld-22"))
        cls.allow = embedded.allowlist(cls.arch)
        cls.initrd = os.path.join(cls.tmp, "initramfs.cpio.gz")
        embedded.initramfs(cls.arch, cls.initrd)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if cls.figures:
            embedded.merge_figures(FIGURES, {"postlink " + SPEC: cls.figures})

    def relink(self, make_vars, env=None, path_first=None, target=None):
        """Delete vmlinux and make the image again; the log, the seconds and
        the compile steps that ran."""
        vmlinux = os.path.join(self.tree, "vmlinux")
        if os.path.exists(vmlinux):
            os.remove(vmlinux)
        e = dict(self.env, **(env or {}))
        if path_first:
            e["PATH"] = path_first + ":" + e["PATH"]
        cmd = [a for a in self.make if not a.startswith("LD=")] + list(make_vars)
        t0 = time.monotonic()
        r = subprocess.run(cmd + [target or os.path.basename(self.image)],
                           capture_output=True, text=True, env=e, timeout=1800)
        seconds = time.monotonic() - t0
        log = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, log[-4000:])
        return log, seconds, embedded.rebuilt_steps(log)

    def entries(self):
        out = subprocess.run(["llvm-nm-22", "--defined-only",
                              os.path.join(self.tree, "vmlinux")],
                             capture_output=True, text=True, check=True).stdout
        prefix = ENTRY_PREFIX[self.arch]
        return sum(1 for l in out.splitlines()
                   if l.split()[-1].startswith(prefix) and l.split()[1] in "tT")

    def allowlist_without(self, drop):
        path = os.path.join(self.tmp, "smaller.allow")
        with open(self.allow) as f, open(path, "w") as g:
            for line in f:
                if line.split("#")[0].strip() not in drop:
                    g.write(line)
        return path

    def test_postlink(self):
        # 1. Built with LD=sysgc-ld: a new allowlist relinks, compiles nothing.
        log, secs, rebuilt = self.relink([self.recorded_ld], {"SYSGC_ALLOW": self.allow})
        self.assertEqual(rebuilt, [])
        kept = [int(m.group(1)) for m in SUMMARY.finditer(log)]
        self.assertTrue(kept, "sysgc-ld did not shrink the vmlinux link:\n" + log[-3000:])
        # lld kept nothing the plan removed (a removed syscall's weak
        # COND_SYSCALL alias at sys_ni_syscall is the stub, not its code).
        self.assertNotIn("kept by the linker despite the plan", log)
        full = self.entries()
        smaller = self.allowlist_without({"rename", "symlink", "rmdir", "chdir"})
        log2, secs2, rebuilt = self.relink([self.recorded_ld], {"SYSGC_ALLOW": smaller})
        self.assertEqual(rebuilt, [])
        kept2 = [int(m.group(1)) for m in SUMMARY.finditer(log2)]
        self.assertLess(kept2[-1], kept[-1])
        self.assertLess(self.entries(), full)
        self.figures["sysgc_ld_tree_relink_seconds"] = [round(secs, 1), round(secs2, 1)]

        # 2. Rebuilt by plain lld, as a user's tree is.
        log, secs, rebuilt = self.relink([])
        self.assertNotIn("sysgc-ld: ", log)
        self.figures["plain_lld_rebuild_compiled"] = len(rebuilt)
        # Through the masquerade directory: the same LD (ld.lld-22) on every
        # command line, so nothing is compiled.
        log, secs, rebuilt = self.relink([], {"SYSGC_ALLOW": self.allow},
                                         path_first=self.masq)
        self.assertEqual(rebuilt, [])
        self.assertRegex(log, SUMMARY)
        self.figures["masquerade_relink_seconds"] = round(secs, 1)
        self.assertEqual(self.entries(), full)
        boot = embedded.boot(self.arch, os.path.join(self.tree, self.image), self.initrd)
        lines = embedded.workload(boot)
        self.assertIsNotNone(lines, "the relinked kernel did not finish its workload:\n"
                             + boot[-3000:])
        enosys = embedded.expected_enosys(self.arch, self.allow, lines)
        self.assertTrue(enosys)
        self.assertEqual(embedded.check_probes(lines, enosys), [])

        # 3. The control: LD=sysgc-ld on the plain tree's command line.
        log, secs, rebuilt = self.relink(["LD=" + embedded.SYSGC_LD],
                                         {"SYSGC_ALLOW": self.allow})
        self.assertTrue(rebuilt, "changing LD= recompiled nothing: the masquerade "
                        "directory would not be needed")
        self.figures["ld_switch_compiled"] = rebuilt


if __name__ == "__main__":
    unittest.main()
