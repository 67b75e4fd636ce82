#!/usr/bin/env python3
"""Damaged copies of an object, as an outside tester makes them.

Each copy is the original with either a few bytes flipped or the file cut
short, chosen by a seeded generator: copy N of seed S is the same bytes on
every machine and every run. Also builds the small standalone kernel-like
object the damage is usually applied to (a `sys_call_table`, an x86-style
`x64_sys_call` switch and a few `__x64_sys_*` entries).

  damage.py small OUTDIR             build small.o and small.allow in OUTDIR
  damage.py copies OBJ OUTDIR [N] [SEED]
                                     write N (200) damaged copies of OBJ

unittests/Integration/robustness_test.py (DamagedInputs) links them.
"""
import argparse
import os
import random
import subprocess
import sys

CC = os.environ.get("MK_CC", "clang-22")

SMALL_C = r"""
/* A tiny kernel-shaped object: a data dispatch table, a switch dispatcher
 * in the 6.12 x86 style and six syscall entries (two of them removed by
 * small.allow), each in its own section. */
struct pt_regs { long di, si, dx; };
#define SYSCALL __attribute__((noinline, used))
typedef long (*sys_call_ptr_t)(const struct pt_regs *);
static volatile long sink;
SYSCALL long __x64_sys_ni_syscall(const struct pt_regs *r) { return -38; }
SYSCALL long __x64_sys_read(const struct pt_regs *r) { sink = r->di; return 0; }
SYSCALL long __x64_sys_write(const struct pt_regs *r) { sink = r->si; return r->dx; }
SYSCALL long __x64_sys_open(const struct pt_regs *r) { sink += 3; return 3; }
SYSCALL long __x64_sys_close(const struct pt_regs *r) { sink -= 3; return 0; }
SYSCALL long __x64_sys_getpid(const struct pt_regs *r) { return 1; }
SYSCALL long __x64_sys_exit_group(const struct pt_regs *r) { for (;;) sink = r->di; }
const sys_call_ptr_t sys_call_table[64] = {
  [0 ... 63] = __x64_sys_ni_syscall,
  [0] = __x64_sys_read, [1] = __x64_sys_write, [2] = __x64_sys_open,
  [3] = __x64_sys_close, [39] = __x64_sys_getpid, [60] = __x64_sys_exit_group,
};
long x64_sys_call(const struct pt_regs *regs, unsigned int nr) {
  switch (nr) {
  case 0: return __x64_sys_read(regs);
  case 1: return __x64_sys_write(regs);
  case 2: return __x64_sys_open(regs);
  case 3: return __x64_sys_close(regs);
  case 39: return __x64_sys_getpid(regs);
  case 60: return __x64_sys_exit_group(regs);
  default: return __x64_sys_ni_syscall(regs);
  }
}
char msg[] = "hello";
void _start(void) {
  struct pt_regs r = { 0, (long)msg, 5 };
  for (unsigned nr = 0; nr < 64; ++nr)
    sink += x64_sys_call(&r, nr) + sys_call_table[nr](&r);
  __x64_sys_exit_group(&r);
}
"""
SMALL_ALLOW = ("read\nwrite\nopenat\nmmap\nexecve\nexit_group\nclone\nwait4\n"
               "rt_sigreturn\ngetpid\n")
SMALL_CFLAGS = ["--target=x86_64-linux-gnu", "-O2", "-ffreestanding",
                "-fno-builtin", "-fno-pic", "-fno-pie", "-fno-jump-tables",
                "-fno-asynchronous-unwind-tables", "-ffunction-sections",
                "-fdata-sections", "-fno-addrsig", "-Wno-initializer-overrides"]


def small_link_args(obj, out):
    """ld.lld arguments linking the small object alone."""
    return ["-m", "elf_x86_64", "-static", "-nostdlib", "-o", out, obj]


def build_small(outdir):
    """Compile small.o into outdir; returns (object, allowlist) paths."""
    os.makedirs(outdir, exist_ok=True)
    src = os.path.join(outdir, "small.c")
    obj = os.path.join(outdir, "small.o")
    allow = os.path.join(outdir, "small.allow")
    with open(src, "w") as f:
        f.write(SMALL_C)
    with open(allow, "w") as f:
        f.write(SMALL_ALLOW)
    subprocess.run([CC] + SMALL_CFLAGS + ["-c", src, "-o", obj], check=True)
    return obj, allow


def damage(data, rng):
    """One damaged copy of data: (bytes, what was done)."""
    data = bytearray(data)
    if rng.random() < 0.2:
        # Truncated: anywhere, but not before the ELF header's end (a
        # shorter file is refused up front by everyone).
        cut = rng.randrange(64, len(data))
        return bytes(data[:cut]), "truncated to %d" % cut
    flips = []
    for _ in range(rng.randint(1, 8)):
        pos = rng.randrange(len(data))
        bit = rng.randrange(8)
        data[pos] ^= 1 << bit
        flips.append("%#x.%d" % (pos, bit))
    return bytes(data), "flipped " + " ".join(flips)


def copies(obj, outdir, count=200, seed=1):
    """Write count damaged copies of obj into outdir; returns
    [(path, what)], the same files for the same (obj bytes, count, seed)."""
    with open(obj, "rb") as f:
        data = f.read()
    os.makedirs(outdir, exist_ok=True)
    base = os.path.splitext(os.path.basename(obj))[0]
    made = []
    for i in range(count):
        rng = random.Random("%d:%d" % (seed, i))
        bad, what = damage(data, rng)
        path = os.path.join(outdir, "%s-%03d.o" % (base, i))
        with open(path, "wb") as f:
            f.write(bad)
        made.append((path, what))
    return made


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("small")
    s.add_argument("outdir")
    c = sub.add_parser("copies")
    c.add_argument("obj")
    c.add_argument("outdir")
    c.add_argument("count", nargs="?", type=int, default=200)
    c.add_argument("seed", nargs="?", type=int, default=1)
    a = p.parse_args()
    if a.cmd == "small":
        print(*build_small(a.outdir))
    else:
        for path, what in copies(a.obj, a.outdir, a.count, a.seed):
            print(path, what)


if __name__ == "__main__":
    sys.exit(main())
