//===- SectionKinds.cpp - What each section's name makes it ---------------===//
#include "sysgc/Plan/Plan.h"
#include "sysgc/Plan/EhFrame.h"
#include "llvm/ADT/STLExtras.h"

using namespace sysgc;
using namespace llvm;

SectionKinds SectionKinds::of(const SectionGraph &G, const ArchInfo &Arch) {
  uint32_t N = G.numNodes();
  SectionKinds K;
  K.Table.assign(N, nullptr);
  K.BackRefCode.resize(N);
  K.EhFrame.resize(N);
  K.Normal.assign(N, 0);
  for (NodeId I = 0; I < N; ++I) {
    if (!G.isAllocNode(I))
      continue;
    StringRef Name = G.section(I).Name;
    K.Table[I] = Arch.findTable(Name);
    if (llvm::is_contained(Arch.BackRefCode, Name))
      K.BackRefCode.set(I);
    if (isEhFrameName(Name))
      K.EhFrame.set(I);
    std::string New = normalizedSectionName(Name);
    for (uint8_t J = 0; J < std::size(NormalNames); ++J)
      if (New == NormalNames[J])
        K.Normal[I] = J + 1;
  }
  return K;
}
