/*
 * The syscall probe of the kernel boot test. Each line is
 * "probe <what> ret=<r> errno=<e>", raw syscalls so that libc cannot hide
 * an -ENOSYS. A shrunk kernel must return -ENOSYS (38) for the removed
 * syscall and -EFAULT (14) for bad pointers in kept ones, exactly like the
 * plain kernel does for the latter.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r) {
  printf("probe%s %s ret=%ld errno=%d\n", sizeof(void *) == 4 ? "32" : "64",
         what, r < 0 ? -1L : (r > 0 ? 1L : 0L), r < 0 ? errno : 0);
}

int main(void) {
  char buf[512];
  /* Not in the allowlist: -ENOSYS on the shrunk kernel. */
#ifdef SYS_sysinfo
  report("removed-sysinfo", syscall(SYS_sysinfo, buf));
#endif
  report("removed-times", syscall(SYS_times, buf));
#ifdef SYS_fcntl64
  /* Shares its entry with fcntl, which is allowed: the switch case of
   * fcntl64 alone must go. */
  report("removed-fcntl64", syscall(SYS_fcntl64, 1, 1 /* F_GETFD */));
#endif
  /* Kept, with bad pointers: -EFAULT through __ex_table fixups. */
  report("write-bad-pointer", syscall(SYS_write, 1, (void *)16, 10));
  report("uname-bad-pointer", syscall(SYS_uname, (void *)16));
  /* Kept, good arguments. */
  report("uname", syscall(SYS_uname, buf));
  report("getpid", syscall(SYS_getpid) > 0 ? 0 : -1);
  fflush(stdout);
  return 0;
}
