/*
 * init/main.c: the test driver. Dispatches every syscall number through
 * sys_call_table and x64_sys_call with the same registers, prints both
 * results (they must agree), repeats the uaccess syscalls with a bad
 * pointer (each must return -EFAULT through its __ex_table fixup, or
 * -ENOSYS if removed), calls the vsyscall emulation and checks the tables.
 * Exit status 0 means every check passed.
 */
#include "mk.h"

extern const char linux_banner[];

static u8 ubuf[64];
static const char upath[] = "/etc/passwd";

/* Registers for syscall nr: pointers to good buffers, or to an unmapped
 * address when bad is set. No result may depend on an address. */
static void set_regs(struct pt_regs *r, unsigned nr, int bad)
{
	long ptr = bad ? 16 : (long)ubuf;
	long path = bad ? 16 : (long)upath;
	memset(ubuf, 0, sizeof(ubuf));
	r->di = 3;
	r->si = 5;
	r->dx = 16;
	r->r10 = r->r8 = r->r9 = 0;
	switch (nr) {
	case 0: case 1: case 5: case 42:
		r->si = ptr;
		break;
	case 2: case 83:
		r->di = path;
		r->si = 0;
		break;
	case 4:
		r->di = path;
		r->si = ptr;
		break;
	case 63: case 96:
		r->di = ptr;
		break;
	case 79:
		r->di = ptr;
		r->si = sizeof(ubuf);
		break;
	case 202:
		r->di = ptr;
		r->si = 0;
		break;
	case 228:
		r->di = 1;
		r->si = ptr;
		break;
	case 257:
		r->di = -100;
		r->si = path;
		r->dx = 0;
		break;
	}
}

static void line(const char *what, long nr, const char *k1, long v1,
		 const char *k2, long v2)
{
	mk_puts(what);
	mk_puts(" nr=");
	mk_putl(nr);
	mk_puts(k1);
	mk_putl(v1);
	if (k2) {
		mk_puts(k2);
		mk_putl(v2);
	}
	mk_puts("\n");
}

int mk_main(void)
{
	static const unsigned uaccess_nrs[] = {0, 1, 4, 5, 42, 63, 79, 83, 96, 202, 228};
	struct pt_regs regs;
	int bad = 0;

	mk_puts(linux_banner);
	mk_install_fault_handler();
	bad += mk_check_ex_table();
	bad += mk_check_unwind();

	for (unsigned nr = 0; nr < NR_syscalls; nr++) {
		long a, b;
		set_regs(&regs, nr, 0);
		a = sys_call_table[nr](&regs);
		set_regs(&regs, nr, 0);
		b = x64_sys_call(&regs, nr);
		line("syscall", nr, " table=", a, " switch=", b);
		if (a != b) {
			mk_puts("FAIL dispatchers disagree\n");
			bad++;
		}
	}

	for (unsigned i = 0; i < sizeof(uaccess_nrs) / sizeof(uaccess_nrs[0]); i++) {
		unsigned nr = uaccess_nrs[i];
		long r;
		set_regs(&regs, nr, 1);
		r = x64_sys_call(&regs, nr);
		line("efault", nr, " ret=", r, 0, 0);
		if (r != -EFAULT && r != -ENOSYS) {
			mk_puts("FAIL bad pointer not caught\n");
			bad++;
		}
	}

	for (unsigned long v = 0; v < 3; v++) {
		set_regs(&regs, 96, 0);
		line("vsyscall", v, " ret=", emulate_vsyscall(v, &regs), 0, 0);
	}

	mk_puts("selfcheck bad=");
	mk_putl(bad);
	mk_puts("\n");
	return bad ? 1 : 0;
}
