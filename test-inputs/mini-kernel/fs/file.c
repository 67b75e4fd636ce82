/* fs/file.c: fdget, shared by every fd-taking syscall. */
#include "mk.h"

long vfs_accounted;

long fdget(long fd)
{
	MK_UNWIND_HINT();
	if (fd < 0 || fd > 64)
		return -EBADF;
	return fd + 100;
}

long vfs_account(long fd, long bytes)
{
	MK_UNWIND_HINT();
	vfs_accounted += bytes;
	return fd;
}
