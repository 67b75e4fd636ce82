//===- sysgc/Analysis/Dominators.h - Immediate dominators of a flat graph -*- C++ -*-===//
//
// Node D dominates node N when every path from the root to N passes through
// D. sysgc cost uses it to find, for every syscall at once, what removing
// that syscall alone would free: the nodes its entry dominates.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_ANALYSIS_DOMINATORS_H
#define SYSGC_ANALYSIS_DOMINATORS_H

#include "llvm/ADT/ArrayRef.h"
#include <cstdint>
#include <vector>

namespace sysgc {

constexpr uint32_t NoDominator = ~0u;

struct DominatorTree {
  /// Per node: its immediate dominator (the root's is itself), or
  /// NoDominator when the root does not reach it.
  std::vector<uint32_t> Idom;
  /// The reachable nodes in reverse postorder of a depth-first search from
  /// the root: every node comes after its immediate dominator.
  std::vector<uint32_t> Order;
};

/// The dominator tree of the graph whose successors of node N are
/// Succ[Begin[N], Begin[N+1]), from Root (Cooper, Harvey and Kennedy's
/// iterative algorithm over reverse postorder).
DominatorTree computeDominators(llvm::ArrayRef<uint32_t> Begin,
                                llvm::ArrayRef<uint32_t> Succ, uint32_t Root);

} // namespace sysgc

#endif
