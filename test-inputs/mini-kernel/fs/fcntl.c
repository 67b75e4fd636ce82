/* fs/fcntl.c */
#include "mk.h"

SYSCALL_DEFINE3(fcntl, long, fd, long, cmd, long, arg)
{
	long f = fdget(fd);
	if (f < 0)
		return f;
	return cmd * 2 + (arg & 1);
}
