#!/usr/bin/env python3
"""The real-kernel test on the embedded architectures (riscv, arm64, arm).

For each ARCH/CONFIG of SYSGC_EMBEDDED_CONFIGS (default: DEFAULT_CONFIGS):
  1. embedded.build() builds Debian's linux-source-6.12 for it once (cached
     in /var/cache/sysgc, clang-22, function sections, LD=sysgc-ld);
  2. its vmlinux links are redone through Kbuild twice, nothing recompiled:
     "plain" (a retain-mode kernel, whose stock script names no function
     section, with SYSGC_NORMALIZE_SECTIONS=yes: the same kernel laid out
     as a DCE script would; a collect-mode kernel as it is) and "shrunk"
     (SYSGC_ALLOW=ARCH-workload.allow), every kallsyms pass included;
  3. both boot in QEMU with the busybox initramfs; the workload's output
     must be the same but for the probes of removed syscalls, which read
     -ENOSYS on the shrunk kernel only, and bad pointers read -EFAULT on
     both (the split exception tables still fix faults up);
  4. `sysgc report` (plain, -c) prints what scripts/bloat-o-meter prints,
     and its JSON agrees with llvm-size and llvm-readelf;
  5. the figures (function bytes, compressed image, entries left, capture,
     undefined symbols, what still pins a removed syscall) are checked and
     merged into SYSGC_KERNEL_FIGURES (default build/kernel-figures.json)
     under "ARCH/CONFIG";
  6. whole-kernel collection: a third relink with SYSGC_GC=full and the same
     allowlist boots and gives the shrunk kernel's workload output. On a
     retain-mode kernel it must remove more than the syscall-scoped plan
     and reach at least 0.92 of an upper bound measured here, never booted
     (embedded.bound_link: the recorded vmlinux link again with
     --gc-sections and every back-reference KEEP lifted); on a collect-mode
     kernel lld already collects the whole kernel and full mode changes
     nothing: the same vmlinux, byte for byte.
"""
import gzip
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import embedded  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "unittests", "Integration"))
from report_test import check_size_json  # noqa: E402

SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
FIGURES = os.environ.get("SYSGC_KERNEL_FIGURES",
                         os.path.join(ROOT, "build", "kernel-figures.json"))
# What CI runs (cold: about 34 CPU-minutes of kernel builds with ccache
# sharing each collect build with its base); riscv/tiny and arm64/tiny are
# there too, by SYSGC_EMBEDDED_CONFIGS.
DEFAULT_CONFIGS = "riscv/typical riscv/collect arm64/typical arm/tiny arm/collect"
CONFIGS = os.environ.get("SYSGC_EMBEDDED_CONFIGS", DEFAULT_CONFIGS).split()
# The syscall entry prefix of each architecture's native ABI.
PREFIX = {"riscv": "__riscv_sys_", "arm64": "__arm64_sys_", "arm": "sys_"}


def function_bytes(path, prefix):
    r = subprocess.run([SYSGC, "symbols", "--json", path], capture_output=True,
                       text=True, check=True)
    funcs = [s for s in json.loads(r.stdout) if s["kind"] == "function"]
    return {"function_bytes": sum(s["size"] for s in funcs),
            "functions": len(funcs),
            "entries": sum(1 for s in funcs if s["name"].startswith(prefix))}


def undefined(path):
    r = subprocess.run(["llvm-nm-22", "-u", path], capture_output=True, text=True,
                       check=True)
    return sorted(set(l.split()[-1] for l in r.stdout.splitlines() if l.strip()))


def compressed_size(image):
    """The image as a boot loader gets it: zImage is compressed already,
    Image (riscv, arm64) is gzipped as distributions ship it."""
    with open(image, "rb") as f:
        data = f.read()
    if image.endswith("zImage"):
        return len(data)
    return len(gzip.compress(data, compresslevel=9, mtime=0))


class Embedded(unittest.TestCase):
    figures = {}

    @classmethod
    def tearDownClass(cls):
        if not cls.figures:
            return
        embedded.merge_figures(FIGURES, cls.figures)
        print("kernel figures: " + FIGURES, file=sys.stderr)

    def check(self, spec):
        arch, config = spec.split("/")
        build = embedded.build(arch, config)
        allow = embedded.allowlist(arch)
        initrd = os.path.join(build, "sysgc-initramfs.cpio.gz")
        embedded.initramfs(arch, initrd, compat=embedded.has_compat(build))
        collect = embedded.collect_mode(build)

        plain = embedded.relink(build, {} if collect else
                                {"SYSGC_NORMALIZE_SECTIONS": "yes"}, "plain")
        report = os.path.join(build, "sysgc-report.json")
        shrunk = embedded.relink(build, {"SYSGC_ALLOW": allow, "SYSGC_REPORT": report},
                                 "shrunk")
        self.assertIn("sysgc-ld: ", shrunk.log)
        with open(report) as f:
            rep = json.load(f)
        self.assertEqual(rep["mode"], "collect" if collect else "retain")

        freport = os.path.join(build, "sysgc-full-report.json")
        record = os.path.join(build, "sysgc-full.record")
        if os.path.exists(record):
            os.remove(record)
        full = embedded.relink(build, {"SYSGC_ALLOW": allow, "SYSGC_GC": "full",
                                       "SYSGC_REPORT": freport, "SYSGC_RECORD": record},
                               "full")
        with open(freport) as f:
            frep = json.load(f)
        self.assertEqual(frep["gc"], "syscall" if collect else "full")

        image = os.path.basename(embedded.image_path(build))
        lines = {}
        for name, r in (("plain", plain), ("shrunk", shrunk), ("full", full)):
            log = embedded.boot(arch, os.path.join(r.dir, image), initrd)
            lines[name] = embedded.workload(log)
            self.assertIsNotNone(lines[name], "%s %s did not finish its workload:\n%s"
                                 % (spec, name, log[-3000:]))
        enosys = embedded.expected_enosys(arch, allow, lines["plain"])
        self.assertTrue(enosys, "the workload probes no removed syscall")
        self.assertEqual(embedded.check_probes(lines["plain"], ()), [])
        self.assertEqual(embedded.check_probes(lines["shrunk"], enosys), [])
        self.assertEqual(embedded.check_probes(lines["full"], enosys), [])
        self.assertEqual(lines["full"], lines["shrunk"])
        probes = embedded.probes(lines["shrunk"])
        self.assertTrue(any(err == 14 for _, err in probes.values()),
                        "no bad-pointer probe read -EFAULT")
        # The same output but for the removed syscalls' probes.
        strip = lambda ls: [l for l in ls
                            if not any(("probe%d %s " % k) in l + " " for k in enosys)]
        self.assertEqual(strip(lines["plain"]), strip(lines["shrunk"]))

        prefix = PREFIX[arch]
        p = function_bytes(os.path.join(plain.dir, "vmlinux"), prefix)
        s = function_bytes(os.path.join(shrunk.dir, "vmlinux"), prefix)
        self.assertLess(s["function_bytes"], p["function_bytes"])
        self.assertLess(s["entries"], p["entries"])
        capture = rep["capture"]
        self.assertGreaterEqual(capture["ratio"], 0.95, capture)
        up, us = (undefined(os.path.join(r.dir, "vmlinux")) for r in (plain, shrunk))
        self.assertEqual(sorted(set(us) - set(up)), [],
                         "the shrunk vmlinux has undefined symbols plain lld's lacks")
        # `sysgc report` is scripts/bloat-o-meter, byte for byte, on a real
        # kernel too (the script runs GNU nm on the same two files).
        bom = os.path.join(embedded.CACHE, "src", "linux-source-6.12", "scripts",
                           "bloat-o-meter")
        pv, sv = (os.path.join(r.dir, "vmlinux") for r in (plain, shrunk))
        for opt in ([], ["-c"]):
            want = subprocess.run(["python3", bom] + opt + [pv, sv], capture_output=True,
                                  text=True, check=True).stdout
            got = subprocess.run([SYSGC, "report"] + opt + [pv, sv], capture_output=True,
                                 text=True)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, want, "sysgc report %s differs from bloat-o-meter"
                             % " ".join(opt))
        # Its JSON against llvm-size and llvm-readelf on the same pair.
        got = subprocess.run([SYSGC, "report", "--format=json", pv, sv],
                             capture_output=True, text=True)
        self.assertEqual(got.returncode, 0, got.stderr)
        check_size_json(self, json.loads(got.stdout), (pv, sv))
        removed = p["function_bytes"] - s["function_bytes"]
        self.figures[spec] = self.full_figures(build, full, frep, record, allow, image,
                                               collect, plain, shrunk)
        self.figures[spec].update({
            "mode": rep["mode"],
            "plain": dict(p, image_compressed_bytes=compressed_size(
                os.path.join(plain.dir, image))),
            "shrunk": dict(s, image_compressed_bytes=compressed_size(
                os.path.join(shrunk.dir, image))),
            "removed_function_bytes": removed,
            "removed_percent": round(100.0 * removed / p["function_bytes"], 2),
            "capture": capture,
            "kept_alive": rep["kept_alive"],
            "undefined_symbols": {"plain": len(up), "shrunk": len(us)},
            "relink_seconds": round(shrunk.seconds, 1),
            "allowlist": os.path.basename(allow),
        })

    def full_figures(self, build, full, frep, record, allow, image, collect, plain, shrunk):
        """Checks and figures of the full-mode relink: function, data and
        compressed image bytes of plain / syscall-scoped / full, and the
        capture against the bound."""
        fv = os.path.join(full.dir, "vmlinux")
        if collect:
            with open(fv, "rb") as a, open(os.path.join(shrunk.dir, "vmlinux"), "rb") as b:
                self.assertTrue(a.read() == b.read(),
                                "full mode changed a collect-mode kernel")
        sizes = {}
        for name, r in (("plain", plain), ("syscall", shrunk), ("full", full)):
            sizes[name] = embedded.symbol_bytes(os.path.join(r.dir, "vmlinux"), SYSGC)
            sizes[name]["image_compressed_bytes"] = compressed_size(
                os.path.join(r.dir, image))
        fig = {"sizes": sizes, "full_relink_seconds": round(full.seconds, 1)}
        self.assertEqual(sorted(set(undefined(fv)) -
                                set(undefined(os.path.join(plain.dir, "vmlinux")))), [],
                         "the full-mode vmlinux has undefined symbols plain lld's lacks")
        if collect:
            return {"full": fig}
        sf, ff = (sizes[v]["function_bytes"] for v in ("syscall", "full"))
        self.assertLess(ff, sf)
        self.assertLessEqual(sizes["full"]["object_bytes"], sizes["syscall"]["object_bytes"])
        self.assertLess(sizes["full"]["image_compressed_bytes"],
                        sizes["syscall"]["image_compressed_bytes"])
        # The report's sums are the symbols that left the vmlinux.
        beyond = frep["full"]["beyond_syscall_scoped"]
        self.assertGreater(beyond["removed_function_bytes"], 0)
        self.assertTrue(beyond["by_output_section"])
        # The bound: the recorded vmlinux link again, every back-reference
        # KEEP lifted, lld collecting.
        fig.update(embedded.full_mode_bound(build, record, allow, sizes, sysgc=SYSGC))
        self.assertGreaterEqual(fig["capture_of_bound"], 0.92, fig)
        fig.update({"beyond_syscall_scoped": beyond, "report_capture": frep["capture"]})
        return {"full": fig}

    def test_kernels(self):
        for spec in CONFIGS:
            with self.subTest(config=spec):
                self.check(spec)


if __name__ == "__main__":
    unittest.main()
