//===- sysgc/Support/Parallel.h - Loops on every core -----------*- C++ -*-===//
//
// The readers decode hundreds of thousands of independent records (section
// headers, symbols, relocations) per link: on the machines kernels are
// built on that is work for every core, as lld does it (llvm::parallelFor,
// whose thread count lld's --threads sets). Each record is written to its
// own slot, so the result does not depend on the schedule, and a failure
// is reported as a sequential loop would report it: the first by index.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SUPPORT_PARALLEL_H
#define SYSGC_SUPPORT_PARALLEL_H

#include "llvm/Support/Error.h"
#include "llvm/Support/Parallel.h"
#include <algorithm>
#include <optional>
#include <vector>

namespace sysgc {

/// Body(I) -> llvm::Error for every I in [0, N); in parallel chunks of at
/// least Grain indices when N allows two. Stops a chunk at its first error
/// and returns the error of the lowest index.
template <class Fn>
llvm::Error parallelForEachIndex(size_t N, size_t Grain, Fn Body) {
  if (N < 2 * Grain) {
    for (size_t I = 0; I < N; ++I)
      if (llvm::Error E = Body(I))
        return E;
    return llvm::Error::success();
  }
  size_t Chunks = std::min<size_t>(N / Grain, 256);
  std::vector<std::optional<llvm::Error>> Errors(Chunks);
  llvm::parallelFor(0, Chunks, [&](size_t C) {
    for (size_t I = N * C / Chunks, E = N * (C + 1) / Chunks; I < E; ++I)
      if (llvm::Error Err = Body(I)) {
        Errors[C].emplace(std::move(Err));
        return;
      }
  });
  llvm::Error First = llvm::Error::success();
  for (std::optional<llvm::Error> &E : Errors)
    if (E) {
      if (!First)
        First = std::move(*E);
      else
        llvm::consumeError(std::move(*E));
    }
  return First;
}

} // namespace sysgc

#endif
