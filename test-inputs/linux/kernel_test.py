#!/usr/bin/env python3
"""The real-kernel test: Linux 6.12 x86-64 shrunk by sysgc-ld, booted in QEMU.

For each configuration (tiny, rich; SYSGC_KERNEL_CONFIGS narrows the list):
  1. build-kernel.sh builds it once (cached outside the clone) with
     -ffunction-sections -fdata-sections and LD=sysgc-ld;
  2. the vmlinux links are redone twice through Kbuild: "plain" (sysgc-ld
     with --sysgc-normalize-sections=yes only: the same kernel, its function
     sections placed where a DCE linker script would put them) and "shrunk"
     (SYSGC_ALLOW=busybox-workload.allow), every kallsyms pass included;
  3. both boot in QEMU with the busybox initramfs; their workload output must
     be identical except the probe lines for the removed syscalls, which must
     read -ENOSYS (38) on the shrunk kernel only;
  4. the figures (function bytes, section sizes, bzImage, entries left,
     capture ratio, what still pins a removed syscall, `llvm-nm-22 -u`
     counts: the shrunk vmlinux may hold no undefined symbol the plain one
     lacks) are checked and written to SYSGC_KERNEL_FIGURES (default
     build/kernel-figures.json);
  5. whole-kernel collection: a "full" relink (SYSGC_GC=full, the same
     allowlist) boots with the shrunk kernel's workload output, its kallsyms
     passes agree as the shrunk kernel's do, it removes more than the
     syscall-scoped plan, and at least 0.92 of an upper bound measured here
     and never booted (embedded.bound_link: the recorded vmlinux link again
     with --gc-sections and every back-reference KEEP lifted). Function,
     data and bzImage bytes of plain / syscall-scoped / full are recorded.
     On tiny, SYSGC_GC=full without an allowlist (pure dead-code
     elimination) boots with plain's output, line for line.
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "unittests", "Integration"))
from elf_sections import alloc_sections, same_kernel  # noqa: E402
sys.path.insert(0, HERE)
import embedded  # noqa: E402
SYSGC_LD = os.environ.get("SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld"))
SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
CACHE = os.environ.get("SYSGC_CACHE", "/var/cache/sysgc")
ALLOW = os.path.join(HERE, "busybox-workload.allow")
FIGURES = os.environ.get("SYSGC_KERNEL_FIGURES", os.path.join(ROOT, "build", "kernel-figures.json"))
CONFIGS = os.environ.get("SYSGC_KERNEL_CONFIGS", "tiny rich").split()
# Syscalls the probes call on purpose although the allowlist lacks them.
REMOVED_PROBES = ("removed-sysinfo", "removed-times", "removed-fcntl64")
ENOSYS = 38


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError("command failed (%d): %s\n%s" % (
            r.returncode, " ".join(cmd), (r.stdout + r.stderr)[-3000:]))
    return r


def function_bytes(path):
    syms = json.loads(run([SYSGC, "symbols", "--json", path]).stdout)
    funcs = [s for s in syms if s["kind"] == "function"]
    return {
        "function_bytes": sum(s["size"] for s in funcs),
        "functions": len(funcs),
        "x64_entries": sum(1 for s in funcs if s["name"].startswith("__x64_sys_")),
        "ia32_entries": sum(1 for s in funcs if s["name"].startswith("__ia32_sys_")),
    }


def undefined_symbols(path):
    """What `llvm-nm-22 -u` lists: the undefined symbols of the output's
    .symtab (System.map, kallsyms and bloat-o-meter read that table)."""
    out = run(["llvm-nm-22", "-u", path]).stdout
    return sorted(l.split()[-1] for l in out.splitlines() if l.strip())


def workload(log):
    m = re.search(r"SYSGC-WORKLOAD-BEGIN\n(.*?)SYSGC-WORKLOAD-END", log, re.S)
    return m.group(1).splitlines() if m else None


class Kernel(unittest.TestCase):
    figures = {}

    @classmethod
    def tearDownClass(cls):
        # Merged: the embedded architectures' test writes its own keys.
        embedded.merge_figures(FIGURES, cls.figures)
        print("kernel figures: " + FIGURES)

    def relink(self, build, variant, env_extra):
        """Redo the vmlinux links (all kallsyms passes) and bzImage."""
        # Other tests relink this tree too (embedded.relink): one at a time.
        lock = open(build + ".lock", "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        # (absent if an earlier run was killed mid-relink)
        if os.path.exists(os.path.join(build, "vmlinux")):
            os.remove(os.path.join(build, "vmlinux"))
        env = dict(os.environ, **env_extra)
        for k in ("SYSGC_ALLOW", "SYSGC_REPORT", "SYSGC_NORMALIZE_SECTIONS", "SYSGC_GC",
                  "SYSGC_RECORD"):
            if k not in env_extra:
                env.pop(k, None)
        r = subprocess.run(
            ["make", "-C", os.path.join(CACHE, "src", "linux-source-6.12"), "O=" + build,
             "LLVM=-22", "LD=" + os.path.join(CACHE, "bin", "ld.sysgc"), "-j2",
             "KCFLAGS=-ffunction-sections -fdata-sections",
             "KBUILD_BUILD_TIMESTAMP=2026-01-01", "KBUILD_BUILD_USER=sysgc",
             "KBUILD_BUILD_HOST=sysgc", "KBUILD_BUILD_VERSION=1", "bzImage"],
            capture_output=True, text=True, env=env)
        log = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, log[-4000:])
        self.assertNotIn("is being placed in", log, "orphan sections in " + variant)
        out = os.path.join(build, "sysgc-" + variant)
        os.makedirs(out, exist_ok=True)
        for f in ("vmlinux", "arch/x86/boot/bzImage", ".tmp_vmlinux1", ".tmp_vmlinux2"):
            if os.path.exists(os.path.join(build, f)):
                shutil.copy(os.path.join(build, f), os.path.join(out, os.path.basename(f)))
        lock.close()
        return out, log

    def check_config(self, config):
        env = dict(os.environ, SYSGC_LD=SYSGC_LD, SYSGC_CACHE=CACHE)
        build = run([os.path.join(HERE, "build-kernel.sh"), config], env=env,
                    timeout=3600).stdout.strip().splitlines()[-1]
        with open(os.path.join(build, ".config")) as f:
            kconfig = f.read()
        ia32 = "CONFIG_IA32_EMULATION=y" in kconfig
        kallsyms = "CONFIG_KALLSYMS=y" in kconfig
        initrd = os.path.join(build, "sysgc-initramfs.cpio.gz")
        run([os.path.join(HERE, "mkinitramfs.sh"), initrd] + (["--with-ia32"] if ia32 else []))

        plain, _ = self.relink(build, "plain", {"SYSGC_NORMALIZE_SECTIONS": "yes"})
        report = os.path.join(build, "sysgc-report.json")
        shrunk, log = self.relink(build, "shrunk", {"SYSGC_ALLOW": ALLOW, "SYSGC_REPORT": report})
        # Joining adjacent sections for lld changes nothing in the kernel:
        # same bytes at the same addresses (relocations kept by
        # --emit-relocs may come in another order, hence the build ID).
        apart, _ = self.relink(build, "apart", {"SYSGC_ALLOW": ALLOW, "SYSGC_COALESCE": "no"})
        same_kernel(self, os.path.join(shrunk, "vmlinux"), os.path.join(apart, "vmlinux"))
        # Every vmlinux link went through the transformation.
        links = len(re.findall(r"sysgc-ld: report:", log))
        self.assertEqual(links, 3 if kallsyms else 1, log[-2000:])
        with open(report) as f:
            rep = json.load(f)
        # The last kallsyms pass differs from the one before only in its
        # kallsyms object: it reuses that pass's plan (the report is the
        # last link's).
        if kallsyms:
            self.assertIn("plan-reused", rep["timings_ms"], rep["timings_ms"])

        freport = os.path.join(build, "sysgc-full-report.json")
        record = os.path.join(build, "sysgc-full.record")
        if os.path.exists(record):
            os.remove(record)
        full, flog = self.relink(build, "full", {"SYSGC_ALLOW": ALLOW, "SYSGC_REPORT": freport,
                                                 "SYSGC_GC": "full", "SYSGC_RECORD": record})
        self.assertEqual(len(re.findall(r"sysgc-ld: full mode: ", flog)), 3 if kallsyms else 1,
                         flog[-2000:])

        boots = {}
        for variant, d in (("plain", plain), ("shrunk", shrunk), ("full", full)):
            r = subprocess.run([os.path.join(HERE, "boot.sh"), os.path.join(d, "bzImage"), initrd, "240"],
                               capture_output=True, text=True)
            with open(os.path.join(d, "boot.log"), "w") as f:
                f.write(r.stdout + r.stderr)
            lines = workload(r.stdout)
            self.assertIsNotNone(lines, "%s %s did not finish its workload:\n%s" % (
                config, variant, r.stdout[-3000:]))
            boots[variant] = lines

        self.assertEqual(boots["full"], boots["shrunk"])
        # Identical, except the intended -ENOSYS lines.
        self.assertEqual(len(boots["plain"]), len(boots["shrunk"]))
        intended = 0
        for a, b in zip(boots["plain"], boots["shrunk"]):
            if any(p in a for p in REMOVED_PROBES):
                self.assertNotIn("errno=%d" % ENOSYS, a)
                self.assertIn("errno=%d" % ENOSYS, b, b)
                intended += 1
            else:
                self.assertEqual(a, b)
        # sysinfo and times in both probes; fcntl64 exists only in i386.
        self.assertEqual(intended, 2 + (3 if ia32 else 0))
        for lines in boots.values():
            self.assertTrue(any("write-bad-pointer ret=-1 errno=14" in l for l in lines))

        fig = {"plain": function_bytes(os.path.join(plain, "vmlinux")),
               "shrunk": function_bytes(os.path.join(shrunk, "vmlinux"))}
        for variant, d in (("plain", plain), ("shrunk", shrunk)):
            fig[variant]["bzImage_bytes"] = os.path.getsize(os.path.join(d, "bzImage"))
            fig[variant]["sections"] = json.loads(
                run([SYSGC, "sections", "--json", os.path.join(d, "vmlinux")]).stdout)
        p, s = fig["plain"], fig["shrunk"]
        fig["removed_function_bytes"] = p["function_bytes"] - s["function_bytes"]
        fig["removed_function_percent"] = round(100.0 * fig["removed_function_bytes"] / p["function_bytes"], 2)
        fig["capture"] = rep["capture"]
        fig["kept_alive"] = rep["kept_alive"]
        fig["syscalls_kept"] = {abi: len(v["kept"]) for abi, v in rep["syscalls"].items()}
        fig["syscalls_removed"] = {abi: len(v["removed"]) + len(v["removed_code_kept"])
                                   for abi, v in rep["syscalls"].items()}
        fig["sysgc_ld_ms"] = rep.get("timings_ms")
        fig["warnings"] = rep["warnings"]
        # No phantom symbols: removed code leaves no undefined symbol the
        # plain kernel does not have.
        und = {v: undefined_symbols(os.path.join(d, "vmlinux"))
               for v, d in (("plain", plain), ("shrunk", shrunk))}
        fig["undefined_symbols"] = {
            "plain": len(und["plain"]), "shrunk": len(und["shrunk"]),
            "shrunk_only": sorted(set(und["shrunk"]) - set(und["plain"]))}
        Kernel.figures[config] = fig

        self.assertEqual(fig["undefined_symbols"]["shrunk_only"], [],
                         "undefined in the shrunk vmlinux only")

        self.assertGreater(fig["removed_function_bytes"], 0)
        self.assertGreaterEqual(rep["capture"]["ratio"], 0.95)
        self.assertLess(s["bzImage_bytes"], p["bzImage_bytes"])
        self.assertLess(s["x64_entries"], p["x64_entries"])
        # What still pins a removed syscall: only direct code references
        # (x86's emulate_vsyscall, or code shared with a kept syscall).
        for k in rep["kept_alive"]:
            self.assertRegex(k["reason"],
                             r"^(referenced by|shares its entry with an allowed "
                             r"syscall, so [a-z_0-9]+ still dispatches it \(referenced by)"
                             r" [a-z_0-9]+ \(", k)

        self.check_full(config, build, plain, shrunk, full, freport, record, kallsyms)
        if config == "tiny":
            self.check_full_without_allowlist(build, plain, boots["plain"], initrd)

        if kallsyms:
            self.check_kallsyms(shrunk)
            self.check_kallsyms(full)

    def check_full(self, config, build, plain, shrunk, full, freport, record, kallsyms):
        """Full mode against plain and syscall-scoped, and the bound."""
        with open(freport) as f:
            frep = json.load(f)
        self.assertEqual(frep["gc"], "full")
        if kallsyms:
            self.assertIn("plan-reused", frep["timings_ms"], frep["timings_ms"])
        sizes = {}
        for variant, d in (("plain", plain), ("syscall", shrunk), ("full", full)):
            sizes[variant] = embedded.symbol_bytes(os.path.join(d, "vmlinux"), SYSGC)
            sizes[variant]["bzImage_bytes"] = os.path.getsize(os.path.join(d, "bzImage"))
        sf, ff = (sizes[v]["function_bytes"] for v in ("syscall", "full"))
        self.assertLess(ff, sf)
        self.assertLessEqual(sizes["full"]["object_bytes"], sizes["syscall"]["object_bytes"])
        self.assertLess(sizes["full"]["bzImage_bytes"], sizes["syscall"]["bzImage_bytes"])
        und = set(undefined_symbols(os.path.join(full, "vmlinux")))
        self.assertEqual(sorted(und - set(undefined_symbols(os.path.join(plain, "vmlinux")))), [],
                         "undefined in the full-mode vmlinux only")
        beyond = frep["full"]["beyond_syscall_scoped"]
        self.assertGreater(beyond["removed_function_bytes"], 0)
        fig = dict(sizes=sizes, beyond_syscall_scoped=beyond, report_capture=frep["capture"],
                   sysgc_ld_ms=frep.get("timings_ms"))
        fig.update(embedded.full_mode_bound(build, record, ALLOW, sizes, SYSGC_LD, SYSGC))
        self.assertGreaterEqual(fig["capture_of_bound"], 0.92, fig)
        Kernel.figures[config]["full"] = fig

    def check_full_without_allowlist(self, build, plain, plain_lines, initrd):
        """SYSGC_GC=full alone: dead-code elimination that keeps every
        syscall. The kernel boots with plain's workload output, line for
        line, and is smaller."""
        report = os.path.join(build, "sysgc-dce-report.json")
        dce, log = self.relink(build, "dce", {"SYSGC_GC": "full", "SYSGC_REPORT": report})
        with open(report) as f:
            rep = json.load(f)
        self.assertEqual(rep["gc"], "full")
        for abi in rep["syscalls"].values():
            self.assertEqual(abi["removed"] + abi["removed_code_kept"], [])
        r = subprocess.run([os.path.join(HERE, "boot.sh"), os.path.join(dce, "bzImage"), initrd,
                            "240"], capture_output=True, text=True)
        lines = workload(r.stdout)
        self.assertIsNotNone(lines, "dce did not finish its workload:\n" + r.stdout[-3000:])
        self.assertEqual(lines, plain_lines)
        pf = embedded.symbol_bytes(os.path.join(plain, "vmlinux"), SYSGC)["function_bytes"]
        df = embedded.symbol_bytes(os.path.join(dce, "vmlinux"), SYSGC)["function_bytes"]
        self.assertLess(df, pf)
        Kernel.figures["tiny"]["full_without_allowlist"] = {
            "function_bytes": df, "removed_function_percent": round(100.0 * (pf - df) / pf, 2)}

    def check_kallsyms(self, shrunk):
        """The last two kallsyms passes agree byte for byte on every
        allocated section but the kallsyms data (.rodata), the build id and
        what Kbuild's post-link steps rewrite in vmlinux only (sorttable:
        __ex_table, ORC, __mcount_loc in .init.data)."""
        may_differ = {".rodata", ".notes", "__ex_table", ".orc_unwind_ip",
                      ".orc_unwind", ".init.data"}
        a = alloc_sections(os.path.join(shrunk, ".tmp_vmlinux2"))
        b = alloc_sections(os.path.join(shrunk, "vmlinux"))
        self.assertEqual(sorted(a), sorted(b))
        for name in a:
            self.assertEqual(a[name][0], b[name][0], "address of " + name)
            if name not in may_differ:
                self.assertEqual(a[name][1], b[name][1], "bytes of " + name)
        syms = [json.loads(run([SYSGC, "symbols", "--json", os.path.join(shrunk, f)]).stdout)
                for f in (".tmp_vmlinux2", "vmlinux")]
        strip = lambda l: sorted((x["name"], x["size"]) for x in l
                                 if not x["name"].startswith("kallsyms_"))
        self.assertEqual(strip(syms[0]), strip(syms[1]))

    def test_kernels(self):
        for config in CONFIGS:
            with self.subTest(config=config):
                self.check_config(config)


if __name__ == "__main__":
    unittest.main()
