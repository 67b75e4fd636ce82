//===- Tables.cpp - Split back-reference tables by owner ------------------===//
//
// A KEEP'd table such as __ex_table holds one entry per site in some
// function, and its relocations would keep every such function alive. Each
// table the architecture describes is cut into one piece per owning section
// (the section its entry's owner relocation points into); the rewriter gives
// each piece SHF_LINK_ORDER to its owner, so lld keeps an entry exactly when
// the owner lives and sorts surviving pieces by the owner's address. A
// parallel table (ORC's .orc_unwind) is cut exactly like its sibling so the
// two stay in step. Entries whose owner cannot be named stay behind in the
// original section (a root, as before), and that is reported.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/Plan.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include <map>

using namespace sysgc;
using namespace llvm;

namespace {
constexpr uint32_t NoOwner = ~0u;

// For one object: which sections are referenced from some other section
// (such a table cannot be cut: the reference would not follow its entry).
std::vector<bool> referencedFromOutside(const ElfObject &O) {
  std::vector<bool> Ref(O.Sections.size());
  for (uint32_t S = 1; S < O.Sections.size(); ++S)
    for (const ElfReloc &R : O.relocsOf(S)) {
      const ElfSymbol &Sym = O.Symbols[R.Symbol];
      if (Sym.inSection() && Sym.Shndx != S)
        Ref[Sym.Shndx] = true;
    }
  return Ref;
}
} // namespace

Error sysgc::planTables(const SectionGraph &G, LinkPlan &Plan) {
  const ArchInfo &Arch = *Plan.Arch;
  if (Arch.Tables.empty())
    return Error::success();
  const InputSet &In = G.inputs();
  for (uint32_t F = 0; F < In.Objects.size(); ++F) {
    if (!G.isLinked(F) || In.Objects[F].Shared)
      continue;
    const ElfObject &O = G.object(F);
    std::vector<std::pair<uint32_t, const TableLayout *>> Found;
    for (uint32_t S = 1; S < O.Sections.size(); ++S)
      if (const TableLayout *L = Arch.findTable(O.Sections[S].Name))
        if (O.Sections[S].Flags & ELF::SHF_ALLOC)
          Found.push_back({S, L});
    if (Found.empty())
      continue;
    // Primary tables before the parallel ones that follow them.
    std::stable_sort(Found.begin(), Found.end(), [](auto &A, auto &B) {
      return A.second->ParallelTo.empty() > B.second->ParallelTo.empty();
    });
    std::vector<bool> Outside = referencedFromOutside(O);
    std::map<std::string, std::vector<uint32_t>> OwnersByTable;

    for (auto [S, L] : Found) {
      const ElfSection &Sec = O.Sections[S];
      auto Skip = [&](const Twine &Why) {
        Plan.Warnings.push_back(
            (O.describe(S) + ": left whole (its entries stay roots): " + Why)
                .str());
      };
      // Pick the entry size that puts exactly one owner relocation in
      // every entry (the layout may have a configuration-dependent size).
      uint32_t ES = 0;
      for (uint32_t Cand : {L->EntrySize, L->AltEntrySize}) {
        if (!Cand || Sec.Size % Cand || !L->ParallelTo.empty())
          continue;
        std::vector<uint8_t> Seen(Sec.Size / Cand);
        bool Fits = true;
        for (const ElfReloc &R : O.relocsOf(S))
          if (R.Offset < Sec.Size && R.Offset % Cand == L->OwnerOffset)
            Fits &= !Seen[R.Offset / Cand]++;
        for (uint8_t X : Seen)
          Fits &= X == 1;
        if (Fits) {
          ES = Cand;
          break;
        }
      }
      if (!ES && L->ParallelTo.empty() && Sec.Size % L->EntrySize == 0)
        ES = L->EntrySize;
      if (!L->ParallelTo.empty())
        ES = L->EntrySize;
      if (!ES) {
        Skip("size " + Twine(Sec.Size) + " is not a multiple of the " +
             Twine(L->EntrySize) + "-byte entry");
        continue;
      }
      if (Sec.Flags & (ELF::SHF_GROUP | ELF::SHF_LINK_ORDER)) {
        Skip("already in a group or SHF_LINK_ORDER");
        continue;
      }
      if (Outside[S]) {
        Skip("another section references it");
        continue;
      }
      if (Sec.Size % ES) {
        Skip("size " + Twine(Sec.Size) + " is not a multiple of the " +
             Twine(ES) + "-byte entry");
        continue;
      }
      uint32_t N = Sec.Size / ES;
      std::vector<uint32_t> Owners(N, NoOwner);
      if (!L->ParallelTo.empty()) {
        auto It = OwnersByTable.find(L->ParallelTo.str());
        if (It == OwnersByTable.end() || It->second.size() != N) {
          Skip("its parallel table " + L->ParallelTo +
               " is missing or has a different number of entries");
          continue;
        }
        if (Sec.NumRelocs) {
          Skip("a parallel table with relocations of its own");
          continue;
        }
        Owners = It->second;
      } else {
        for (const ElfReloc &R : O.relocsOf(S)) {
          if (R.Offset >= Sec.Size) {
            return makeError("{0}: relocation at {1:x} is past the end "
                             "({2:x})",
                             O.describe(S), R.Offset, Sec.Size);
          }
          if (R.Offset % ES != L->OwnerOffset)
            continue;
          const ElfSymbol &Sym = O.Symbols[R.Symbol];
          // The owner must be a section of this object: SHF_LINK_ORDER
          // cannot point elsewhere.
          uint32_t T = Sym.Shndx;
          if (!Sym.inSection() || T == S)
            continue;
          if (Sym.Binding != ELF::STB_LOCAL && G.resolve(F, R.Symbol).File != F)
            continue; // overridden by another file's definition
          if (!(O.Sections[T].Flags & ELF::SHF_ALLOC))
            continue;
          Owners[R.Offset / ES] = T;
        }
      }
      OwnersByTable[Sec.Name.str()] = Owners;

      TableSplit Split;
      Split.File = F;
      Split.Sec = S;
      Split.EntrySize = ES;
      DenseMap<uint32_t, uint32_t> PieceOf;
      for (uint32_t I = 0; I < N; ++I) {
        if (Owners[I] == NoOwner) {
          Split.Remainder.push_back(I);
          continue;
        }
        auto [It, New] = PieceOf.try_emplace(Owners[I], Split.Pieces.size());
        if (New)
          Split.Pieces.push_back({Owners[I], {}});
        Split.Pieces[It->second].Entries.push_back(I);
      }
      if (!Split.Remainder.empty())
        Plan.Warnings.push_back(
            formatv("{0}: {1} of {2} entries have no owner in this object "
                    "and stay roots",
                    O.describe(S), Split.Remainder.size(), N)
                .str());
      if (!Split.Pieces.empty())
        Plan.Splits.push_back(std::move(Split));
    }
  }
  return Error::success();
}
