/*
 * arch/x86/entry/syscall_64.c, 6.12 style: the sys_call_table array (kept
 * for tracing in the real kernel) and x64_sys_call(), the switch that
 * really dispatches. Built with -fno-jump-tables, as the kernel is.
 */
#include "mk.h"

#define __SYSCALL(nr, sym) extern long __x64_##sym(const struct pt_regs *);
#include "syscalls_64.h"
#undef __SYSCALL
extern long __x64_sys_ni_syscall(const struct pt_regs *);

#define __SYSCALL(nr, sym) [nr] = __x64_##sym,
const sys_call_ptr_t sys_call_table[NR_syscalls] = {
	[0 ... NR_syscalls - 1] = __x64_sys_ni_syscall,
#include "syscalls_64.h"
};
#undef __SYSCALL

#define __SYSCALL(nr, sym) case nr: return __x64_##sym(regs);
long x64_sys_call(const struct pt_regs *regs, unsigned int nr)
{
	switch (nr) {
#include "syscalls_64.h"
	default: return __x64_sys_ni_syscall(regs);
	}
}
