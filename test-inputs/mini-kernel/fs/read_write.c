/* fs/read_write.c: read, write and lseek share fdget and vfs_account. */
#include "mk.h"

static const char file_data[64] = "the quick brown fox jumps over the lazy dog 0123456789";

static noinline long rw_verify_area(long fd, size_t count)
{
	MK_UNWIND_HINT();
	if (fdget(fd) < 0)
		return -EBADF;
	return count > 64 ? 64 : (long)count;
}

SYSCALL_DEFINE3(read, long, fd, char *, buf, size_t, count)
{
	long n = rw_verify_area(fd, count);
	if (n < 0)
		return n;
	if (copy_to_user(buf, file_data, n))
		return -EFAULT;
	vfs_account(fd, n);
	return n;
}

SYSCALL_DEFINE3(write, long, fd, const char *, buf, size_t, count)
{
	char kbuf[64];
	long n = rw_verify_area(fd, count);
	if (n < 0)
		return n;
	if (copy_from_user(kbuf, buf, n))
		return -EFAULT;
	vfs_account(fd, n);
	return n;
}

SYSCALL_DEFINE3(lseek, long, fd, long, offset, int, whence)
{
	if (fdget(fd) < 0)
		return -EBADF;
	return whence == 0 ? 0 : 17;
}
