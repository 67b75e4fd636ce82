//===- Dominators.cpp - Immediate dominators of a flat graph --------------===//
//
// Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm" (2001):
// number the nodes in postorder, then repeat over reverse postorder
// idom(n) = the nearest common dominator of n's processed predecessors
// until nothing changes. On reference graphs (mostly acyclic, shallow) it
// settles in two or three sweeps, each linear in the edges; it needs only
// flat arrays, which is why it is used here rather than Lengauer-Tarjan.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Analysis/Dominators.h"

using namespace sysgc;
using namespace llvm;

DominatorTree sysgc::computeDominators(ArrayRef<uint32_t> Begin,
                                       ArrayRef<uint32_t> Succ,
                                       uint32_t Root) {
  uint32_t N = Begin.size() - 1;
  DominatorTree T;
  T.Idom.assign(N, NoDominator);
  // Postorder by an explicit-stack depth-first search (kernel call chains
  // are deep enough to overflow a recursive one).
  constexpr uint32_t Unvisited = ~0u;
  std::vector<uint32_t> PostNum(N, Unvisited);
  std::vector<uint32_t> Post;
  std::vector<bool> Seen(N);
  std::vector<std::pair<uint32_t, uint32_t>> Stack; // (node, next succ)
  Stack.push_back({Root, Begin[Root]});
  Seen[Root] = true;
  while (!Stack.empty()) {
    auto &[Node, Next] = Stack.back();
    if (Next < Begin[Node + 1]) {
      uint32_t S = Succ[Next++];
      if (!Seen[S]) {
        Seen[S] = true;
        Stack.push_back({S, Begin[S]});
      }
      continue;
    }
    PostNum[Node] = Post.size();
    Post.push_back(Node);
    Stack.pop_back();
  }
  T.Order.assign(Post.rbegin(), Post.rend());

  // Predecessors of the reachable nodes (CSR).
  std::vector<uint32_t> PredBegin(N + 1, 0), Pred;
  for (uint32_t From : Post)
    for (uint32_t I = Begin[From]; I < Begin[From + 1]; ++I)
      ++PredBegin[Succ[I] + 1];
  for (uint32_t I = 0; I < N; ++I)
    PredBegin[I + 1] += PredBegin[I];
  Pred.resize(PredBegin[N]);
  std::vector<uint32_t> Fill(PredBegin.begin(), PredBegin.end() - 1);
  for (uint32_t From : Post)
    for (uint32_t I = Begin[From]; I < Begin[From + 1]; ++I)
      Pred[Fill[Succ[I]]++] = From;

  auto Intersect = [&](uint32_t A, uint32_t B) {
    while (A != B) {
      while (PostNum[A] < PostNum[B])
        A = T.Idom[A];
      while (PostNum[B] < PostNum[A])
        B = T.Idom[B];
    }
    return A;
  };
  T.Idom[Root] = Root;
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (uint32_t Node : T.Order) {
      if (Node == Root)
        continue;
      uint32_t New = NoDominator;
      for (uint32_t I = PredBegin[Node]; I < PredBegin[Node + 1]; ++I) {
        uint32_t P = Pred[I];
        if (T.Idom[P] == NoDominator)
          continue; // not processed yet in this sweep
        New = New == NoDominator ? P : Intersect(P, New);
      }
      if (New != T.Idom[Node]) {
        T.Idom[Node] = New;
        Changed = true;
      }
    }
  }
  return T;
}
