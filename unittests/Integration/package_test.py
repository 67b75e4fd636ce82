#!/usr/bin/env python3
"""What a user installs: `cmake --install` into a clean prefix, and the CPack
.deb installed by apt into a second Debian root.

Both installed copies of sysgc-ld link the mini kernel with an allowlist and
must give a vmlinux byte-identical to the build tree's sysgc-ld (the installed
binaries find libLLVM on their own: no LD_LIBRARY_PATH, no build tree). The
second root is a Debian 12 minbase made by debootstrap once and cached under
$SYSGC_CACHE/rootfs (keyed by the suite and debootstrap's version); each run
unpacks a fresh copy, `apt-get install ./sysgc_*.deb` resolves the package's
Depends from Debian's archive inside it, and the shrunk program runs there.
The masquerade directory (lib/sysgc/bin: ld.lld and ld.lld-22 are sysgc-ld,
for relinking a tree built with plain lld) links the same bytes.

Environment: SYSGC_BUILD is the CMake build directory (release build).
"""
import fcntl
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

BUILD = os.environ.get("SYSGC_BUILD", os.path.join(ROOT, "build"))
CACHE = os.environ.get("SYSGC_CACHE", "/var/cache/sysgc")
SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
ALLOW = os.path.join(ROOT, "test-inputs", "mini-kernel", "demo.allow")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s\n%s" % (
            " ".join(cmd), r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
    return r


def clean_env():
    """The environment of a user's shell: nothing pointing at the build."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "SYSGC_LD", "SYSGC")}
    env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    return env


def base_rootfs():
    """A tarball of a Debian minbase root, made once per suite and
    debootstrap version."""
    ver = run(["dpkg-query", "-W", "-f=${Version}", "debootstrap"]).stdout.strip()
    d = os.path.join(CACHE, "rootfs")
    os.makedirs(d, exist_ok=True)
    tar = os.path.join(d, "%s-minbase-%s.tar" % (SUITE, ver))
    with open(tar + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(tar):
            work = tempfile.mkdtemp(prefix="rootfs-", dir=d)
            try:
                run(["debootstrap", "--variant=minbase", SUITE, work, MIRROR])
                run(["tar", "-C", work, "-cf", tar + ".tmp", "."])
                os.rename(tar + ".tmp", tar)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return tar


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-pkg-")
        cls.built_ld = os.path.join(BUILD, "tools", "sysgc-ld", "sysgc-ld")
        # The reference: the build tree's sysgc-ld on the mini kernel.
        cls.objs = os.path.join(cls.tmp, "objs")
        mk.build(cls.objs)
        cls.ref = os.path.join(cls.tmp, "ref")
        r = mk.link(cls.objs, "vmlinux", cls.built_ld, cls.ref,
                    ["--sysgc-allow=" + ALLOW])
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def same_bytes(self, a, b):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertTrue(fa.read() == fb.read(), "%s differs from %s" % (a, b))

    def check_runs(self, cmd, env=None):
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        res = mk.parse(r.stdout)
        self.assertEqual(res["selfcheck"], 0, r.stdout)
        self.assertEqual(res["fail"], [])
        return res

    def test_cmake_install_into_clean_prefix(self):
        prefix = os.path.join(self.tmp, "prefix")
        run(["cmake", "--install", BUILD, "--prefix", prefix])
        ld = os.path.join(prefix, "bin", "sysgc-ld")
        tool = os.path.join(prefix, "bin", "sysgc")
        for f in (ld, tool):
            self.assertTrue(os.access(f, os.X_OK), f)
            dyn = run(["llvm-readelf-22", "-d", f]).stdout
            self.assertNotIn(BUILD, dyn, "installed %s points into the build" % f)
        # The installed copy, run from a plain shell, links the same bytes.
        out = os.path.join(self.tmp, "prefix-vmlinux")
        r = subprocess.run([ld] + mk.link_args(self.objs, "vmlinux", out)
                           + ["--sysgc-allow=" + ALLOW],
                           capture_output=True, text=True, env=clean_env())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.same_bytes(out, self.ref)
        self.check_runs([out])
        r = subprocess.run([tool, "check-allowlist", ALLOW, "--arch", "x86_64"],
                           capture_output=True, text=True, env=clean_env())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The pass-through is ld.lld itself: --version answers as lld, also
        # through the masquerade directory's names.
        masq = os.path.join(prefix, "lib", "sysgc", "bin")
        for f in (ld, os.path.join(masq, "ld.lld"), os.path.join(masq, "ld.lld-22")):
            self.assertEqual(os.path.realpath(f), os.path.realpath(ld), f)
            r = subprocess.run([f, "--version"], capture_output=True, text=True,
                               env=clean_env())
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("LLD 22", r.stdout)

    def test_deb_installs_with_apt_into_a_second_root(self):
        pkgdir = os.path.join(self.tmp, "pkg")
        run(["cpack", "-G", "DEB", "-B", pkgdir,
             "--config", os.path.join(BUILD, "CPackConfig.cmake")])
        debs = [f for f in os.listdir(pkgdir) if f.endswith(".deb")]
        self.assertEqual(len(debs), 1, debs)
        deb = os.path.join(pkgdir, debs[0])
        self.assertRegex(debs[0], r"^sysgc_\d+\.\d+\.\d+_amd64\.deb$")
        depends = run(["dpkg-deb", "-f", deb, "Depends"]).stdout
        self.assertIn("libllvm22", depends)
        self.assertNotIn("-dev", depends)
        files = run(["dpkg-deb", "-c", deb]).stdout
        for f in ("./usr/bin/sysgc-ld", "./usr/bin/sysgc",
                  "./usr/lib/sysgc/bin/ld.lld -> ../../../bin/sysgc-ld",
                  "./usr/lib/sysgc/bin/ld.lld-22 -> ../../../bin/sysgc-ld"):
            self.assertIn(f, files)

        root = os.path.join(self.tmp, "root")
        os.makedirs(root)
        run(["tar", "-C", root, "-xf", base_rootfs()])
        # Debian's archive as this machine sees it (libllvm22 comes from
        # bookworm-security), and its resolver.
        shutil.rmtree(os.path.join(root, "etc/apt/sources.list.d"), ignore_errors=True)
        shutil.copytree("/etc/apt/sources.list.d", os.path.join(root, "etc/apt/sources.list.d"),
                        ignore=shutil.ignore_patterns("*disabled*"))
        open(os.path.join(root, "etc/apt/sources.list"), "w").close()
        shutil.copy("/etc/resolv.conf", os.path.join(root, "etc/resolv.conf"))
        shutil.copy(deb, os.path.join(root, "tmp"))
        # The mini kernel's inputs, at the same paths inside the root.
        inner = "/tmp/mk"
        shutil.copytree(self.objs, root + inner + "/objs")
        shutil.copy(os.path.join(ROOT, "test-inputs/mini-kernel/mini.lds"), root + inner)
        args = [a.replace(self.objs, inner + "/objs")
                 .replace(os.path.join(ROOT, "test-inputs/mini-kernel"), inner)
                for a in mk.link_args(self.objs, "vmlinux", inner + "/vmlinux")]
        archives = os.path.join(CACHE, "apt-archives")
        os.makedirs(os.path.join(archives, "partial"), exist_ok=True)
        mounts = []
        try:
            for src, dst, opts in (("proc", "proc", ["-t", "proc"]),
                                   (archives, "var/cache/apt/archives", ["--bind"])):
                run(["mount"] + opts + [src, os.path.join(root, dst)])
                mounts.append(os.path.join(root, dst))
            chroot = ["chroot", root]
            env = dict(clean_env(), DEBIAN_FRONTEND="noninteractive")
            run(chroot + ["apt-get", "update", "-q"], env=env)
            self.assertNotEqual(
                subprocess.run(chroot + ["sh", "-c", "command -v sysgc-ld"],
                               capture_output=True, env=env).returncode, 0,
                "the fresh root already has sysgc-ld")
            run(chroot + ["apt-get", "install", "-y", "-q", "--no-install-recommends",
                          "/tmp/" + debs[0]], env=env)
            status = run(chroot + ["dpkg-query", "-W", "-f=${Status}", "sysgc"], env=env)
            self.assertEqual(status.stdout, "install ok installed")
            shutil.copy(ALLOW, root + "/tmp/demo.allow")
            r = subprocess.run(chroot + ["sysgc-ld"] + args + ["--sysgc-allow=/tmp/demo.allow"],
                               capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.same_bytes(root + inner + "/vmlinux", self.ref)
            self.check_runs(chroot + [inner + "/vmlinux"], env=env)
            # The masquerade name links the same bytes.
            r = subprocess.run(chroot + ["/usr/lib/sysgc/bin/ld.lld-22"] + args
                               + ["--sysgc-allow=/tmp/demo.allow"],
                               capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.same_bytes(root + inner + "/vmlinux", self.ref)
            run(chroot + ["sysgc", "check-allowlist", "/tmp/demo.allow",
                          "--arch", "x86_64"], env=env)
        finally:
            for m in reversed(mounts):
                subprocess.run(["umount", "-l", m])


if __name__ == "__main__":
    unittest.main()
