/* kernel/sys.c: identity and uname. */
#include "mk.h"

struct new_utsname {
	char sysname[16], release[16], machine[16];
};

/* Only uname reads this: it goes when uname goes. */
static const struct new_utsname init_uts_ns = {"Linux", "6.12.0-mini", "x86_64"};

static noinline long current_pid(void)
{
	MK_UNWIND_HINT();
	return 4242;
}

SYSCALL_DEFINE0(getpid)
{
	return current_pid();
}

SYSCALL_DEFINE0(getuid)
{
	return 1000;
}

SYSCALL_DEFINE1(newuname, struct new_utsname *, name)
{
	if (copy_to_user(name, &init_uts_ns, sizeof(init_uts_ns)))
		return -EFAULT;
	return jhash(&init_uts_ns, sizeof(init_uts_ns), 7) & 0xffff;
}
