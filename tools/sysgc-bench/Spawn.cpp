//===- sysgc-bench/Spawn.cpp - Run a child, time it, take its peak RSS ---===//
#include "Spawn.h"
#include <chrono>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

RunResult spawn(const std::vector<std::string> &Argv, const std::string &Cwd) {
  std::vector<char *> A;
  for (const std::string &S : Argv)
    A.push_back(const_cast<char *>(S.c_str()));
  A.push_back(nullptr);
  posix_spawn_file_actions_t FA;
  posix_spawn_file_actions_init(&FA);
  posix_spawn_file_actions_addopen(&FA, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&FA, 2, "/dev/null", O_WRONLY, 0);
  if (!Cwd.empty())
    posix_spawn_file_actions_addchdir_np(&FA, Cwd.c_str());
  auto T0 = std::chrono::steady_clock::now();
  pid_t Pid;
  RunResult R;
  if (posix_spawnp(&Pid, A[0], &FA, nullptr, A.data(), environ) != 0) {
    R.Status = -1;
    return R;
  }
  int St = 0;
  struct rusage RU;
  wait4(Pid, &St, 0, &RU);
  R.Seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - T0).count();
  R.MaxRssKB = RU.ru_maxrss;
  R.Status = WIFEXITED(St) ? WEXITSTATUS(St) : 128;
  posix_spawn_file_actions_destroy(&FA);
  return R;
}

