/* kernel/time: time, gettimeofday, clock_gettime share ktime_get. */
#include "mk.h"

static u64 fake_clock = 1700000000;

u64 ktime_get(void)
{
	MK_UNWIND_HINT();
	return fake_clock;
}

static noinline long put_timespec(void *uts, u64 sec)
{
	u64 ts[2] = {sec, 123456789};
	MK_UNWIND_HINT();
	return copy_to_user(uts, ts, sizeof(ts));
}

SYSCALL_DEFINE1(time, long *, tloc)
{
	(void)tloc;
	return (long)ktime_get();
}

SYSCALL_DEFINE2(gettimeofday, void *, tv, void *, tz)
{
	(void)tz;
	if (put_timespec(tv, ktime_get()))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(clock_gettime, long, which, void *, tp)
{
	if (which < 0)
		return -EINVAL;
	if (put_timespec(tp, ktime_get() + which))
		return -EFAULT;
	return 0;
}
