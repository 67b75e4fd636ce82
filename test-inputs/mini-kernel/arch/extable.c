/*
 * Fault fixups and the self-check of the back-reference tables.
 *
 * __ex_table is searched like the kernel's search_exception_tables():
 * binary search when the table is sorted (the kernel sorts it at build time
 * with scripts/sorttable, which the mini kernel has not), a linear scan
 * otherwise. A stale table makes a fault unrecoverable and the program
 * dies. The checks prove every entry points at the marker instruction that
 * created it and that .orc_unwind stays in step with .orc_unwind_ip, and
 * print whether each table is sorted (an `ld -r` merge of same-named
 * sections can leave a plain link unsorted, as in the real kernel).
 */
#include "mk.h"

struct exception_table_entry {
	int insn, fixup, data;
};
struct orc_entry {
	u32 cookie;
	unsigned short flags;
} __attribute__((packed));

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];
extern const int __start_orc_unwind_ip[], __stop_orc_unwind_ip[];
extern const struct orc_entry __start_orc_unwind[], __stop_orc_unwind[];
extern const char __ehdr_start[], etext[];
extern void mk_restorer(void);

static unsigned long ex_insn(const struct exception_table_entry *e)
{
	return (unsigned long)&e->insn + e->insn;
}

static int ex_sorted;

static const struct exception_table_entry *search_extable(unsigned long ip)
{
	const struct exception_table_entry *lo = __start___ex_table;
	if (!ex_sorted) {
		for (; lo < __stop___ex_table; lo++)
			if (ex_insn(lo) == ip)
				return lo;
		return 0;
	}
	const struct exception_table_entry *hi = __stop___ex_table;
	while (lo < hi) {
		const struct exception_table_entry *mid = lo + (hi - lo) / 2;
		unsigned long a = ex_insn(mid);
		if (a == ip)
			return mid;
		if (a < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void mk_sigsegv(int sig, void *info, void *uc)
{
	/* ucontext_t: uc_mcontext.gregs at 40; REG_RAX = 13, REG_RIP = 16. */
	unsigned long *gregs = (unsigned long *)((char *)uc + 40);
	const struct exception_table_entry *e = search_extable(gregs[16]);
	(void)sig;
	(void)info;
	if (!e) {
		mk_puts("FAIL unhandled fault (no __ex_table entry)\n");
		mk_exit(99);
	}
	gregs[13] = (unsigned long)-EFAULT;
	gregs[16] = (unsigned long)&e->fixup + e->fixup;
}

void mk_install_fault_handler(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask;
	} sa = {(void *)mk_sigsegv, 0x4 | 0x04000000 | 0x40000000, mk_restorer, 0};
	/* SA_SIGINFO | SA_RESTORER | SA_NODEFER */
	if (mk_raw_syscall4(13, 11, (long)&sa, 0, 8) != 0) {
		mk_puts("FAIL rt_sigaction\n");
		mk_exit(98);
	}
}

/* The 7-byte marker "nopl cookie(%rax)" that precedes/starts each site. */
static int has_marker(unsigned long addr, u32 cookie)
{
	const u8 *p = (const u8 *)addr;
	u32 imm;
	if (addr < (unsigned long)__ehdr_start || addr + 7 > (unsigned long)etext)
		return 0;
	if (p[0] != 0x0f || p[1] != 0x1f || p[2] != 0x80)
		return 0;
	memcpy(&imm, p + 3, 4);
	return imm == cookie;
}

int mk_check_ex_table(void)
{
	int bad = 0, sorted = 1;
	unsigned long prev = 0;
	const struct exception_table_entry *e;
	for (e = __start___ex_table; e < __stop___ex_table; e++) {
		unsigned long insn = ex_insn(e);
		if (!has_marker(insn - 7, (u32)e->data)) {
			mk_puts("FAIL __ex_table entry does not point at its site: ");
			mk_putl(e - __start___ex_table);
			mk_puts("\n");
			bad++;
		}
		if (insn <= prev)
			sorted = 0;
		prev = insn;
	}
	ex_sorted = sorted;
	mk_puts("extable entries=");
	mk_putl(__stop___ex_table - __start___ex_table);
	mk_puts(" sorted=");
	mk_putl(sorted);
	mk_puts("\n");
	return bad;
}

int mk_check_unwind(void)
{
	int bad = 0, sorted = 1;
	long n = __stop_orc_unwind_ip - __start_orc_unwind_ip;
	long m = __stop_orc_unwind - __start_orc_unwind;
	unsigned long prev = 0;
	if (n != m) {
		mk_puts("FAIL .orc_unwind_ip and .orc_unwind differ in length\n");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		unsigned long ip = (unsigned long)&__start_orc_unwind_ip[i] + __start_orc_unwind_ip[i];
		if (!has_marker(ip, __start_orc_unwind[i].cookie) ||
		    __start_orc_unwind[i].flags != 0x5a5a) {
			mk_puts("FAIL unwind entry out of step or stale: ");
			mk_putl(i);
			mk_puts("\n");
			bad++;
		}
		if (ip < prev)
			sorted = 0;
		prev = ip;
	}
	mk_puts("unwind entries=");
	mk_putl(n);
	mk_puts(" sorted=");
	mk_putl(sorted);
	mk_puts("\n");
	return bad;
}
