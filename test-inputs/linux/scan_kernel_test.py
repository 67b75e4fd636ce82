#!/usr/bin/env python3
"""The end-to-end loop on real kernels: the allowlist `sysgc scan` writes
from the initramfs, a kernel shrunk with it, booted.

For each ARCH/CONFIG of SYSGC_SCAN_KERNEL_CONFIGS (default CONFIGS: one
per architecture, each already built by the other kernel tests, so this
test only relinks):
  1. embedded.build() finds the build in the cache; embedded.initramfs()
     makes the boot test's initramfs (busybox, /init, the workload, the
     probe), which is unpacked and scanned: `sysgc scan --root DIR`;
  2. the scanned list must hold every syscall of the traced list of the
     same workload (embedded.allowlist(): strace / qemu-user -strace of the
     workload): a traced syscall the scan lacks is a false negative;
  3. the kernel is relinked three times through Kbuild, nothing compiled:
     plain (as embedded_test.py does it), shrunk with the traced list and
     shrunk with the scanned list;
  4. plain and scanned-shrunk boot in QEMU with the initramfs plus one
     test-only probe, /sysgc-absent, run after the workload's own probe: it
     calls syscalls the scanned list lacks and the plain kernel implements
     (harmless arguments: a bad file descriptor or pointer), chosen from
     ABSENT_CANDIDATES by what the scanned link's report says it removed.
     The whole workload must run on both; its output must be the same but
     for those probes, which read -ENOSYS on the shrunk kernel only
     (embedded.expected_enosys and check_probes, as the other tests);
  5. the figures (list sizes, function bytes plain / traced-shrunk /
     scanned-shrunk, scan time) are merged into SYSGC_SCAN_KERNEL_FIGURES
     (default build/scan-kernel-figures.json) under "ARCH/CONFIG".

sysgc scan writes one architecture's list per run: on a 64-bit kernel with
a compat ABI (arm64/typical: the initramfs holds the 32-bit /probe32 too)
the root is scanned once more with --arch arm and that list joins as
"compat:NAME" lines (the compat table is arm's, number for number). x86's
ia32 is refused: the scanner reads no i386 code.
Environment: SYSGC (the scanner and `sysgc symbols`), SYSGC_LD (the linker
build-kernel.sh points the kernel builds at), SYSGC_KEEP_TMP=1 keeps the
work directory (scanned lists, boot logs, the boot initramfs).
"""
import json
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
from embedded_test import function_bytes  # noqa: E402

SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
FIGURES = os.environ.get("SYSGC_SCAN_KERNEL_FIGURES",
                         os.path.join(ROOT, "build", "scan-kernel-figures.json"))
# One config per architecture that the other kernel tests build anyway
# (kernel_test.py: x86 tiny; embedded.CI_CONFIGS: the others).
CONFIGS = os.environ.get("SYSGC_SCAN_KERNEL_CONFIGS",
                         "x86_64/tiny riscv/typical arm64/typical arm/tiny").split()
# sysgc's architecture and the native ABI's name, the entry prefix.
NATIVE = {"x86_64": ("x86_64", "x64", "__x64_sys_"),
          "riscv": ("riscv64", "riscv64", "__riscv_sys_"),
          "arm64": ("aarch64", "arm64", "__arm64_sys_"),
          "arm": ("arm", "arm", "sys_")}
# The compat ABI of a 64-bit kernel: sysgc's architecture of its programs.
COMPAT = {"arm64": ("arm", "compat")}
# Syscalls /sysgc-absent may call, with arguments that change nothing on a
# kernel that has them: a bad descriptor (-1: EBADF), a bad pointer (16:
# EFAULT) or a query. Only those the scanned kernel removed are called.
ABSENT_CANDIDATES = {
    "fsync": (-1,), "fdatasync": (-1,), "syncfs": (-1,), "fchdir": (-1,),
    "flock": (-1, 0), "fchmod": (-1, 0), "fchown": (-1, 0, 0),
    "fchown32": (-1, 0, 0), "ftruncate": (-1, 0), "fstatfs": (-1, 16),
    "tee": (-1, -1, 0, 0), "setns": (-1, 0), "readahead": (-1, 0, 0, 0),
    "sysinfo": (16,), "times": (16,), "getrusage": (0, 16),
    "sched_getparam": (0, 16), "getcpu": (16, 16, 0), "getpriority": (0, 0),
    "getsid": (0,), "getpgid": (0,), "personality": (0xffffffff,),
    "sched_get_priority_max": (0,), "sched_getscheduler": (0,),
    "sched_rr_get_interval": (0, 16), "sched_getaffinity": (0, 0, 16),
    "capget": (16, 16), "getitimer": (0, 16), "getresuid": (16, 16, 16),
    "getresgid": (16, 16, 16), "get_robust_list": (0, 16, 16),
    "timer_getoverrun": (-1,), "sync_file_range": (-1, 0, 0, 0),
    "fallocate": (-1, 0, 0, 0), "fadvise64": (-1, 0, 0, 0),
    "vmsplice": (-1, 0, 0, 0), "epoll_ctl": (-1, 1, -1, 16),
    "timerfd_gettime": (-1, 16), "inotify_rm_watch": (-1, 0),
    "fgetxattr": (-1, 16, 16, 0), "flistxattr": (-1, 16, 0),
    "fremovexattr": (-1, 16), "pidfd_getfd": (-1, 0, 0),
    "membarrier": (0, 0, 0), "msync": (0, 0, 0), "statfs": (16, 16),
}
ABSENT_SRC = r"""
/* /sysgc-absent NAME:NR:ARG,ARG... : each syscall by its raw number, one
 * probe line each, as probe.c prints them. Test-only, never scanned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    char *name = strtok(argv[i], ":"), *nr = strtok(NULL, ":"), *args = strtok(NULL, ":");
    long a[6] = {0};
    int n = 0;
    for (char *t = args ? strtok(args, ",") : NULL; t && n < 6; t = strtok(NULL, ","))
      a[n++] = strtol(t, NULL, 0);
    errno = 0;
    long r = syscall(strtol(nr, NULL, 0), a[0], a[1], a[2], a[3], a[4], a[5]);
    printf("probe%s removed-%s ret=%ld errno=%d\n", sizeof(void *) == 4 ? "32" : "64",
           name, r < 0 ? -1L : (r > 0 ? 1L : 0L), r < 0 ? errno : 0);
  }
  fflush(stdout);
  return 0;
}
"""


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError("command failed (%d): %s\n%s" % (
            r.returncode, " ".join(cmd), (r.stdout + r.stderr)[-3000:]))
    return r


def names(path, abi, native=True):
    """The names of ABI in an allowlist: "ABI:read", and "read" if it is
    the native ABI."""
    out = set()
    with open(path) as f:
        for l in f:
            l = l.split("#")[0].strip()
            if not l:
                continue
            a, sep, n = l.rpartition(":")
            if (not sep and native) or a == abi:
                out.add(n)
    return out


def unpack(cpio_gz, into):
    os.makedirs(into)
    data = subprocess.run(["gzip", "-dc", cpio_gz], capture_output=True, check=True).stdout
    r = subprocess.run(["cpio", "-idm", "--quiet", "--no-absolute-filenames"], input=data,
                       cwd=into, capture_output=True)
    if r.returncode != 0:
        raise AssertionError("cpio: " + r.stderr.decode())


def pack(root, cpio_gz):
    files = subprocess.run("find . | LC_ALL=C sort", shell=True, cwd=root, check=True,
                           capture_output=True).stdout
    data = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "--reproducible"],
                          input=files, cwd=root, capture_output=True, check=True).stdout
    with open(cpio_gz, "wb") as f:
        f.write(subprocess.run(["gzip", "-n", "-9"], input=data, capture_output=True,
                               check=True).stdout)


def target_cc(arch, src, out):
    """Compile src with the static toolchain of arch (arch.sh's TARGET_CC,
    as mkinitramfs.sh compiles probe.c)."""
    run(["bash", "-c", '. "$1"; sysgc_arch "$2"; "${TARGET_CC[@]}" "$3" -o "$4"', "cc",
         os.path.join(HERE, "arch.sh"), arch, src, out])


class ScanKernel(unittest.TestCase):
    figures = {}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-scan-kernel-")

    @classmethod
    def tearDownClass(cls):
        if not os.environ.get("SYSGC_KEEP_TMP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)
        if cls.figures:
            embedded.merge_figures(FIGURES, cls.figures)
            print("scan kernel figures: " + FIGURES, file=sys.stderr)

    def check(self, spec):
        arch, config = spec.split("/")
        sarch, abi, prefix = NATIVE[arch]
        work = os.path.join(self.tmp, spec.replace("/", "-"))
        os.makedirs(work)
        build = embedded.build(arch, config)
        compat = embedded.has_compat(build)
        self.assertTrue(not compat or arch in COMPAT,
                        "%s runs a compat ABI sysgc scan cannot read" % spec)
        initrd = embedded.initramfs(arch, os.path.join(work, "initramfs.cpio.gz"), compat)
        rootfs = os.path.join(work, "rootfs")
        unpack(initrd, rootfs)

        # 1. The scan of the unpacked initramfs.
        scanned = os.path.join(work, "scanned.allow")
        t0 = time.monotonic()
        run([SYSGC, "scan", "--root", rootfs, "--arch", sarch, "-o", scanned])
        scan_seconds = time.monotonic() - t0
        scan_json = json.loads(run([SYSGC, "scan", "--root", rootfs, "--arch", sarch,
                                    "--format=json"]).stdout)
        self.assertEqual(scan_json["arch"], sarch)
        progs = sorted(p["path"] for p in scan_json["programs"])
        self.assertIn("/bin/busybox", progs)
        got = names(scanned, abi)
        self.assertTrue(got)
        with open(scanned) as f:
            self.assertEqual(sum(1 for l in f if l.strip() and not l.startswith("#")),
                             len(got), "the scanned list names another ABI")
        got_compat = set()
        if compat:
            carch, cabi = COMPAT[arch]
            t0 = time.monotonic()
            out = run([SYSGC, "scan", "--root", rootfs, "--arch", carch]).stdout
            scan_seconds += time.monotonic() - t0
            got_compat = {l.split(":", 1)[1] for l in out.splitlines()
                          if l.strip() and not l.startswith("#")}
            self.assertTrue(got_compat)
            with open(scanned, "a") as f:
                f.write("# the %s programs (sysgc scan --arch %s), as the %s ABI\n"
                        % (carch, carch, cabi))
                f.write("".join("%s:%s\n" % (cabi, n) for n in sorted(got_compat)))
        # 2. Sound against the traced workload.
        traced_allow = embedded.allowlist(arch)
        traced = names(traced_allow, abi)
        self.assertEqual(traced - got, set(),
                         "traced syscalls the scan of %s missed" % spec)
        if compat:
            self.assertEqual(names(traced_allow, cabi, native=False) - got_compat, set(),
                             "traced %s syscalls the scan of %s missed" % (cabi, spec))

        # 3. Relinks: plain, traced-shrunk, scanned-shrunk.
        collect = embedded.collect_mode(build)
        plain = embedded.relink(build, {} if collect else
                                {"SYSGC_NORMALIZE_SECTIONS": "yes"}, "scan-plain")
        reports = {}
        links = {}
        for name, allow in (("traced", traced_allow), ("scanned", scanned)):
            rep = os.path.join(work, name + "-report.json")
            links[name] = embedded.relink(build, {"SYSGC_ALLOW": allow, "SYSGC_REPORT": rep},
                                          "scan-" + name)
            self.assertIn("sysgc-ld: ", links[name].log)
            with open(rep) as f:
                reports[name] = json.load(f)
        sys_rep = reports["scanned"]["syscalls"][abi]
        self.assertEqual(set(sys_rep["kept"]) - got, set())
        removed = set(sys_rep["removed"]) | set(sys_rep["removed_code_kept"])

        # 4. The probe of what the scanned list lacks, then the boots.
        table = {}
        for l in run([SYSGC, "syscalls", "--arch", sarch, "--abi", abi]).stdout.splitlines():
            _, nr, name, _ = l.split("\t")
            table[name] = int(nr)
        absent = sorted(n for n in ABSENT_CANDIDATES if n in removed and n in table
                        and n not in got)
        self.assertGreaterEqual(len(absent), 3, "too few removed syscalls to probe: %s"
                                % sorted(removed))
        src = os.path.join(work, "absent.c")
        with open(src, "w") as f:
            f.write(ABSENT_SRC)
        boot_root = os.path.join(work, "boot-root")
        shutil.copytree(rootfs, boot_root, symlinks=True)
        target_cc(arch, src, os.path.join(boot_root, "sysgc-absent"))
        native = "probe32" if arch == "arm" else "probe64"
        os.rename(os.path.join(boot_root, native), os.path.join(boot_root, native + ".real"))
        args = " ".join("%s:%d:%s" % (n, table[n], ",".join(str(a) for a in ABSENT_CANDIDATES[n]))
                        for n in absent)
        with open(os.path.join(boot_root, native), "w") as f:
            f.write("#!/bin/busybox sh\n/%s.real\n/sysgc-absent %s\n" % (native, args))
        os.chmod(os.path.join(boot_root, native), 0o755)
        boot_initrd = os.path.join(work, "boot.cpio.gz")
        pack(boot_root, boot_initrd)

        image = os.path.basename(embedded.image_path(build))
        lines = {}
        boot_seconds = {}
        for name, rl in (("plain", plain), ("scanned", links["scanned"])):
            t0 = time.monotonic()
            log = embedded.boot(arch, os.path.join(rl.dir, image), boot_initrd)
            boot_seconds[name] = round(time.monotonic() - t0, 1)
            with open(os.path.join(work, name + "-boot.log"), "w") as f:
                f.write(log)
            lines[name] = embedded.workload(log)
            self.assertIsNotNone(lines[name], "%s %s did not finish its workload:\n%s"
                                 % (spec, name, log[-3000:]))
        native_list = os.path.join(work, "scanned-native.allow")
        with open(native_list, "w") as f:
            f.write("".join(n + "\n" for n in sorted(got)))
            f.write("".join("%s:%s\n" % (COMPAT[arch][1], n) for n in sorted(got_compat)))
        enosys = embedded.expected_enosys(arch, native_list, lines["plain"])
        bits = 32 if arch == "arm" else 64
        self.assertEqual(enosys, {(bits, "removed-" + n) for n in absent})
        self.assertEqual(embedded.check_probes(lines["plain"], ()), [])
        self.assertEqual(embedded.check_probes(lines["scanned"], enosys), [])
        strip = lambda ls: [l for l in ls
                            if not any(("probe%d %s " % k) in l + " " for k in enosys)]
        self.assertEqual(strip(lines["plain"]), strip(lines["scanned"]))

        # 5. Figures.
        fb = {"plain": function_bytes(os.path.join(plain.dir, "vmlinux"), prefix)}
        for name in ("traced", "scanned"):
            fb[name] = function_bytes(os.path.join(links[name].dir, "vmlinux"), prefix)
        self.assertLess(fb["scanned"]["function_bytes"], fb["plain"]["function_bytes"])
        # The scanned list holds the traced one: its kernel keeps at least
        # as much.
        self.assertGreaterEqual(fb["scanned"]["function_bytes"],
                                fb["traced"]["function_bytes"])
        p = fb["plain"]["function_bytes"]
        self.figures[spec] = {
            "mode": reports["scanned"]["mode"],
            "programs_scanned": progs,
            "scanned_syscalls": len(got),
            "scanned_compat_syscalls": len(got_compat),
            "traced_syscalls": len(traced),
            "scan_seconds": round(scan_seconds, 2),
            "unresolved_sites": len(scan_json["unresolved"]),
            "function_bytes": {k: v["function_bytes"] for k, v in fb.items()},
            "entries": {k: v["entries"] for k, v in fb.items()},
            "removed_percent": {k: round(100.0 * (p - fb[k]["function_bytes"]) / p, 2)
                                for k in ("traced", "scanned")},
            "kept": {k: len(reports[k]["syscalls"][abi]["kept"]) for k in reports},
            "absent_probed": absent,
            "relink_seconds": {"plain": round(plain.seconds, 1),
                               **{k: round(v.seconds, 1) for k, v in links.items()}},
            "boot_seconds": boot_seconds,
        }

    def test_kernels(self):
        for spec in CONFIGS:
            with self.subTest(config=spec):
                self.check(spec)


if __name__ == "__main__":
    unittest.main()
