#!/usr/bin/env python3
"""Kernel test helpers for the embedded architectures (riscv, arm64, arm).

The end-to-end test builds a kernel once, relinks it through Kbuild with
sysgc's environment, boots it in QEMU with the busybox initramfs and reads
the workload's output. The pieces:

  build(arch, config)          -> build directory (build-kernel.sh, cached)
  initramfs(arch, out, compat) -> the initramfs (mkinitramfs.sh)
  relink(builddir, env, variant) -> Relink: Kbuild's vmlinux links and the
                                  image again (vmlinux deleted first), with
                                  env (SYSGC_ALLOW, ...) and nothing
                                  recompiled; its outputs copied to
                                  builddir/sysgc-VARIANT
  dce_layout(builddir)         -> make variables for relink: link a
                                  retain-mode kernel with its linker script
                                  preprocessed as with
                                  LD_DEAD_CODE_DATA_ELIMINATION (no
                                  --gc-sections), a layout that boots
                                  without sysgc
  boot(arch, image, initramfs) -> the serial output (boot.sh)
  workload(log), probes(lines) -> the workload's lines, the probe results
  expected_enosys(arch, allow, lines) -> the probes that must read -ENOSYS
  allowlist(arch)              -> the workload allowlist of arch
  configs()                    -> the ARCH/CONFIGs to test (CI_CONFIGS,
                                  ALL_CONFIGS, SYSGC_EMBEDDED_CONFIGS)

x86_64 works too (config tiny/rich), but the x86 test is kernel_test.py.

Why dce_layout: with -ffunction-sections and no kernel GC (retain mode:
x86, arm64, riscv and arm without LD_DEAD_CODE_DATA_ELIMINATION) the stock
linker scripts name none of the .text.* sections; lld places them as
orphans after .init.text, the kernel frees them with its init memory and
hangs ("26K kernel code, 1386K init" on riscv tiny). A pass-through
sysgc-ld link is such a kernel: it builds but does not boot. sysgc's own
placement (SYSGC_NORMALIZE_SECTIONS=yes, x86 today) or this layout boot.

Self-test, by hand (builds are cached in /var/cache/sysgc; a cold one takes
minutes):  embedded.py selftest [ARCH/CONFIG...]   (default: configs())
It builds, relinks without an allowlist (sysgc-ld passes through) and
checks that nothing was recompiled; a retain-mode kernel is relinked again
with dce_layout() (a collect-mode one boots as it is); it boots that, checks
the workload ran to its end and every probe line is right, and prints the
times and the image size. --boot-passthrough also boots the pass-through
image of a retain-mode kernel and reports whether it finished.
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("SYSGC_CACHE", "/var/cache/sysgc")
SYSGC_LD = os.environ.get("SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld"))
ARCHES = ("x86_64", "riscv", "arm64", "arm")
# Every embedded config, a base before the collect variant that shares its
# objects through ccache. CI_CONFIGS keeps every architecture and both link
# modes within CI's budget (measured cold, 2 cores, 6.12.118: riscv tiny
# 492 compiles, typical 553, arm tiny 497, arm64 tiny 508, typical 560; a
# collect variant hits ccache for 95 % of its objects); the tiny riscv and
# arm64 builds add two full builds. SYSGC_EMBEDDED_CONFIGS overrides.
ALL_CONFIGS = ("riscv/tiny", "riscv/typical", "riscv/collect", "arm64/tiny", "arm64/typical",
               "arm/tiny", "arm/collect")
CI_CONFIGS = ("riscv/typical", "riscv/collect", "arm64/typical", "arm/tiny", "arm/collect")


def configs(default=CI_CONFIGS):
    """The configs to test: SYSGC_EMBEDDED_CONFIGS (space-separated
    ARCH/CONFIG, or "all") or default."""
    v = os.environ.get("SYSGC_EMBEDDED_CONFIGS")
    if not v:
        return list(default)
    return list(ALL_CONFIGS) if v == "all" else v.split()
ENOSYS, EFAULT = 38, 14

# What a relink may rebuild besides the vmlinux links: the kallsyms objects
# of link-vmlinux.sh and the image wrappers (arm's zImage decompressor
# assembles the compressed kernel, x86's bzImage recompiles what includes
# the new kernel's offsets). Anything else compiled means the command lines
# changed: the relink is not the post-link step it should be.
RELINK_MAY_BUILD = re.compile(
    r"^(\.tmp_vmlinux|arch/[a-z0-9]+/boot/|init/version-timestamp\.o$|\.vmlinux\.)")
KARCH = {"x86_64": "x86", "riscv": "riscv", "arm64": "arm64", "arm": "arm"}
BUILD_STEP = re.compile(r"^  (CC|AS|HOSTCC|HOSTCXX|CPP|LDS|RUSTC)\s+(\S+)", re.M)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" % (
            r.returncode, " ".join(cmd), (r.stdout + r.stderr)[-4000:]))
    return r


def merge_figures(path, figures):
    """Merge figures (config -> dict) into the JSON file at path: the x86
    and the embedded kernel tests each write their own configurations."""
    merged = {}
    if os.path.exists(path):
        with open(path) as f:
            merged = json.load(f)
    merged.update(figures)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(merged, f, indent=1, sort_keys=True)


def allowlist(arch):
    """The workload allowlist measured for arch (gen-allowlist.sh)."""
    if arch == "x86_64":
        return os.path.join(HERE, "busybox-workload.allow")
    return os.path.join(HERE, arch + "-workload.allow")


def build(arch, config, env=None, timeout=7200):
    """Build (or find in the cache) arch/config; return its build directory."""
    e = dict(os.environ, SYSGC_LD=SYSGC_LD, SYSGC_CACHE=CACHE, **(env or {}))
    out = run([os.path.join(HERE, "build-kernel.sh"), "%s/%s" % (arch, config)],
              env=e, timeout=timeout).stdout.strip().splitlines()[-1]
    return out


def _read(builddir, name):
    with open(os.path.join(builddir, name)) as f:
        return f.read()


def arch_of(builddir):
    return _read(builddir, ".sysgc-arch").strip()


def image_path(builddir):
    """The boot image (bzImage, Image or zImage) of a build directory."""
    return os.path.join(builddir, _read(builddir, ".sysgc-image").strip())


def kconfig(builddir):
    return _read(builddir, ".config")


def has_compat(builddir):
    """Does the kernel run a 32-bit compat ABI (ia32, AArch32)?"""
    c = kconfig(builddir)
    return "CONFIG_COMPAT=y" in c or "CONFIG_IA32_EMULATION=y" in c


def initramfs(arch, out, compat=False):
    cmd = [os.path.join(HERE, "mkinitramfs.sh"), out, "--arch", arch]
    run(cmd + (["--with-compat"] if compat else []), env=dict(os.environ, SYSGC_CACHE=CACHE))
    return out


class Relink:
    def __init__(self, log, outdir, seconds, rebuilt):
        self.log, self.dir, self.seconds, self.rebuilt = log, outdir, seconds, rebuilt

    def __repr__(self):
        return "Relink(%s, %.1f s, rebuilt %s)" % (self.dir, self.seconds, self.rebuilt)


def rebuilt_steps(log):
    """The compile steps of a relink's log that a relink must not run."""
    return [m.group(2) for m in BUILD_STEP.finditer(log)
            if not RELINK_MAY_BUILD.match(m.group(2))]


def collect_mode(builddir):
    """Does Kbuild collect garbage itself (LD_DEAD_CODE_DATA_ELIMINATION)?"""
    return "CONFIG_LD_DEAD_CODE_DATA_ELIMINATION=y" in kconfig(builddir)


def dce_layout(builddir):
    """Make variables for relink(): link with the arch's vmlinux.lds
    preprocessed again with -DCONFIG_LD_DEAD_CODE_DATA_ELIMINATION (into
    builddir/sysgc-dce.lds, by the command Kbuild recorded), so that
    TEXT_MAIN, DATA_MAIN, ... name the function and data sections. There
    is no --gc-sections: that comes only with the option itself. Kbuild's
    own vmlinux.lds is untouched and nothing is compiled."""
    karch = KARCH[arch_of(builddir)]
    lds = "arch/%s/kernel/vmlinux.lds" % karch
    cmd = _read(builddir, "arch/%s/kernel/.vmlinux.lds.cmd" % karch).splitlines()[0]
    cmd = cmd.split(" := ", 1)[1].replace("$$", "$")
    cmd = re.sub(r"-Wp,-MMD,\S+", "", cmd)
    if " -o %s " % lds not in cmd:
        raise RuntimeError("unexpected vmlinux.lds command: " + cmd)
    cmd = cmd.replace(" -o %s " % lds, " -DCONFIG_LD_DEAD_CODE_DATA_ELIMINATION -o sysgc-dce.lds ")
    run(["sh", "-c", cmd], cwd=builddir, env=_make_env(builddir, {}))
    return ["KBUILD_LDS=sysgc-dce.lds"]


def _make_env(builddir, env):
    e = {k: v for k, v in os.environ.items() if not k.startswith("SYSGC_")}
    for line in _read(builddir, ".sysgc-env").splitlines():
        k, _, v = line.partition("=")
        e[k] = v
    e.update(env)
    return e


def relink(builddir, env=None, variant=None, make_vars=(), timeout=1800):
    """Redo the vmlinux links (every kallsyms pass) and the image through
    Kbuild, with the make command the build used and env added (SYSGC_*
    variables not in env are dropped) and make_vars (e.g. dce_layout()).
    Raises if the relink compiled anything but what RELINK_MAY_BUILD
    allows. With a variant, vmlinux, the image and the kallsyms passes are
    copied to builddir/sysgc-VARIANT."""
    env = dict(env or {})
    make = _read(builddir, ".sysgc-make").splitlines()
    e = _make_env(builddir, env)
    image = _read(builddir, ".sysgc-image").strip()
    with open(builddir + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        vmlinux = os.path.join(builddir, "vmlinux")
        if os.path.exists(vmlinux):
            os.remove(vmlinux)
        t0 = time.monotonic()
        r = subprocess.run(make + list(make_vars) + [os.path.basename(image)],
                           capture_output=True, text=True,
                           env=e, timeout=timeout)
        seconds = time.monotonic() - t0
        log = r.stdout + r.stderr
        if r.returncode != 0:
            raise RuntimeError("relink of %s failed:\n%s" % (builddir, log[-4000:]))
        rebuilt = rebuilt_steps(log)
        if rebuilt:
            raise RuntimeError("relink of %s recompiled %s" % (builddir, rebuilt[:20]))
        outdir = None
        if variant:
            outdir = os.path.join(builddir, "sysgc-" + variant)
            os.makedirs(outdir, exist_ok=True)
            for f in ("vmlinux", image, ".tmp_vmlinux1", ".tmp_vmlinux2", "System.map"):
                if os.path.exists(os.path.join(builddir, f)):
                    shutil.copy(os.path.join(builddir, f), os.path.join(outdir, os.path.basename(f)))
    return Relink(log, outdir, seconds, rebuilt)


def boot(arch, image, initrd, timeout=240):
    """Boot image with initrd in QEMU; return the serial output."""
    r = subprocess.run([os.path.join(HERE, "boot.sh"), "--arch", arch, image, initrd,
                        str(timeout)], capture_output=True, text=True)
    return r.stdout + r.stderr


def workload(log):
    """The workload's output lines, or None if it did not run to its end."""
    m = re.search(r"SYSGC-WORKLOAD-BEGIN\r?\n(.*?)SYSGC-WORKLOAD-END", log, re.S)
    return [l.rstrip("\r") for l in m.group(1).splitlines()] if m else None


PROBE = re.compile(r"^probe(32|64) (\S+) ret=(-?\d+) errno=(\d+)$")


def probes(lines):
    """{(bits, what): (ret, errno)} for every probe line."""
    out = {}
    for l in lines:
        m = PROBE.match(l)
        if m:
            out[(int(m.group(1)), m.group(2))] = (int(m.group(3)), int(m.group(4)))
    return out


def _allowed(allow):
    names = set()
    with open(allow) as f:
        for l in f:
            l = l.split("#")[0].strip()
            if l:
                names.add(l)
    return names


def expected_enosys(arch, allow, lines):
    """The probes of lines ("removed-NAME") whose syscall the allowlist
    lacks: on a kernel shrunk with allow they must read errno 38, on the
    plain one they must not. 32-bit probes of a 64-bit kernel look NAME up
    with the compat ABI's prefix (ia32: on x86-64, compat: on arm64)."""
    names = _allowed(allow)
    prefix = {"x86_64": "ia32:", "arm64": "compat:"}.get(arch, "")
    out = set()
    for bits, what in probes(lines):
        if not what.startswith("removed-"):
            continue
        name = what[len("removed-"):]
        key = prefix + name if bits == 32 and prefix else name
        if key not in names:
            out.add((bits, what))
    return out


def check_probes(lines, expect_enosys=()):
    """Errors in a boot's probe lines: bad pointers must give -EFAULT, the
    good calls (uname, getpid) succeed, expect_enosys read -ENOSYS and no
    other probe -ENOSYS."""
    errors = []
    p = probes(lines)
    if not p:
        return ["no probe lines"]
    for (bits, what), (ret, err) in sorted(p.items()):
        if what.endswith("-bad-pointer"):
            ok = (ret, err) == (-1, EFAULT)
        elif (bits, what) in expect_enosys:
            ok = (ret, err) == (-1, ENOSYS)
        elif what.startswith("removed-"):
            # (times() is a clock_t: negative on 32-bit after boot, errno 0)
            ok = err != ENOSYS
        else:
            ok = (ret, err) == (0, 0)
        if not ok:
            errors.append("probe%d %s ret=%d errno=%d" % (bits, what, ret, err))
    return errors


# ------------------------------------------------------ whole-kernel bound

# The back-reference tables of the four architectures (DESIGN.md): arrays
# whose entries point into functions and that the kernel's scripts KEEP, so
# that with --gc-sections they alone keep every function alive. Only the
# measurement below uses this list; full mode derives its roots from the
# link (sysgc-ld --sysgc-gc=full).
BACKREF_TABLES = (
    "__ex_table", "__bug_table", "__jump_table", ".altinstructions", ".alternative",
    ".static_call_sites", ".ibt_endbr_seal", ".orc_unwind_ip", ".orc_unwind",
    ".orc_header", ".retpoline_sites", ".return_sites", ".call_sites", "__mcount_loc",
    "__patchable_function_entries", ".pv_table", ".smp_locks", "runtime_ptr_*",
    "runtime_shift_*", ".eh_frame")
_KEEP = re.compile(r"KEEP\s*\(\s*\*\s*\(\s*([^()]*?)\s*\)\s*\)")


def lift_backref_keeps(script):
    """script with KEEP(*(T)) turned into *(T) for every back-reference
    table T (and the number of KEEPs lifted)."""
    n = [0]

    def lift(m):
        pats = m.group(1).split()
        if pats and all(p in BACKREF_TABLES for p in pats):
            n[0] += 1
            return "*(%s)" % m.group(1)
        return m.group(0)
    return _KEEP.sub(lift, script), n[0]


def recorded_links(record):
    """The links SYSGC_RECORD=record wrote: [{"cwd", "args"}], in order."""
    with open(record) as f:
        return [json.loads(l) for l in f if l.strip()]


def bound_link(link, allow, out, sysgc_ld=None):
    """The measurement-only upper bound of whole-kernel collection, never
    booted: the recorded vmlinux link (an item of recorded_links) linked
    again with --gc-sections and its script's back-reference KEEPs lifted,
    so that lld's own marker, from the script's other KEEPs and the entry
    alone, drops every section nothing else reaches; sysgc-ld takes the
    allowlist's syscalls out of the dispatch first (a --gc-sections link
    is a collect-mode link: lld collects). Returns out."""
    args, cwd = list(link["args"]), link["cwd"]
    new, i, lifted = [], 0, 0

    def lifted_script(path):
        with open(os.path.join(cwd, path)) as f:
            text, n = lift_backref_keeps(f.read())
        with open(out + ".lds", "w") as f:
            f.write(text)
        return out + ".lds", n
    while i < len(args):
        a = args[i]
        if a in ("-T", "--script") and i + 1 < len(args):
            lds, lifted = lifted_script(args[i + 1])
            new += [a, lds]
            i += 2
            continue
        if a.startswith("--script="):
            lds, lifted = lifted_script(a.split("=", 1)[1])
            new.append("--script=" + lds)
            i += 1
            continue
        if a.startswith("-T") and len(a) > 2:
            lds, lifted = lifted_script(a[2:])
            new.append("-T" + lds)
            i += 1
            continue
        if a == "-o":
            new += ["-o", out]
            i += 2
            continue
        new.append(a)
        i += 1
    if not lifted:
        raise RuntimeError("no back-reference KEEP to lift in the link's script")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYSGC_")}
    env.update(SYSGC_ALLOW=allow, SYSGC_NORMALIZE_SECTIONS="yes",
               SYSGC_UNKNOWN_TABLES="warn", SYSGC_CACHE_DIR="off", SYSGC_QUIET="1")
    run([sysgc_ld or SYSGC_LD] + new + ["--gc-sections"], cwd=cwd, env=env)
    return out


def symbol_bytes(vmlinux, sysgc=None):
    """Function and data bytes (sized FUNC and OBJECT symbols) of vmlinux."""
    tool = sysgc or os.path.join(ROOT, "build/tools/sysgc/sysgc")
    syms = json.loads(run([tool, "symbols", "--json", vmlinux]).stdout)
    return {"function_bytes": sum(s["size"] for s in syms if s["kind"] == "function"),
            "object_bytes": sum(s["size"] for s in syms if s["kind"] == "object")}


def capture(plain, full, bound):
    """How much of the bound full mode removed: (plain - full) / (plain -
    bound), on function bytes."""
    return round((plain - full) / float(plain - bound), 4) if plain > bound else 1.0


def full_mode_bound(builddir, record, allow, sizes, sysgc_ld=None, sysgc=None):
    """The bound of the full-mode relink recorded in record (its last link,
    the final vmlinux) and how close full mode came, from sizes = {"plain",
    "syscall", "full": symbol_bytes()}: bound_function_bytes,
    capture_of_bound and the removed percentages."""
    links = recorded_links(record)
    if not links:
        raise RuntimeError(record + ": no link recorded")
    bound = bound_link(links[-1], allow, os.path.join(builddir, "sysgc-bound.vmlinux"),
                       sysgc_ld)
    bf = symbol_bytes(bound, sysgc)["function_bytes"]
    pf, sf, ff = (sizes[v]["function_bytes"] for v in ("plain", "syscall", "full"))
    pct = lambda b: round(100.0 * (pf - b) / pf, 2)
    return {"bound_function_bytes": bf, "capture_of_bound": capture(pf, ff, bf),
            "removed_function_percent": {"syscall": pct(sf), "full": pct(ff), "bound": pct(bf)}}


# ---------------------------------------------------------------- self-test

def _selftest_parsers():
    log = ("[    0.1] boot\r\nSYSGC-WORKLOAD-BEGIN\r\n== probe\r\n"
           "probe64 removed-sysinfo ret=-1 errno=38\r\nprobe64 removed-times ret=1 errno=0\r\n"
           "probe64 write-bad-pointer ret=-1 errno=14\r\nprobe32 removed-fcntl64 ret=0 errno=0\r\n"
           "SYSGC-WORKLOAD-END\r\n")
    lines = workload(log)
    assert lines[0] == "== probe", lines
    p = probes(lines)
    assert p[(64, "removed-sysinfo")] == (-1, 38) and p[(32, "removed-fcntl64")] == (0, 0), p
    assert workload("SYSGC-WORKLOAD-BEGIN\nno end") is None
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".allow", delete=False) as f:
        f.write("# c\ntimes\nfcntl64\ncompat:fcntl64\n")
    try:
        assert expected_enosys("riscv", f.name, lines) == {(64, "removed-sysinfo")}
        assert expected_enosys("arm64", f.name, lines) == {(64, "removed-sysinfo")}
        assert expected_enosys("x86_64", f.name, lines) == {
            (64, "removed-sysinfo"), (32, "removed-fcntl64")}
    finally:
        os.unlink(f.name)
    assert check_probes(lines, {(64, "removed-sysinfo")}) == []
    assert check_probes(lines) == ["probe64 removed-sysinfo ret=-1 errno=38"]
    assert rebuilt_steps("  CC      kernel/fork.o\n  AS      .tmp_vmlinux1.kallsyms.o\n"
                         "  AS      arch/arm/boot/compressed/piggy.o\n") == ["kernel/fork.o"]


def selftest(specs, boot_passthrough=False):
    _selftest_parsers()
    print("parsers ok")
    failed = 0
    for spec in specs:
        arch, config = spec.split("/", 1)
        t0 = time.monotonic()
        d = build(arch, config)
        built = time.monotonic() - t0
        irf = initramfs(arch, os.path.join(d, "sysgc-initramfs.cpio.gz"), has_compat(d))
        name = os.path.basename(image_path(d))
        rl = relink(d, {}, variant="passthrough")
        relinked = rl.seconds
        notes = []
        if boot_passthrough and not collect_mode(d):
            log = boot(arch, os.path.join(rl.dir, name), irf, timeout=120)
            notes.append("pass-through image %s" % (
                "finished its workload" if workload(log) else "did not finish its workload"))
        if not collect_mode(d):
            rl = relink(d, {}, variant="dce-layout", make_vars=dce_layout(d))
            notes.append("booted with dce_layout()")
        img = os.path.join(rl.dir, name)
        t0 = time.monotonic()
        log = boot(arch, img, irf)
        booted = time.monotonic() - t0
        with open(os.path.join(rl.dir, "boot.log"), "w") as f:
            f.write(log)
        lines = workload(log)
        errors = []
        if lines is None:
            errors.append("workload did not finish:\n" + log[-2000:])
        else:
            errors += check_probes(lines)
            n = sum(1 for l in lines if PROBE.match(l))
            expect = 6 + (arch == "arm") + (7 if has_compat(d) else 0)
            if n != expect:
                errors.append("%d probe lines, expected %d" % (n, expect))
        secs = _read(d, ".sysgc-build-seconds").strip() if os.path.exists(
            os.path.join(d, ".sysgc-build-seconds")) else "?"
        print("%-14s %s\n  build %s s (this call %.0f s), relink %.1f s, %s %d B, "
              "boot %.1f s: %s" % (spec, d, secs, built, relinked, name, os.path.getsize(img),
                                   booted, "ok" if not errors else "FAILED"))
        for n in notes:
            print("  " + n)
        for e in errors:
            print("  " + e)
        failed += bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "selftest":
        args = sys.argv[2:] or configs()
        bp = "--boot-passthrough" in args
        sys.exit(selftest([a for a in args if a != "--boot-passthrough"], bp))
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        print(build(*sys.argv[2].split("/", 1)))
        sys.exit(0)
    print(__doc__)
    sys.exit(2)
