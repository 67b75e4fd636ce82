/* fs/stat.c: stat (sys_newstat) and fstat (sys_newfstat). */
#include "mk.h"

struct kstat {
	long ino, size, mode;
};

static noinline long cp_new_stat(const struct kstat *st, void *ubuf)
{
	MK_UNWIND_HINT();
	return copy_to_user(ubuf, st, sizeof(*st));
}

SYSCALL_DEFINE2(newstat, const char *, filename, void *, statbuf)
{
	char kbuf[32];
	struct kstat st;
	long n = getname(filename, kbuf, sizeof(kbuf) - 1);
	if (n < 0)
		return n;
	kbuf[n] = 0;
	st.ino = path_lookup(kbuf, 0);
	st.size = n;
	st.mode = 0644;
	if (cp_new_stat(&st, statbuf))
		return -EFAULT;
	return st.ino;
}

SYSCALL_DEFINE2(newfstat, long, fd, void *, statbuf)
{
	struct kstat st = {fdget(fd), 0, 0600};
	if (st.ino < 0)
		return -EBADF;
	if (cp_new_stat(&st, statbuf))
		return -EFAULT;
	return 0;
}
