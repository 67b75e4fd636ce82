/* fs/namei.c: getname and path_lookup, shared by open, stat and mkdir. */
#include "mk.h"

long getname(const char *user_name, char *kbuf, size_t n)
{
	MK_UNWIND_HINT();
	for (size_t i = 0; i < n; i++) {
		u8 c;
		if (get_user(c, user_name + i))
			return -EFAULT;
		kbuf[i] = c;
		if (!c)
			return i;
	}
	return n;
}

long path_lookup(const char *name, long flags)
{
	MK_UNWIND_HINT();
	return (long)strlen(name) * 10 + flags;
}

static noinline long lookup_create(const char *name)
{
	MK_UNWIND_HINT();
	return path_lookup(name, 1) + 1;
}

static noinline long do_mkdirat(const char *user_name, long mode)
{
	char kbuf[32];
	long n = getname(user_name, kbuf, sizeof(kbuf) - 1);
	MK_UNWIND_HINT();
	if (n < 0)
		return n;
	kbuf[n] = 0;
	return lookup_create(kbuf) + (mode & 7);
}

SYSCALL_DEFINE2(mkdir, const char *, pathname, long, mode)
{
	return do_mkdirat(pathname, mode);
}

SYSCALL_DEFINE2(getcwd, char *, buf, size_t, size)
{
	static const char cwd[] = "/root";
	if (size < sizeof(cwd))
		return -34;
	if (copy_to_user(buf, cwd, sizeof(cwd)))
		return -EFAULT;
	return sizeof(cwd);
}
