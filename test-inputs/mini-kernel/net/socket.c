/*
 * net/socket.c: socket and connect, with exclusive chains several levels
 * deep (sock_create -> __sock_create -> sock_alloc -> new_inode_pseudo) and
 * a family table only they use. The strong __x64_sys_socket overrides the
 * weak stub in kernel/sys_ni.c.
 */
#include "mk.h"

struct net_proto_family {
	int family;
	long (*create)(int type);
};

static noinline long new_inode_pseudo(int type)
{
	MK_UNWIND_HINT();
	return 7000 + type;
}

static noinline long sock_alloc(int type)
{
	MK_UNWIND_HINT();
	return new_inode_pseudo(type) + 1;
}

static long inet_create(int type)
{
	MK_UNWIND_HINT();
	return sock_alloc(type) + 20;
}

static long unix_create(int type)
{
	MK_UNWIND_HINT();
	return sock_alloc(type) + 10;
}

static const struct net_proto_family net_families[] = {
	{1, unix_create},
	{2, inet_create},
};

static noinline long __sock_create(int family, int type)
{
	MK_UNWIND_HINT();
	for (unsigned i = 0; i < sizeof(net_families) / sizeof(net_families[0]); i++)
		if (net_families[i].family == family)
			return net_families[i].create(type);
	return -97; /* EAFNOSUPPORT */
}

static noinline long sock_create(int family, int type)
{
	MK_UNWIND_HINT();
	return __sock_create(family, type);
}

static noinline long move_addr_to_kernel(const void *uaddr, long len, u8 *kaddr)
{
	MK_UNWIND_HINT();
	if (len > 16)
		return -EINVAL;
	return copy_from_user(kaddr, uaddr, len);
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	(void)protocol;
	return sock_create(family == 3 ? 2 : 1, type);
}

SYSCALL_DEFINE3(connect, long, fd, const void *, uservaddr, long, addrlen)
{
	u8 addr[16];
	long err;
	if (fdget(fd) < 0)
		return -EBADF;
	err = move_addr_to_kernel(uservaddr, addrlen, addr);
	if (err)
		return err;
	return addr[0] + sock_create(2, 1);
}
