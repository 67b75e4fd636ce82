//===- ParallelTest.cpp - parallel loops report as sequential ones do -----===//
#include "sysgc/Support/Parallel.h"
#include "sysgc/Support/Error.h"
#include "gtest/gtest.h"
#include <atomic>

using namespace sysgc;
using namespace llvm;

TEST(Parallel, EveryIndexOnce) {
  for (size_t N : {0u, 1u, 100u, 5000u, 100000u}) {
    std::vector<std::atomic<int>> Seen(N);
    EXPECT_FALSE(bool(parallelForEachIndex(N, 1000, [&](size_t I) {
      ++Seen[I];
      return Error::success();
    })));
    for (size_t I = 0; I < N; ++I)
      ASSERT_EQ(Seen[I].load(), 1) << "N=" << N << " I=" << I;
  }
}

TEST(Parallel, TheLowestFailingIndexIsReported) {
  // Failures in many chunks, the later ones more likely to finish first.
  for (int Round = 0; Round < 20; ++Round) {
    Error E = parallelForEachIndex(100000, 100, [&](size_t I) -> Error {
      if (I % 7919 == 4321)
        return makeError("index {0}", I);
      return Error::success();
    });
    ASSERT_TRUE(bool(E));
    EXPECT_EQ(toString(std::move(E)), "index 4321");
  }
  // And in a loop too small to split.
  Error E = parallelForEachIndex(10, 100, [&](size_t I) -> Error {
    return I >= 3 ? makeError("index {0}", I) : Error::success();
  });
  EXPECT_EQ(toString(std::move(E)), "index 3");
}
