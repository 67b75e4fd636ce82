/*
 * The mini kernel's syscall list, in the form of the kernel's generated
 * arch/x86/include/generated/asm/syscalls_64.h. Numbers and entry points
 * are those of arch/x86/entry/syscalls/syscall_64.tbl; slots not listed
 * default to sys_ni_syscall.
 */
__SYSCALL(0, sys_read)
__SYSCALL(1, sys_write)
__SYSCALL(2, sys_open)
__SYSCALL(3, sys_close)
__SYSCALL(4, sys_newstat)
__SYSCALL(5, sys_newfstat)
__SYSCALL(8, sys_lseek)
__SYSCALL(9, sys_mmap)
__SYSCALL(12, sys_brk)
__SYSCALL(39, sys_getpid)
__SYSCALL(41, sys_socket)
__SYSCALL(42, sys_connect)
__SYSCALL(63, sys_newuname)
__SYSCALL(72, sys_fcntl)
__SYSCALL(79, sys_getcwd)
__SYSCALL(83, sys_mkdir)
__SYSCALL(96, sys_gettimeofday)
__SYSCALL(102, sys_getuid)
__SYSCALL(201, sys_time)
__SYSCALL(202, sys_futex)
__SYSCALL(228, sys_clock_gettime)
__SYSCALL(246, sys_kexec_load)
__SYSCALL(257, sys_openat)
__SYSCALL(309, sys_getcpu)
__SYSCALL(321, sys_bpf)
