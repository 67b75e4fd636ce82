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
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include <algorithm>
#include <map>

using namespace sysgc;
using namespace llvm;

namespace {
constexpr uint32_t NoOwner = ~0u;

// For one object: which sections are referenced from some other section
// (such a table cannot be cut: the reference would not follow its entry).
std::vector<bool> referencedFromOutside(const ElfObject &O) {
  // Each symbol's section (0: none) in one sequential pass: read per
  // relocation, the 56-byte symbol entries missed the cache.
  std::vector<uint32_t> SecOf(O.Symbols.size());
  for (uint32_t I = 0; I < O.Symbols.size(); ++I)
    if (O.Symbols[I].inSection())
      SecOf[I] = O.Symbols[I].Shndx;
  std::vector<bool> Ref(O.Sections.size());
  for (uint32_t S = 1; S < O.Sections.size(); ++S)
    for (const ElfReloc &R : O.relocsOf(S))
      if (uint32_t T = SecOf[R.Symbol]; T && T != S)
        Ref[T] = true;
  return Ref;
}
} // namespace

uint32_t RangeSplit::rangeOf(uint64_t Offset) const {
  auto It = std::upper_bound(
      Ranges.begin(), Ranges.end(), Offset,
      [](uint64_t O, const std::pair<uint64_t, uint64_t> &R) {
        return O < R.first;
      });
  if (It == Ranges.begin())
    return Ranges.size();
  --It;
  return Offset < It->second ? It - Ranges.begin() : Ranges.size();
}

// The snippets of a split table whose entries name code in another section
// (x86 alternatives): each non-empty snippet belongs to its entry's owner.
static void planSnippets(const SectionGraph &G, LinkPlan &Plan,
                         size_t SplitIndex, const TableLayout &L) {
  const TableSplit &Split = Plan.Splits[SplitIndex];
  const ElfObject &O = G.object(Split.File);
  const ElfSection &Table = O.Sections[Split.Sec];
  uint32_t Snip = 0;
  for (uint32_t S = 1; S < O.Sections.size(); ++S)
    if (O.Sections[S].Name == L.SnippetSection)
      Snip = Snip ? ~0u : S;
  auto Skip = [&](const Twine &Why) {
    Plan.Warnings.push_back((O.describe(Snip) + ": left whole (its code "
                             "stays a root): " + Why)
                                .str());
  };
  if (!Snip)
    return;
  if (Snip == ~0u) {
    Plan.Warnings.push_back(
        (O.Name + ": several " + L.SnippetSection + " sections; left whole")
            .str());
    return;
  }
  if (!O.IsRela) {
    Skip("REL relocations are not supported for snippets yet");
    return;
  }
  std::vector<uint32_t> OwnerOf(Table.Size / Split.EntrySize, ~0u);
  for (const TablePiece &P : Split.Pieces)
    for (uint32_t E : P.Entries)
      OwnerOf[E] = P.Owner;
  struct Snippet {
    uint64_t Start, End;
    uint32_t Owner, Reloc;
  };
  std::vector<Snippet> Snips;
  uint32_t First = Table.FirstReloc;
  for (uint32_t I = 0; I < Table.NumRelocs; ++I) {
    const ElfReloc &R = O.Relocs[First + I];
    if (R.Offset % Split.EntrySize != L.SnippetRelocOffset)
      continue;
    const ElfSymbol &Sym = O.Symbols[R.Symbol];
    if (!Sym.inSection() || Sym.Shndx != Snip)
      continue;
    uint32_t Entry = R.Offset / Split.EntrySize;
    uint64_t LenAt = uint64_t(Entry) * Split.EntrySize + L.SnippetLenOffset;
    uint8_t Len = Table.Contents[LenAt];
    int64_t X = int64_t(Sym.Value) + R.Addend;
    if (!Len || OwnerOf[Entry] == ~0u)
      continue;
    if (X < 0 || uint64_t(X) + Len > O.Sections[Snip].Size) {
      Skip("an entry names bytes outside it");
      return;
    }
    Snips.push_back({uint64_t(X), uint64_t(X) + Len, OwnerOf[Entry],
                     First + I});
  }
  if (Snips.empty())
    return;
  // Nothing but the table and other split tables (objtool's lists of
  // return sites, say) may point into it; discarded and non-alloc sections,
  // such as objtool's annotations, do not count.
  std::vector<std::pair<uint32_t, size_t>> TableRefs; // (reloc, split)
  for (uint32_t S = 1; S < O.Sections.size(); ++S) {
    if (S == Split.Sec || S == Snip ||
        !(O.Sections[S].Flags & ELF::SHF_ALLOC) ||
        Plan.Discarded[G.node(Split.File, S)])
      continue;
    size_t Other = Plan.Splits.size();
    for (size_t J = 0; J < Plan.Splits.size(); ++J)
      if (Plan.Splits[J].File == Split.File && Plan.Splits[J].Sec == S)
        Other = J;
    for (uint32_t I = 0; I < O.Sections[S].NumRelocs; ++I) {
      uint32_t RI = O.Sections[S].FirstReloc + I;
      const ElfSymbol &Sym = O.Symbols[O.Relocs[RI].Symbol];
      if (!Sym.inSection() || Sym.Shndx != Snip)
        continue;
      if (Other == Plan.Splits.size()) {
        Skip("referenced from " + O.Sections[S].Name);
        return;
      }
      TableRefs.push_back({RI, Other});
    }
  }
  llvm::sort(Snips, [](const Snippet &A, const Snippet &B) {
    return std::tie(A.Start, A.End) < std::tie(B.Start, B.End);
  });
  RangeSplit RS;
  RS.File = Split.File;
  RS.Sec = Snip;
  DenseMap<uint32_t, uint32_t> PieceOf;
  std::vector<uint32_t> RangeOwner;
  for (const Snippet &Sn : Snips) {
    RS.Refs.push_back({Sn.Reloc, 0});
    if (!RS.Ranges.empty() && RS.Ranges.back().first == Sn.Start &&
        RS.Ranges.back().second == Sn.End) {
      // The same snippet named twice: fine if by the same owner.
      if (RangeOwner.back() != Sn.Owner) {
        Skip("a snippet shared by two functions");
        return;
      }
      continue;
    }
    if (!RS.Ranges.empty() && Sn.Start < RS.Ranges.back().second) {
      Skip("overlapping snippets");
      return;
    }
    RS.Ranges.push_back({Sn.Start, Sn.End});
    RangeOwner.push_back(Sn.Owner);
    auto [It, New] = PieceOf.try_emplace(Sn.Owner, RS.Pieces.size());
    if (New)
      RS.Pieces.push_back({Sn.Owner, {}});
    RS.Pieces[It->second].Ranges.push_back(RS.Ranges.size() - 1);
  }
  // Entries of other tables that point into a snippet now belong to the
  // snippet's function; every reference is remapped (the rest compacts).
  for (auto [RI, J] : TableRefs) {
    RS.Refs.push_back({RI, 0});
    const ElfReloc &R = O.Relocs[RI];
    const ElfSymbol &Sym = O.Symbols[R.Symbol];
    uint32_t Range = RS.rangeOf(Sym.Value + R.Addend);
    if (Range == RS.Ranges.size())
      continue;
    TableSplit &T = Plan.Splits[J];
    uint32_t Entry = R.Offset / T.EntrySize;
    uint32_t NewOwner = RangeOwner[Range];
    bool Moved = false;
    for (TablePiece &P : T.Pieces) {
      auto It = llvm::find(P.Entries, Entry);
      if (It != P.Entries.end() && P.Owner == Snip) {
        P.Entries.erase(It);
        Moved = true;
      }
    }
    if (!Moved)
      continue;
    auto It = llvm::find_if(T.Pieces,
                            [&](const TablePiece &P) { return P.Owner == NewOwner; });
    if (It == T.Pieces.end()) {
      T.Pieces.push_back({NewOwner, {}});
      It = T.Pieces.end() - 1;
    }
    It->Entries.insert(llvm::upper_bound(It->Entries, Entry), Entry);
  }
  for (TableSplit &T : Plan.Splits)
    llvm::erase_if(T.Pieces, [](const TablePiece &P) { return P.Entries.empty(); });
  Plan.RangeSplits.push_back(std::move(RS));
}

Error sysgc::planTables(const SectionGraph &G, const SectionKinds &K,
                        const PlanOptions &Opts, LinkPlan &Plan) {
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
      if (const TableLayout *L = K.Table[G.node(F, S)])
        Found.push_back({S, L}); // allocated: K holds allocated nodes only
    if (Found.empty())
      continue;
    // Primary tables before the parallel ones that follow them.
    std::stable_sort(Found.begin(), Found.end(), [](auto &A, auto &B) {
      return A.second->ParallelTo.empty() > B.second->ParallelTo.empty();
    });
    std::vector<bool> Outside = referencedFromOutside(O);
    std::map<std::string, std::vector<uint32_t>> OwnersByTable;
    std::vector<std::pair<size_t, const TableLayout *>> WithSnippets;

    for (auto [S, L] : Found) {
      const ElfSection &Sec = O.Sections[S];
      // A table whose layout is not the one sysgc knows: refuse (the
      // kernel's layout changed, or this is not the table sysgc thinks),
      // unless told to leave it whole, its entries roots.
      auto Refuse = [&](const Twine &Why) -> Error {
        std::string Msg = (O.describe(S) + ": not the " + L->Section +
                           " layout sysgc knows: " + Why)
                              .str();
        if (Opts.UnknownTablesAreErrors)
          return makeError("{0} (--sysgc-unknown-tables=warn leaves it "
                           "whole, its entries roots)",
                           Msg);
        Plan.Warnings.push_back(Msg + "; left whole (its entries stay roots)");
        return Error::success();
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
          if (R.Offset < Sec.Size && R.Offset % Cand == L->OwnerOffset &&
              Arch.namesOwner(R.Type))
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
        if (Error E = Refuse("size " + Twine(Sec.Size) +
                             " is not a multiple of the " +
                             Twine(L->EntrySize) + "-byte entry"))
          return E;
        continue;
      }
      if (Sec.Flags & (ELF::SHF_GROUP | ELF::SHF_LINK_ORDER)) {
        if (Error E = Refuse("already in a group or SHF_LINK_ORDER"))
          return E;
        continue;
      }
      if (Outside[S]) {
        if (Error E = Refuse("another section references it"))
          return E;
        continue;
      }
      if (Sec.Size % ES) {
        if (Error E = Refuse("size " + Twine(Sec.Size) +
                             " is not a multiple of the " + Twine(ES) +
                             "-byte entry"))
          return E;
        continue;
      }
      uint32_t N = Sec.Size / ES;
      std::vector<uint32_t> Owners(N, NoOwner);
      if (!L->ParallelTo.empty()) {
        auto It = OwnersByTable.find(L->ParallelTo.str());
        if (It == OwnersByTable.end() || It->second.size() != N) {
          if (Error E =
                  Refuse("its parallel table " + L->ParallelTo +
                         " is missing or has a different number of entries"))
            return E;
          continue;
        }
        if (Sec.NumRelocs) {
          if (Error E = Refuse("a parallel table with relocations of its own"))
            return E;
          continue;
        }
        Owners = It->second;
      } else {
        // An entry that names its own table through the section symbol
        // (a riscv "1b - ." whose SUB is .table + offset instead of a
        // label at the entry, as some assemblers write it) would point at
        // its old place once it moves: refuse rather than corrupt it.
        // clang's riscv objects name a local label in the entry instead,
        // which moves with it.
        auto SelfBySection = llvm::find_if(O.relocsOf(S), [&](const ElfReloc &R) {
          const ElfSymbol &Sym = O.Symbols[R.Symbol];
          return Sym.Type == ELF::STT_SECTION && Sym.Shndx == S;
        });
        if (SelfBySection != O.relocsOf(S).end()) {
          if (Error E = Refuse("the entry at offset " +
                               Twine::utohexstr(SelfBySection->Offset) +
                               " refers to the table itself through its "
                               "section symbol, which would not follow the "
                               "entry into its piece"))
            return E;
          continue;
        }
        for (const ElfReloc &R : O.relocsOf(S)) {
          if (R.Offset >= Sec.Size) {
            return makeError("{0}: relocation at {1:x} is past the end "
                             "({2:x})",
                             O.describe(S), R.Offset, Sec.Size);
          }
          // Entries move one by one: every relocation must be a type sysgc
          // knows and lie inside one entry.
          std::optional<unsigned> Len = Plan.Arch->tableRelocSize(R.Type);
          if (!Len)
            return makeError(
                "{0}: relocation {1} at offset {2:x} is not a type sysgc "
                "knows in a {3} entry; refusing to split the table",
                O.describe(S), Plan.Arch->relocName(R.Type), R.Offset,
                L->Section);
          if (R.Offset % ES + *Len > ES)
            return makeError("{0}: relocation {1} at offset {2:x} straddles "
                             "two {3}-byte entries; refusing to split the "
                             "table",
                             O.describe(S), Plan.Arch->relocName(R.Type),
                             R.Offset, ES);
          if (R.Offset % ES != L->OwnerOffset || !Arch.namesOwner(R.Type))
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
      // Owners are section indices: a flat map, and each piece's entries
      // counted first so that every vector is allocated once.
      std::vector<uint32_t> PieceOf(O.Sections.size(), ~0u);
      std::vector<uint32_t> Count;
      for (uint32_t I = 0; I < N; ++I) {
        if (Owners[I] == NoOwner)
          continue;
        uint32_t &P = PieceOf[Owners[I]];
        if (P == ~0u) {
          P = Split.Pieces.size();
          Split.Pieces.push_back({Owners[I], {}});
          Count.push_back(0);
        }
        ++Count[P];
      }
      for (uint32_t P = 0; P < Split.Pieces.size(); ++P)
        Split.Pieces[P].Entries.reserve(Count[P]);
      for (uint32_t I = 0; I < N; ++I) {
        if (Owners[I] == NoOwner)
          Split.Remainder.push_back(I);
        else
          Split.Pieces[PieceOf[Owners[I]]].Entries.push_back(I);
      }
      if (!Split.Remainder.empty())
        Plan.Warnings.push_back(
            formatv("{0}: {1} of {2} entries have no owner in this object "
                    "and stay roots",
                    O.describe(S), Split.Remainder.size(), N)
                .str());
      if (!Split.Pieces.empty()) {
        if (!L->SnippetSection.empty())
          WithSnippets.push_back({Plan.Splits.size(), L});
        Plan.Splits.push_back(std::move(Split));
      }
    }
    // After every table of the object: they may point into the snippets.
    for (auto [Index, L] : WithSnippets)
      planSnippets(G, Plan, Index, *L);
  }
  return Error::success();
}

void sysgc::planSnippetCode(const SectionGraph &G, const SectionKinds &K,
                            LinkPlan &Plan) {
  const ArchInfo &Arch = *Plan.Arch;
  const InputSet &In = G.inputs();
  for (uint32_t F = 0; F < In.Objects.size(); ++F) {
    if (!G.isLinked(F) || In.Objects[F].Shared)
      continue;
    const ElfObject &O = G.object(F);
    for (uint32_t Sec = 1; Sec < O.Sections.size(); ++Sec) {
      const ElfSection &Code = O.Sections[Sec];
      if (!K.BackRefCode[G.node(F, Sec)] || !O.IsRela)
        continue; // (allocated: K holds allocated nodes only)
      bool Handled = false;
      for (const RangeSplit &R : Plan.RangeSplits)
        Handled |= R.File == F && R.Sec == Sec;
      for (const TableLayout &L : Arch.Tables)
        Handled |= L.SnippetSection == Code.Name; // its table's business
      if (Handled)
        continue;
      auto Skip = [&](const Twine &Why) {
        Plan.Warnings.push_back(
            (O.describe(Sec) + ": left whole (its code stays a root): " + Why)
                .str());
      };
      // Every snippet starts where some function branches into it.
      std::map<uint64_t, std::vector<uint32_t>> SourcesAt; // X -> sections
      std::vector<std::tuple<uint32_t, int64_t, uint64_t>> Refs;
      bool Bad = false;
      for (uint32_t S = 1; S < O.Sections.size() && !Bad; ++S) {
        const ElfSection &From = O.Sections[S];
        if (!(From.Flags & ELF::SHF_ALLOC) || Plan.Discarded[G.node(F, S)])
          continue;
        bool Exec = From.Flags & ELF::SHF_EXECINSTR;
        for (uint32_t I = 0; I < From.NumRelocs; ++I) {
          uint32_t RI = From.FirstReloc + I;
          const ElfReloc &R = O.Relocs[RI];
          const ElfSymbol &Sym = O.Symbols[R.Symbol];
          if (!Sym.inSection() || Sym.Shndx != Sec)
            continue;
          if (S == Sec || !Exec) {
            Skip(S == Sec ? Twine("it branches into itself")
                          : "referenced from data in " + From.Name);
            Bad = true;
            break;
          }
          int64_t Bias = Arch.targetBias(R.Type, true);
          int64_t X = int64_t(Sym.Value) + R.Addend + Bias;
          if (X < 0 || uint64_t(X) >= Code.Size) {
            Skip("a branch to outside it");
            Bad = true;
            break;
          }
          SourcesAt[X].push_back(S);
          Refs.push_back({RI, Bias, uint64_t(X)});
        }
      }
      if (Bad || SourcesAt.empty())
        continue;
      RangeSplit RS;
      RS.File = F;
      RS.Sec = Sec;
      DenseMap<uint32_t, uint32_t> PieceOf;
      for (auto It = SourcesAt.begin(); It != SourcesAt.end(); ++It) {
        uint64_t End = std::next(It) == SourcesAt.end()
                           ? Code.Size
                           : std::next(It)->first;
        std::vector<uint32_t> Srcs = It->second;
        llvm::sort(Srcs);
        Srcs.erase(std::unique(Srcs.begin(), Srcs.end()), Srcs.end());
        if (Srcs.size() != 1)
          continue; // shared: stays behind, a root
        RS.Ranges.push_back({It->first, End});
        auto [P, New] = PieceOf.try_emplace(Srcs[0], RS.Pieces.size());
        if (New)
          RS.Pieces.push_back({Srcs[0], {}});
        RS.Pieces[P->second].Ranges.push_back(RS.Ranges.size() - 1);
      }
      for (auto &[RI, Bias, X] : Refs)
        RS.Refs.push_back({RI, Bias});
      if (!RS.Pieces.empty())
        Plan.RangeSplits.push_back(std::move(RS));
    }
  }
}
