/* The table an x86 kernel keeps for tracing: in a config without tracing
 * nothing reads it, and a --gc-sections link rightly drops it. */
#include "prog.h"

#define __SYSCALL(nr, name) [nr] = ENTRY(name),
const sys_call_ptr_t sys_call_table[335] = {
  [0 ... 334] = ENTRY(ni_syscall),
#include "syscalls.h"
};
#undef __SYSCALL
