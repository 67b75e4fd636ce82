/* fs/open.c: open and openat share do_sys_open; close. */
#include "mk.h"

static noinline long do_sys_open(long dfd, const char *filename, long flags)
{
	char kbuf[32];
	long n = getname(filename, kbuf, sizeof(kbuf) - 1);
	MK_UNWIND_HINT();
	if (n < 0)
		return n;
	kbuf[n] = 0;
	return (path_lookup(kbuf, flags) + dfd) & 0xff;
}

SYSCALL_DEFINE2(open, const char *, filename, long, flags)
{
	return do_sys_open(-100, filename, flags);
}

SYSCALL_DEFINE3(openat, long, dfd, const char *, filename, long, flags)
{
	return do_sys_open(dfd, filename, flags);
}

SYSCALL_DEFINE1(close, long, fd)
{
	return fdget(fd) < 0 ? -EBADF : 0;
}
