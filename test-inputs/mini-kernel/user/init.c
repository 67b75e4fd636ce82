/*
 * user/init.c: the mini kernel's userspace, an ordinary C program (clang-22,
 * static against the host's glibc) that `sysgc scan` reads to write the
 * demo's allowlist. It is not run on the mini kernel (which is itself a
 * host program); it stands for a product's whole userspace: an init that
 * says who and when it is, then starts a child (itself, as "cat PATH") that
 * reads a file and copies it to standard output, and reaps it. Everything
 * goes through glibc, so the scan sees glibc's own start-up, stdio, fork,
 * exec and exit paths as it would in a real product.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cat(const char *path)
{
	struct stat st;
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		perror(path);
		return 1;
	}
	if (fstat(fd, &st) == 0)
		printf("init: %s, %lld bytes\n", path, (long long)st.st_size);
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	close(fd);
	return n < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct utsname u;
	struct timespec ts;
	const char *path = "/etc/hostname";
	int status;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "cat") == 0)
		return cat(argv[2]);
	if (argc > 1)
		path = argv[1];
	if (uname(&u) == 0)
		printf("init: %s %s, pid %d\n", u.sysname, u.release, (int)getpid());
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("init: up %lld s\n", (long long)ts.tv_sec);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		char *const args[] = {argv[0], "cat", (char *)path, NULL};
		execv("/proc/self/exe", args);
		perror("execv");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
