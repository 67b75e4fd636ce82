#!/usr/bin/env python3
"""Build, link and run the mini kernel.

The mini kernel's sources are compiled with clang-22 and function/data
sections, packed like Kbuild packs a kernel (a thin archive of the built-in
objects, a separate version object, a lazily searched lib.a), and linked
into an ordinary x86-64 program by the linker under test.

  mk.py build OUTDIR                      compile and archive
  mk.py user ROOTDIR                      the userspace (user/init.c, static
                                          against the host's glibc) as
                                          ROOTDIR/sbin/init, for sysgc scan --root
  mk.py link OUTDIR VARIANT LINKER OUT [ARGS...]
                                          link; VARIANT is one of
                                          archive  (thin archive, like 6.12 arm64/riscv)
                                          vmlinux  (an ld -r vmlinux.o, like x86 with IBT)
                                          gc       (archive, --gc-sections, like riscv DCE)
  mk.py run PROGRAM                       run it; prints its output, exits with its status
  mk.py parse PROGRAM                     run it and print the parsed results as JSON
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CC = os.environ.get("MK_CC", "clang-22")
AR = os.environ.get("MK_AR", "llvm-ar-22")
LLD = os.environ.get("MK_LLD", "ld.lld-22")

BUILTIN = [
    "arch/head.S", "arch/syscall_64.c", "arch/vsyscall.c", "arch/extable.c",
    "kernel/printk.c", "kernel/sys_ni.c", "kernel/sys.c",
    "kernel/time.c", "kernel/cpu.c", "kernel/futex.c", "fs/file.c",
    "fs/read_write.c", "fs/namei.c", "fs/open.c", "fs/stat.c", "fs/fcntl.c",
    "net/socket.c", "mm/mmap.c", "init/main.c",
]
LIB = ["lib/string.c", "lib/jhash.c"]
EXTRA = ["init/version.c"]
# The userspace whose syscalls the demo keeps: an ordinary hosted program.
USER_SRC = "user/init.c"
USER_CFLAGS = ["--target=x86_64-linux-gnu", "-O2", "-static", "-Wall", "-Werror"]

CFLAGS = [
    "--target=x86_64-linux-gnu", "-O2", "-ffreestanding", "-fno-builtin",
    "-fno-stack-protector", "-fno-pic", "-fno-pie",
    "-fno-asynchronous-unwind-tables", "-fno-unwind-tables",
    "-ffunction-sections", "-fdata-sections", "-fno-jump-tables",
    "-fno-addrsig", "-Wall", "-Werror", "-Wno-unused-function",
    "-Wno-initializer-overrides",
    "-I" + os.path.join(HERE, "include"),
]


def run(cmd, **kw):
    r = subprocess.run(cmd, **kw)
    if r.returncode != 0:
        sys.exit("mk.py: command failed (%d): %s" % (r.returncode, " ".join(cmd)))
    return r


def obj(outdir, src):
    return os.path.join(outdir, os.path.splitext(src)[0] + ".o")


def build(outdir):
    outdir = os.path.abspath(outdir)
    for unit, src in enumerate(BUILTIN + LIB + EXTRA):
        o = obj(outdir, src)
        os.makedirs(os.path.dirname(o), exist_ok=True)
        run([CC] + CFLAGS + ["-DMK_UNIT=%d" % (unit + 1), "-c",
                             os.path.join(HERE, src), "-o", o])
    for a in ("built-in.a", "lib.a"):
        if os.path.exists(os.path.join(outdir, a)):
            os.remove(os.path.join(outdir, a))
    # Kbuild: a thin archive of the built-in objects (vmlinux.a) ...
    run([AR, "rcsT", os.path.join(outdir, "built-in.a")] +
        [obj(outdir, s) for s in BUILTIN])
    # ... a regular, lazily searched library (lib/lib.a) ...
    run([AR, "rcs", os.path.join(outdir, "lib.a")] + [obj(outdir, s) for s in LIB])
    # ... and, for x86 with IBT, one relocatable vmlinux.o made by ld -r.
    run([LLD, "-r", "-o", os.path.join(outdir, "vmlinux.o"),
         "--whole-archive", os.path.join(outdir, "built-in.a")])


def user(rootdir):
    """Build the userspace into rootdir (a root filesystem for sysgc scan
    --root): rootdir/sbin/init. Returns its path."""
    exe = os.path.join(os.path.abspath(rootdir), "sbin", "init")
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    run([CC] + USER_CFLAGS + [os.path.join(HERE, USER_SRC), "-o", exe])
    return exe


def link_args(outdir, variant, out):
    outdir = os.path.abspath(outdir)
    base = ["-m", "elf_x86_64", "-static", "-nostdlib", "-z", "noexecstack",
            "-T", os.path.join(HERE, "mini.lds"), "-o", out]
    if variant == "vmlinux":
        ins = [os.path.join(outdir, "vmlinux.o")]
    else:
        ins = ["--whole-archive", os.path.join(outdir, "built-in.a"),
               "--no-whole-archive"]
    ins += [obj(outdir, "init/version.c"), os.path.join(outdir, "lib.a")]
    if variant == "gc":
        base.append("--gc-sections")
    elif variant not in ("archive", "vmlinux"):
        sys.exit("mk.py: unknown variant " + variant)
    return base + ins


def link(outdir, variant, linker, out, extra=()):
    cmd = [linker] + link_args(outdir, variant, out) + list(extra)
    return subprocess.run(cmd, capture_output=True, text=True)


def parse(output):
    """The program's lines as {'syscall': {nr: (table, switch)}, ...}."""
    res = {"syscall": {}, "efault": {}, "vsyscall": {}, "selfcheck": None,
           "extable": None, "unwind": None, "fail": []}
    for line in output.splitlines():
        parts = line.split()
        if not parts:
            continue
        kv = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        if parts[0] == "syscall":
            res["syscall"][int(kv["nr"])] = [int(kv["table"]), int(kv["switch"])]
        elif parts[0] in ("efault", "vsyscall"):
            res[parts[0]][int(kv["nr"])] = int(kv["ret"])
        elif parts[0] == "selfcheck":
            res["selfcheck"] = int(kv["bad"])
        elif parts[0] in ("extable", "unwind"):
            res[parts[0]] = int(kv["entries"])
            res[parts[0] + "_sorted"] = int(kv["sorted"])
        elif parts[0] == "FAIL":
            res["fail"].append(line)
    return res


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "build":
        build(sys.argv[2])
    elif cmd == "user":
        print(user(sys.argv[2]))
    elif cmd == "link":
        outdir, variant, linker, out = sys.argv[2:6]
        r = link(outdir, variant, linker, out, sys.argv[6:])
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        sys.exit(r.returncode)
    elif cmd == "run":
        r = subprocess.run([os.path.abspath(sys.argv[2])])
        sys.exit(r.returncode)
    elif cmd == "parse":
        r = subprocess.run([os.path.abspath(sys.argv[2])], capture_output=True, text=True)
        res = parse(r.stdout)
        res["exit"] = r.returncode
        print(json.dumps(res, indent=1, sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
