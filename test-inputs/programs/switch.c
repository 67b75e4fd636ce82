/* An x86-style switch dispatcher in a unit of its own (-fno-jump-tables). */
#include "prog.h"

__attribute__((noinline)) long x64_sys_call(const struct regs *r, unsigned nr) {
  switch (nr) {
#define __SYSCALL(nr, name) case nr: return ENTRY(name)(r);
#include "syscalls.h"
#undef __SYSCALL
  default: return ENTRY(ni_syscall)(r);
  }
}

__attribute__((noinline)) long dispatch(unsigned nr, const struct regs *r) {
  return x64_sys_call(r, nr);
}
