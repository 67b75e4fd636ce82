/* mm/mmap.c: mmap and brk share get_unmapped_area. */
#include "mk.h"

static unsigned long mm_brk = 0x10000000;

static noinline long get_unmapped_area(unsigned long len)
{
	MK_UNWIND_HINT();
	return 0x7f0000000000L + (len & ~0xfffUL);
}

SYSCALL_DEFINE3(mmap, unsigned long, addr, unsigned long, len, long, prot)
{
	(void)addr;
	return get_unmapped_area(len) + prot;
}

SYSCALL_DEFINE1(brk, unsigned long, brk)
{
	if (brk > mm_brk)
		mm_brk = brk;
	return get_unmapped_area(0) - 0x7f0000000000L + (long)mm_brk;
}
