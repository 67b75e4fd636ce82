/*
 * mk.h - the mini kernel's "kernel headers".
 *
 * The mini kernel is an ordinary x86-64 Linux program shaped like vmlinux:
 * syscalls defined with SYSCALL_DEFINEx (entry symbols __x64_sys_*), a data
 * dispatch table and an x86-style switch dispatcher, uaccess helpers that
 * leave __ex_table entries, and ORC-like parallel unwind tables. sysgc-ld
 * links it; the program then checks its own tables and dispatches every
 * syscall number through both dispatchers.
 */
#ifndef MK_H
#define MK_H

typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long u64;

#define EFAULT 14
#define EBADF 9
#define EINVAL 22
#define ENOSYS 38
#define NR_syscalls 463

#ifndef MK_UNIT
#define MK_UNIT 0
#endif

struct pt_regs {
	long di, si, dx, r10, r8, r9;
};

typedef long (*sys_call_ptr_t)(const struct pt_regs *);

/* A cookie unique to one source location, as an assembler immediate. */
#define MK_COOKIE (0x4d000000 | ((MK_UNIT & 0xff) << 16) | ((__LINE__ & 0xff) << 8) | (__COUNTER__ & 0xff))

/*
 * ORC-like unwind hint: a marker instruction carrying a cookie, an entry in
 * .orc_unwind_ip pointing at it and the parallel 6-byte .orc_unwind entry
 * holding the same cookie. The self-check reads both back.
 */
#define MK_UNWIND_HINT()                                                       \
	asm volatile("661: nopl %c0(%%rax)\n\t"                                \
		     ".pushsection .orc_unwind_ip,\"a\"\n\t"                   \
		     ".balign 4\n\t"                                           \
		     ".long 661b - .\n\t"                                      \
		     ".popsection\n\t"                                         \
		     ".pushsection .orc_unwind,\"a\"\n\t"                      \
		     ".balign 2\n\t"                                           \
		     ".long %c0\n\t"                                           \
		     ".short 0x5a5a\n\t"                                       \
		     ".popsection" ::"i"(MK_COOKIE))

/*
 * Fault-checked user access, as the kernel's get_user/put_user: the access
 * is preceded by a cookie-carrying marker, and an __ex_table entry
 * { insn, fixup, cookie } lets the SIGSEGV handler resume at the fixup
 * with -EFAULT in %rax.
 */
#define get_user(x, ptr)                                                      \
	({                                                                     \
		long __err;                                                    \
		unsigned long __val;                                           \
		asm volatile("xorl %k0, %k0\n\t"                               \
			     "nopl %c3(%%rax)\n"                               \
			     "662:\tmovzbl (%2), %k1\n"                         \
			     "663:\n\t"                                         \
			     ".pushsection __ex_table,\"a\"\n\t"               \
			     ".balign 4\n\t"                                   \
			     ".long 662b - ., 663b - ., %c3\n\t"                 \
			     ".popsection"                                     \
			     : "=&a"(__err), "=&r"(__val)                      \
			     : "r"(ptr), "i"(MK_COOKIE)                         \
			     : "memory");                                      \
		(x) = (u8)__val;                                               \
		__err;                                                         \
	})

#define put_user(x, ptr)                                                      \
	({                                                                     \
		long __err;                                                    \
		asm volatile("xorl %k0, %k0\n\t"                               \
			     "nopl %c3(%%rax)\n"                               \
			     "662:\tmovb %b1, (%2)\n"                           \
			     "663:\n\t"                                         \
			     ".pushsection __ex_table,\"a\"\n\t"               \
			     ".balign 4\n\t"                                   \
			     ".long 662b - ., 663b - ., %c3\n\t"                 \
			     ".popsection"                                     \
			     : "=&a"(__err)                                    \
			     : "q"((u8)(x)), "r"(ptr), "i"(MK_COOKIE)           \
			     : "memory");                                      \
		__err;                                                         \
	})

/*
 * Always inlined, as the kernel's are: every caller gets its own __ex_table
 * entries, owned by the caller's function section.
 */
static inline __attribute__((always_inline)) long
copy_to_user(void *to, const void *from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (put_user(((const u8 *)from)[i], (u8 *)to + i))
			return -EFAULT;
	return 0;
}

static inline __attribute__((always_inline)) long
copy_from_user(void *to, const void *from, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		u8 c;
		if (get_user(c, (const u8 *)from + i))
			return -EFAULT;
		((u8 *)to)[i] = c;
	}
	return 0;
}

/* SYSCALL_DEFINEx: __x64_sys_NAME(regs) unpacks the registers. */
#define __SYSCALL_ENTRY(name)                                                  \
	long __x64_sys_##name(const struct pt_regs *regs);                     \
	long __x64_sys_##name(const struct pt_regs *regs)

#define SYSCALL_DEFINE0(name)                                                  \
	static long __do_sys_##name(void);                                     \
	__SYSCALL_ENTRY(name)                                                  \
	{                                                                      \
		MK_UNWIND_HINT();                                              \
		(void)regs;                                                    \
		return __do_sys_##name();                                      \
	}                                                                      \
	static long __do_sys_##name(void)
#define SYSCALL_DEFINE1(name, t1, a1)                                          \
	static long __do_sys_##name(t1 a1);                                    \
	__SYSCALL_ENTRY(name)                                                  \
	{                                                                      \
		MK_UNWIND_HINT();                                              \
		return __do_sys_##name((t1)regs->di);                          \
	}                                                                      \
	static long __do_sys_##name(t1 a1)
#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)                                  \
	static long __do_sys_##name(t1 a1, t2 a2);                             \
	__SYSCALL_ENTRY(name)                                                  \
	{                                                                      \
		MK_UNWIND_HINT();                                              \
		return __do_sys_##name((t1)regs->di, (t2)regs->si);            \
	}                                                                      \
	static long __do_sys_##name(t1 a1, t2 a2)
#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)                          \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3);                      \
	__SYSCALL_ENTRY(name)                                                  \
	{                                                                      \
		MK_UNWIND_HINT();                                              \
		return __do_sys_##name((t1)regs->di, (t2)regs->si,             \
				       (t3)regs->dx);                          \
	}                                                                      \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3)

/* sys_ni.c: a weak stub for a syscall that may be configured out. */
#define COND_SYSCALL(name)                                                     \
	__attribute__((weak)) long __x64_sys_##name(const struct pt_regs *regs) \
	{                                                                      \
		(void)regs;                                                    \
		return -ENOSYS;                                                \
	}

#define noinline __attribute__((noinline))

/* printk.c */
void mk_puts(const char *s);
void mk_putl(long v);
void mk_exit(int code) __attribute__((noreturn));
long mk_raw_syscall4(long nr, long a, long b, long c, long d);

/* lib.a */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
u32 jhash(const void *key, u32 length, u32 initval);

/* Shared helpers of the "kernel". */
long fdget(long fd);
long path_lookup(const char *name, long flags);
long getname(const char *user_name, char *kbuf, size_t n);
u64 ktime_get(void);
long vfs_account(long fd, long bytes);

/* Dispatch. */
extern const sys_call_ptr_t sys_call_table[NR_syscalls];
long x64_sys_call(const struct pt_regs *regs, unsigned int nr);
long emulate_vsyscall(unsigned long nr, struct pt_regs *regs);

/* Fault handling and self checks (arch/extable.c). */
void mk_install_fault_handler(void);
int mk_check_ex_table(void);
int mk_check_unwind(void);

#endif
