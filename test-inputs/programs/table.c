/* A data-table dispatcher: the table is the dispatch. */
#include "prog.h"

#define __SYSCALL(nr, name) [nr] = ENTRY(name),
const sys_call_ptr_t sys_call_table[335] = {
  [0 ... 334] = ENTRY(ni_syscall),
#include "syscalls.h"
};
#undef __SYSCALL

__attribute__((noinline)) long dispatch(unsigned nr, const struct regs *r) {
  if (nr >= 335)
    return -38;
  return sys_call_table[nr](r);
}
