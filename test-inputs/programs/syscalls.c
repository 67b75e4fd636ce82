/* Syscall bodies: each calls helpers only it uses, and one shared helper. */
#include "prog.h"

__attribute__((noinline)) long shared_helper(long x) { return x * 3 + 1; }

#define EXCLUSIVE(name, k)                                                    \
  __attribute__((noinline)) static long name##_helper2(long x) {              \
    volatile long v = x;                                                      \
    return v * k + 7;                                                         \
  }                                                                           \
  __attribute__((noinline)) long name##_helper(long x) {                      \
    return name##_helper2(x) ^ shared_helper(x);                              \
  }

EXCLUSIVE(read, 11)
EXCLUSIVE(write, 13)
EXCLUSIVE(uname, 17)
EXCLUSIVE(sync, 19)
EXCLUSIVE(clock, 23)

long ENTRY(ni_syscall)(const struct regs *r) { (void)r; return -38; }
long ENTRY(read)(const struct regs *r) { return read_helper(r->a0) & 0xff; }
long ENTRY(write)(const struct regs *r) { return write_helper(r->a0) & 0xff; }
long ENTRY(getpid)(const struct regs *r) {
  if (r->a1)
    throw_from_syscall(r->a0);
  return 4242;
}
long ENTRY(exit)(const struct regs *r) { return r->a0 + 1000; }
long ENTRY(exit_group)(const struct regs *r) { return r->a0 + 2000; }
long ENTRY(newuname)(const struct regs *r) { return uname_helper(r->a0) & 0xff; }
long ENTRY(sync)(const struct regs *r) { return sync_helper(r->a0) & 0xff; }
long ENTRY(clock_gettime)(const struct regs *r) { return clock_helper(r->a0) & 0xff; }
