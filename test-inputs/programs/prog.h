/* Shared declarations of the test programs. */
#ifndef PROG_H
#define PROG_H
#ifdef __cplusplus
extern "C" {
#endif
struct regs { long a0, a1; };
typedef long (*sys_call_ptr_t)(const struct regs *);
#ifdef PLAIN_NAMES
#define ENTRY(name) sys_##name
#else
#define ENTRY(name) __x64_sys_##name
#endif
#define __SYSCALL(nr, name) long ENTRY(name)(const struct regs *);
#include "syscalls.h"
#undef __SYSCALL
long ENTRY(ni_syscall)(const struct regs *);
long dispatch(unsigned nr, const struct regs *r);
/* Called by the kept syscall "getpid": throws through the dispatcher. */
void throw_from_syscall(long v);
#ifdef __cplusplus
}
#endif
#endif
