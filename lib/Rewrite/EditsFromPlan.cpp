//===- EditsFromPlan.cpp - The plan cut into each object's edits ----------===//
//
// The planner speaks in graph nodes; the writer in one object's section
// and relocation indices. This is the one place that translates: each
// object gets its retargets, table and range splits, excluded and renamed
// sections, and (Retain mode, an architecture with a trap fill) the
// placement that lets it join sections.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Rewrite/ObjectWriter.h"

using namespace sysgc;
using namespace llvm;

std::vector<ObjectEdits> sysgc::editsFromPlan(const SectionGraph &G,
                                              const LinkPlan &Plan,
                                              const SectionPlacement *Placement) {
  const InputSet &In = G.inputs();
  std::vector<ObjectEdits> Edits(In.Objects.size());
  if (Placement && Plan.Mode == GcMode::Retain && Plan.Arch &&
      Plan.Arch->TrapFill)
    for (ObjectEdits &E : Edits) {
      E.Placement = Placement;
      E.CodeFill = *Plan.Arch->TrapFill;
    }
  for (uint32_t F = 0; F < In.Objects.size(); ++F)
    Edits[F].Retargets = Plan.retargetsOf(F);
  for (const TableSplit &S : Plan.Splits)
    Edits[S.File].Splits.push_back(&S);
  for (const RangeSplit &S : Plan.RangeSplits)
    Edits[S.File].RangeSplits.push_back(&S);
  for (int N = Plan.Exclude.find_first(); N != -1;
       N = Plan.Exclude.find_next(N))
    Edits[G.fileOf(N)].Exclude.push_back(G.secOf(N));
  for (auto &[N, Name] : Plan.Renames)
    Edits[G.fileOf(N)].Renames.push_back({G.secOf(N), Name});
  return Edits;
}
