//===- sysgc-bench/Spawn.h - Run a child, time it, take its peak RSS -----===//
#ifndef SYSGC_BENCH_SPAWN_H
#define SYSGC_BENCH_SPAWN_H

#include <string>
#include <vector>

struct RunResult {
  double Seconds = 0;
  long MaxRssKB = 0; // ru_maxrss of the child
  int Status = 0;    // exit status; -1 if it could not start, 128 if killed
};

/// Run Argv (PATH searched) in Cwd (empty: here); stdout/stderr to
/// /dev/null.
RunResult spawn(const std::vector<std::string> &Argv, const std::string &Cwd);

/// `sysgc-bench scan ARGS` (ScanBench.cpp); Self is sysgc-bench's path.
int scanBench(const std::vector<std::string> &Args, const std::string &Self);

#endif
