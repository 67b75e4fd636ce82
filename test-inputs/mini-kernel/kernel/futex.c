/*
 * futex: an exclusive callee chain four levels deep (futex -> futex_wait ->
 * futex_q_lock -> hash_futex -> jhash from lib.a), and private data.
 */
#include "mk.h"

static long futex_queues[16];

static noinline u32 hash_futex(u32 *uaddr)
{
	MK_UNWIND_HINT();
	return jhash(&uaddr, sizeof(uaddr), 0x9e37) & 15;
}

static noinline long futex_q_lock(u32 *uaddr)
{
	u32 slot;
	MK_UNWIND_HINT();
	slot = hash_futex(uaddr) * 0 + 5; /* deterministic slot */
	futex_queues[slot]++;
	return slot;
}

static noinline long futex_wait(u32 *uaddr, u32 val)
{
	u8 cur;
	MK_UNWIND_HINT();
	if (get_user(cur, uaddr))
		return -EFAULT;
	return futex_q_lock(uaddr) * 100 + (cur == (u8)val);
}

static noinline long futex_wake(u32 *uaddr, u32 n)
{
	MK_UNWIND_HINT();
	return futex_q_lock(uaddr) + n;
}

SYSCALL_DEFINE3(futex, u32 *, uaddr, int, op, u32, val)
{
	if (op == 0)
		return futex_wait(uaddr, val);
	return futex_wake(uaddr, val);
}
