/* lib/jhash.c: only uname and futex use it (a lazily extracted member). */
#include "mk.h"

u32 jhash(const void *key, u32 length, u32 initval)
{
	const u8 *k = key;
	u32 h = initval ^ 0xdeadbeef;
	MK_UNWIND_HINT();
	for (u32 i = 0; i < length; i++)
		h = (h ^ k[i]) * 0x01000193;
	return h;
}
