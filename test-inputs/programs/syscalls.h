/* The syscalls of the test programs, as __SYSCALL(nr, name) lines. */
__SYSCALL(0, read)
__SYSCALL(1, write)
__SYSCALL(39, getpid)
__SYSCALL(60, exit)
__SYSCALL(63, newuname)
__SYSCALL(162, sync)
__SYSCALL(228, clock_gettime)
__SYSCALL(231, exit_group)
