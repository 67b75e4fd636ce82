/*
 * kernel/sys_ni.c: sys_ni_syscall and weak stubs for syscalls that may be
 * configured out. socket has a strong implementation in net/socket.c that
 * overrides its stub; kexec_load and bpf have none.
 */
#include "mk.h"

long __x64_sys_ni_syscall(const struct pt_regs *regs);
long __x64_sys_ni_syscall(const struct pt_regs *regs)
{
	(void)regs;
	return -ENOSYS;
}

COND_SYSCALL(kexec_load)
COND_SYSCALL(bpf)
COND_SYSCALL(socket)
