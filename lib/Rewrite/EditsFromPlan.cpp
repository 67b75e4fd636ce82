//===- EditsFromPlan.cpp - The plan cut into each object's edits ----------===//
//
// The planner speaks in graph nodes; the writer in one object's section
// and symbol indices. This is the one place that translates: each object
// gets its retargets, table and range splits, excluded and renamed
// sections, the globals of the excluded code to make local (a question
// about every object at once), and (Retain mode, an architecture with a
// trap fill) the placement that lets it join sections.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Plan/EhFrame.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

namespace {
// Which global definitions of the excluded code lld must not see as
// globals, and every symbol that binds to them. A name whose winning
// definition is excluded would leave a phantom undefined symbol in the
// output; as a local in every object (the definitions, and the undefined
// references, which only excluded code uses in a correct plan) it leaves
// nothing, and lld still refuses any kept use of it. Symbols only, no
// relocations: a reused plan's link has not read them.
class DeadGlobals {
public:
  DeadGlobals(const SectionGraph &G, const LinkPlan &Plan)
      : G(G), Plan(Plan), In(G.inputs()) {}

  // Per object: the symbol indices to make local.
  std::vector<std::vector<uint32_t>> run() {
    std::vector<std::vector<uint32_t>> Out(In.Objects.size());
    if (Plan.Exclude.size() != G.numNodes() || Plan.Exclude.none())
      return Out;
    findDead();
    keepArchiveMembersPulled();
    for (uint32_t F = 0; F < In.Objects.size(); ++F) {
      if (!G.isLinked(F) || In.Objects[F].Shared)
        continue;
      const ElfObject &O = *In.Objects[F].Elf;
      for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I) {
        const ElfSymbol &S = O.Symbols[I];
        if (!isGlobalName(S) || !isHidden(G.resolve(F, I)))
          continue;
        // A definition that stays (a weak one another object's excluded
        // strong one overrode) stays global.
        if (S.isUndefined() || excluded(F, S))
          Out[F].push_back(I);
      }
    }
    return Out;
  }

private:
  static bool isGlobalName(const ElfSymbol &S) {
    return S.Binding != ELF::STB_LOCAL && !S.Name.empty() &&
           S.Type != ELF::STT_SECTION && S.Type != ELF::STT_FILE;
  }
  bool excluded(uint32_t F, const ElfSymbol &S) const {
    return S.inSection() && S.Shndx < G.object(F).Sections.size() &&
           Plan.Exclude[G.node(F, S.Shndx)];
  }
  bool isHidden(SymbolRef D) const {
    return D.valid() && D.File < Hidden.size() && !Hidden[D.File].empty() &&
           Hidden[D.File][D.Sym];
  }

  // The winning definitions in excluded sections.
  void findDead() {
    Hidden.resize(In.Objects.size());
    for (uint32_t F = 0; F < In.Objects.size(); ++F) {
      if (!G.isLinked(F) || In.Objects[F].Shared)
        continue;
      const ElfObject &O = *In.Objects[F].Elf;
      for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I) {
        const ElfSymbol &S = O.Symbols[I];
        if (!isGlobalName(S) || !excluded(F, S))
          continue;
        SymbolRef D = G.resolve(F, I);
        if (D.valid() && D.File == F && D.Sym == I) {
          if (Hidden[F].empty())
            Hidden[F].resize(O.Symbols.size());
          Hidden[F][I] = true;
        }
      }
    }
  }

  // lld pulls an archive member in for an undefined reference to a name it
  // defines; a reference made local pulls nothing. A member whose every
  // such reference would go is left out of the link if that loses nothing:
  // every allocated byte of it excluded, no weak reference bound to it.
  // Otherwise it keeps its definitions global (and so those references),
  // and the link reads the same members. To a fixed point, as members pull
  // members.
  void keepArchiveMembersPulled() {
    for (bool Changed = true; Changed;) {
      Changed = false;
      std::vector<bool> Pulled(In.Objects.size());
      std::vector<uint32_t> Work;
      for (uint32_t F = 0; F < In.Objects.size(); ++F)
        if (G.isLinked(F) && !In.Objects[F].Lazy) {
          Pulled[F] = true;
          Work.push_back(F);
        }
      while (!Work.empty()) {
        uint32_t F = Work.back();
        Work.pop_back();
        const ElfObject &O = G.object(F);
        for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I) {
          const ElfSymbol &S = O.Symbols[I];
          if (!S.isUndefined() || S.Binding == ELF::STB_WEAK)
            continue;
          SymbolRef D = G.resolve(F, I);
          if (!D.valid() || !In.Objects[D.File].Lazy || Pulled[D.File] ||
              isHidden(D))
            continue;
          Pulled[D.File] = true;
          Work.push_back(D.File);
        }
      }
      std::vector<bool> WeaklyBound(In.Objects.size());
      for (uint32_t F = 0; F < In.Objects.size(); ++F) {
        if (!Pulled[F])
          continue;
        const ElfObject &O = G.object(F);
        for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I)
          if (O.Symbols[I].isUndefined() &&
              O.Symbols[I].Binding == ELF::STB_WEAK) {
            SymbolRef D = G.resolve(F, I);
            if (D.valid() && !isHidden(D))
              WeaklyBound[D.File] = true;
          }
      }
      for (uint32_t F = 0; F < In.Objects.size(); ++F)
        if (G.isLinked(F) && In.Objects[F].Lazy && !Pulled[F] &&
            !Hidden[F].empty() &&
            (WeaklyBound[F] || !allAllocExcluded(F))) {
          Hidden[F].clear();
          Changed = true;
        }
    }
  }

  // Is every allocated byte of object F excluded: its sections, and the
  // pieces its tables and snippet sections are cut into?
  bool allAllocExcluded(uint32_t F) const {
    const ElfObject &O = G.object(F);
    auto Excl = [&](uint32_t Sec) {
      return Sec < O.Sections.size() && Plan.Exclude[G.node(F, Sec)];
    };
    std::vector<bool> Gone(O.Sections.size());
    for (const TableSplit &T : Plan.Splits)
      if (T.File == F && T.Sec < Gone.size() && T.Remainder.empty() &&
          llvm::all_of(T.Pieces,
                       [&](const TablePiece &P) { return Excl(P.Owner); }))
        Gone[T.Sec] = true;
    for (const RangeSplit &R : Plan.RangeSplits) {
      if (R.File != F || R.Sec >= Gone.size())
        continue;
      uint64_t Moved = 0;
      for (const RangePiece &P : R.Pieces) {
        if (!Excl(P.Owner))
          return false;
        for (uint32_t I : P.Ranges)
          if (I < R.Ranges.size())
            Moved += R.Ranges[I].second - R.Ranges[I].first;
      }
      Gone[R.Sec] = Moved == O.Sections[R.Sec].Size;
    }
    for (uint32_t Sec = 1; Sec < O.Sections.size(); ++Sec) {
      const ElfSection &S = O.Sections[Sec];
      // What the script discards (.export_symbol, .discard.addressable)
      // never reaches the output either; .eh_frame loses its FDEs with
      // their functions (a CIE alone is nothing), and .note.gnu.property
      // is the compiler's feature note, merged by lld with every other.
      if ((S.Flags & ELF::SHF_ALLOC) && !(S.Flags & ELF::SHF_EXCLUDE) &&
          S.Size && !Excl(Sec) && !Gone[Sec] &&
          !(Plan.Discarded.size() > G.node(F, Sec) &&
            Plan.Discarded[G.node(F, Sec)]) &&
          !isEhFrameName(S.Name) && S.Name != ".note.gnu.property")
        return false;
    }
    return true;
  }

  const SectionGraph &G;
  const LinkPlan &Plan;
  const InputSet &In;
  // Per object, per symbol: a definition to hide (empty: none).
  std::vector<std::vector<bool>> Hidden;
};
} // namespace

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
  for (uint32_t F = 0; F < In.Objects.size(); ++F) {
    Edits[F].Retargets = Plan.retargetsOf(F);
    Edits[F].RetargetAddends = Plan.retargetAddendsOf(F);
  }
  for (const TableSplit &S : Plan.Splits)
    Edits[S.File].Splits.push_back(&S);
  for (const RangeSplit &S : Plan.RangeSplits)
    Edits[S.File].RangeSplits.push_back(&S);
  for (int N = Plan.Exclude.find_first(); N != -1;
       N = Plan.Exclude.find_next(N))
    Edits[G.fileOf(N)].Exclude.push_back(G.secOf(N));
  for (auto &[N, Name] : Plan.Renames)
    Edits[G.fileOf(N)].Renames.push_back({G.secOf(N), Name});
  std::vector<std::vector<uint32_t>> Local = DeadGlobals(G, Plan).run();
  for (uint32_t F = 0; F < In.Objects.size(); ++F)
    Edits[F].Localize = std::move(Local[F]);
  return Edits;
}
