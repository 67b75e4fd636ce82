/*
 * arch/x86/entry/vsyscall/vsyscall_64.c: emulate_vsyscall() calls three
 * syscall entries directly, not through the dispatch. They must survive a
 * shrink even when their dispatch slots become -ENOSYS.
 */
#include "mk.h"

extern long __x64_sys_time(const struct pt_regs *);
extern long __x64_sys_gettimeofday(const struct pt_regs *);
extern long __x64_sys_getcpu(const struct pt_regs *);

long emulate_vsyscall(unsigned long nr, struct pt_regs *regs)
{
	MK_UNWIND_HINT();
	switch (nr) {
	case 0:
		return __x64_sys_gettimeofday(regs);
	case 1:
		return __x64_sys_time(regs);
	case 2:
		return __x64_sys_getcpu(regs);
	}
	return -EINVAL;
}
