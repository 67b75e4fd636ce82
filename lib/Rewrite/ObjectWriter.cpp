//===- ObjectWriter.cpp - Serialise a changed relocatable object ----------===//
//
// A direct ELF writer over llvm/Object/ELFTypes.h, generic over class and
// byte order. Unchanged section contents are copied byte for byte;
// relocation sections are re-encoded only where a relocation moved or
// changed its symbol. Section names of new pieces reuse the original
// section's sh_name, so .shstrtab only grows when a SHT_SYMTAB_SHNDX must be
// added.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Support/Error.h"
#include "sysgc/Support/FileUtil.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/xxhash.h"
#include <cstring>
#include <deque>

using namespace sysgc;
using namespace llvm;
using namespace llvm::object;

namespace {
ArrayRef<char> chars(ArrayRef<uint8_t> B) {
  return ArrayRef<char>(reinterpret_cast<const char *>(B.data()), B.size());
}

struct OutSection {
  uint32_t Name = 0;
  uint32_t Type = 0;
  uint64_t Flags = 0;
  uint32_t Link = 0;
  uint32_t Info = 0;
  uint64_t AddrAlign = 0;
  uint64_t EntSize = 0;
  uint64_t Size = 0;      // for NOBITS
  ArrayRef<uint8_t> Data; // borrowed, or in the writer's own storage
  MutableArrayRef<ElfReloc> Relocs; // when re-encoded (then Data is unused)
  bool EncodeRelocs = false;
  /// A coalesced run's relocations (then Relocs is unused): each joined
  /// section's, to be moved by its offset in the head.
  std::vector<std::pair<ArrayRef<ElfReloc>, uint64_t>> RelocParts;
  /// A coalesced section: its parts at their offsets (then Data is unused),
  /// the gaps filled with Fill.
  std::vector<std::pair<uint64_t, ArrayRef<uint8_t>>> Parts;
  std::array<uint8_t, 4> Fill{};

  /// A new section with this one's header and no contents.
  OutSection headerOnly() const {
    OutSection X;
    X.Name = Name;
    X.Type = Type;
    X.Flags = Flags;
    X.Link = Link;
    X.Info = Info;
    X.AddrAlign = AddrAlign;
    X.EntSize = EntSize;
    return X;
  }
};

template <class ELFT> class Writer {
  using Ehdr = typename ELFT::Ehdr;
  using Shdr = typename ELFT::Shdr;
  using Sym = typename ELFT::Sym;
  using Rel = typename ELFT::Rel;
  using Rela = typename ELFT::Rela;

public:
  Writer(const ElfObject &O, const ObjectEdits &E) : O(O), E(E) {}

  Error run(ObjectSink &Sink) {
    Syms = O.Symbols;
    SymtabIdx = O.SymtabIndex;
    StrtabIdx = O.SymtabIndex ? O.Sections[O.SymtabIndex].Link : 0;
    ShStrIdx = O.ShStrIndex;
    ShndxIndex = O.SymtabShndxIndex;
    // Pieces are appended: reserve for them (and their relocation
    // sections) once.
    size_t Pieces = 0;
    for (const TableSplit *S : E.Splits)
      Pieces += 2 * S->Pieces.size();
    for (const RangeSplit *S : E.RangeSplits)
      Pieces += 2 * S->Pieces.size();
    Secs.reserve(O.Sections.size() + Pieces + 1);
    Secs.resize(O.Sections.size());
    Excluded.resize(O.Sections.size());
    for (uint32_t I : E.Exclude) {
      if (I == 0 || I >= O.Sections.size())
        return makeError("{0}: cannot exclude section #{1}", O.Name, I);
      Excluded.set(I);
    }
    for (uint32_t I = 1; I < O.Sections.size(); ++I) {
      const ElfSection &S = O.Sections[I];
      OutSection &X = Secs[I];
      X.Name = S.NameOffset;
      X.Type = S.Type;
      X.Flags = S.Flags;
      X.Link = S.Link;
      X.Info = S.Info;
      X.AddrAlign = S.AddrAlign;
      X.EntSize = S.EntSize;
      X.Size = S.Size;
      X.Data = S.Contents;
    }
    if (Error Err = retarget())
      return Err;
    // Before the tables: the references they hold into split code change.
    for (const RangeSplit *S : E.RangeSplits)
      if (Error Err = splitRanges(*S))
        return Err;
    for (const TableSplit *S : E.Splits)
      if (Error Err = split(*S))
        return Err;
    for (uint32_t I : E.Exclude)
      Secs[I].Flags |= ELF::SHF_EXCLUDE;
    for (auto &[I, Name] : E.Renames) {
      if (I == 0 || I >= O.Sections.size())
        return makeError("{0}: cannot rename section #{1}", O.Name, I);
      Secs[I].Name = sectionNameOffset(Name);
    }
    if (E.Placement) {
      coalesce();
      if (Error Err = compact())
        return Err;
    }
    if (Error Err = finishSymbols())
      return Err;
    return serialise(Sink);
  }

private:
  // The index of a symbol named Name, appending an undefined global if the
  // object has none.
  uint32_t symbolNamed(StringRef Name) {
    auto It = NewSymbolIndex.find(Name);
    if (It != NewSymbolIndex.end())
      return It->second;
    uint32_t Found = 0;
    for (uint32_t I = Syms.size(); I-- > 1;)
      if (Syms[I].Name == Name && Syms[I].Type != ELF::STT_SECTION) {
        Found = I;
        if (Syms[I].Binding != ELF::STB_LOCAL)
          break;
      }
    if (!Found) {
      ElfSymbol S;
      S.Binding = ELF::STB_GLOBAL;
      S.Type = ELF::STT_NOTYPE;
      S.Shndx = 0;
      S.NameOffset = appendString(Name);
      S.Name = Name;
      Found = Syms.size();
      Syms.push_back(S);
    }
    NewSymbolIndex[Name] = Found;
    return Found;
  }

  // An offset in .shstrtab reading Name: an existing string or the tail of
  // one ("text" inside ".rela.text"), else appended.
  uint32_t sectionNameOffset(StringRef Name) {
    if (ShStr.empty()) {
      ArrayRef<uint8_t> Orig = O.Sections[O.ShStrIndex].Contents;
      ShStr.assign(Orig.begin(), Orig.end());
    }
    auto It = NameOffsets.find(Name);
    if (It != NameOffsets.end())
      return It->second;
    std::string Want = Name.str();
    Want.push_back('\0');
    StringRef Table(reinterpret_cast<const char *>(ShStr.data()), ShStr.size());
    size_t Off = Table.find(StringRef(Want.data(), Want.size()));
    if (Off == StringRef::npos) {
      Off = ShStr.size();
      ShStr.insert(ShStr.end(), Want.begin(), Want.end());
    }
    Secs[ShStrIdx].Data = ShStr;
    Secs[ShStrIdx].Size = ShStr.size();
    NameOffsets[Name] = Off;
    return Off;
  }

  uint32_t appendString(StringRef S) {
    if (ExtraStrings.empty()) {
      ArrayRef<uint8_t> Orig = O.Sections[O.Sections[O.SymtabIndex].Link].Contents;
      ExtraStrings.assign(Orig.begin(), Orig.end());
    }
    uint32_t Off = ExtraStrings.size();
    ExtraStrings.insert(ExtraStrings.end(), S.begin(), S.end());
    ExtraStrings.push_back(0);
    return Off;
  }

  MutableArrayRef<ElfReloc> editableRelocs(uint32_t Target) {
    uint32_t RS = O.Sections[Target].RelocSection;
    OutSection &X = Secs[RS];
    if (!X.EncodeRelocs) {
      auto R = O.relocsOf(Target);
      X.Relocs = RelocStore.emplace_back(R.begin(), R.end());
      X.EncodeRelocs = true;
    }
    return X.Relocs;
  }

  // Storage that lives as long as the writer (a deque: never moves).
  std::vector<uint8_t> &ownBytes() { return ByteStore.emplace_back(); }

  Error retarget() {
    if (E.Retargets.empty())
      return Error::success();
    if (!O.SymtabIndex)
      return makeError("{0}: no symbol table", O.Name);
    for (auto &[Reloc, Name] : E.Retargets) {
      if (Reloc >= O.Relocs.size())
        return makeError("{0}: no relocation #{1}", O.Name, Reloc);
      uint32_t Target = relocTarget(Reloc);
      MutableArrayRef<ElfReloc> Rs = editableRelocs(Target);
      Rs[Reloc - O.Sections[Target].FirstReloc].Symbol = symbolNamed(Name);
    }
    return Error::success();
  }

  Error split(const TableSplit &T) {
    const ElfSection &S = O.Sections[T.Sec];
    uint32_t ES = T.EntrySize;
    if (!ES || S.Size % ES || S.Type == ELF::SHT_NOBITS)
      return makeError("{0}: cannot split into {1}-byte entries",
                       O.describe(T.Sec), ES);
    uint32_t N = S.Size / ES;
    // Where each entry goes: (output section, entry position there).
    std::vector<std::pair<uint32_t, uint32_t>> Dest(N, {~0u, 0});
    // Every entry lands once, so all of them fit in one block of the
    // table's size; each output section gets a slice of it.
    std::vector<uint8_t> &Block = ownBytes();
    Block.reserve(S.Size);
    auto Place = [&](uint32_t Sec, const std::vector<uint32_t> &Entries)
        -> Error {
      size_t Start = Block.size();
      for (uint32_t I = 0; I < Entries.size(); ++I) {
        uint32_t En = Entries[I];
        if (En >= N || Dest[En].first != ~0u)
          return makeError("{0}: entry {1} placed twice or out of range",
                           O.describe(T.Sec), En);
        Dest[En] = {Sec, I};
        auto Bytes = S.Contents.slice(uint64_t(En) * ES, ES);
        Block.insert(Block.end(), Bytes.begin(), Bytes.end());
      }
      Secs[Sec].Data = ArrayRef<uint8_t>(Block).slice(Start);
      Secs[Sec].Size = Secs[Sec].Data.size();
      return Error::success();
    };

    if (Error Err = Place(T.Sec, T.Remainder))
      return Err;
    // Secs grows below: refer to sections by index only.
    std::vector<uint32_t> PieceIndex;
    for (const TablePiece &P : T.Pieces) {
      if (P.Owner == 0 || P.Owner >= O.Sections.size() || P.Owner == T.Sec)
        return makeError("{0}: bad owner section #{1}", O.describe(T.Sec),
                         P.Owner);
      uint32_t Index = addPiece(T.Sec, P.Owner);
      PieceIndex.push_back(Index);
      if (Error Err = Place(Index, P.Entries))
        return Err;
    }
    for (uint32_t En = 0; En < N; ++En)
      if (Dest[En].first == ~0u)
        return makeError("{0}: entry {1} is in no piece", O.describe(T.Sec),
                         En);

    // Relocations follow their entries.
    if (Error Err = moveRelocs(T.Sec, PieceIndex, [&](uint64_t Off) {
          auto [Sec, Pos] = Dest[Off / ES];
          return std::pair<uint32_t, uint64_t>(Sec,
                                               uint64_t(Pos) * ES + Off % ES);
        }))
      return Err;

    // Symbols defined inside the table move with their entry.
    for (ElfSymbol &Sm : Syms) {
      if (!Sm.inSection() || Sm.Shndx != T.Sec || Sm.Type == ELF::STT_SECTION)
        continue;
      if (Sm.Value >= S.Size) {
        Sm.Value = T.Remainder.size() * uint64_t(ES);
        continue;
      }
      auto [Sec, Pos] = Dest[Sm.Value / ES];
      Sm.Value = uint64_t(Pos) * ES + Sm.Value % ES;
      Sm.Shndx = Sec;
      Sm.XIndex = Sec >= ELF::SHN_LORESERVE;
    }
    return Error::success();
  }

  // Append an empty SHF_LINK_ORDER piece of section Sec, linked to Owner.
  // A piece of an excluded owner is excluded with it.
  uint32_t addPiece(uint32_t Sec, uint32_t Owner) {
    OutSection X = Secs[Sec].headerOnly();
    X.Flags |= ELF::SHF_LINK_ORDER;
    if (Excluded[Owner])
      X.Flags |= ELF::SHF_EXCLUDE;
    X.Link = Owner;
    Secs.push_back(std::move(X));
    return Secs.size() - 1;
  }

  // Give the relocations of split section Sec to their new homes: Dest maps
  // an offset in Sec to (output section, offset there).
  template <class DestFn>
  Error moveRelocs(uint32_t Sec, const std::vector<uint32_t> &NewSecs,
                   DestFn Dest) {
    const ElfSection &S = O.Sections[Sec];
    if (!S.RelocSection)
      return Error::success();
    ArrayRef<ElfReloc> All = relocsOf(Sec);
    // Group g: Sec itself (0) or NewSecs[g - 1]. A stable counting sort by
    // group keeps each group's relocations in their original order.
    DenseMap<uint32_t, uint32_t> GroupOf;
    GroupOf[Sec] = 0;
    for (uint32_t I = 0; I < NewSecs.size(); ++I)
      GroupOf[NewSecs[I]] = I + 1;
    std::vector<uint32_t> Group(All.size());
    std::vector<uint64_t> NewOff(All.size());
    std::vector<uint32_t> Start(NewSecs.size() + 2, 0);
    for (size_t I = 0; I < All.size(); ++I) {
      if (All[I].Offset >= S.Size)
        return makeError("{0}: relocation at {1:x} is past the end",
                         O.describe(Sec), All[I].Offset);
      auto [To, Off] = Dest(All[I].Offset);
      auto It = GroupOf.find(To);
      if (It == GroupOf.end())
        return makeError("{0}: relocation at {1:x} moves to no piece",
                         O.describe(Sec), All[I].Offset);
      Group[I] = It->second;
      NewOff[I] = Off;
      ++Start[It->second + 1];
    }
    for (size_t G = 1; G < Start.size(); ++G)
      Start[G] += Start[G - 1];
    std::vector<ElfReloc> &Sorted = RelocStore.emplace_back(All.size());
    {
      std::vector<uint32_t> Next(Start.begin(), Start.end() - 1);
      for (size_t I = 0; I < All.size(); ++I) {
        ElfReloc &R = Sorted[Next[Group[I]]++];
        R = All[I];
        R.Offset = NewOff[I];
      }
    }
    auto Slice = [&](uint32_t G) {
      return MutableArrayRef<ElfReloc>(Sorted).slice(Start[G],
                                                     Start[G + 1] - Start[G]);
    };
    Secs[S.RelocSection].Relocs = Slice(0);
    Secs[S.RelocSection].EncodeRelocs = true;
    for (uint32_t I = 0; I < NewSecs.size(); ++I) {
      if (Start[I + 2] == Start[I + 1])
        continue;
      OutSection R = Secs[S.RelocSection].headerOnly();
      R.Info = NewSecs[I];
      R.EncodeRelocs = true;
      R.Relocs = Slice(I + 1);
      Secs.push_back(std::move(R));
    }
    return Error::success();
  }

  // Cut byte ranges of a code section into per-owner SHF_LINK_ORDER pieces,
  // compact what is left, and point the references at the pieces through
  // new hidden symbols (appended, so no symbol index changes).
  Error splitRanges(const RangeSplit &RS) {
    const ElfSection &S = O.Sections[RS.Sec];
    uint32_t NR = RS.Ranges.size();
    for (uint32_t I = 0; I < NR; ++I)
      if (RS.Ranges[I].first >= RS.Ranges[I].second ||
          RS.Ranges[I].second > S.Size ||
          (I && RS.Ranges[I].first < RS.Ranges[I - 1].second))
        return makeError("{0}: bad snippet range #{1}", O.describe(RS.Sec), I);
    std::vector<uint32_t> PieceOfRange(NR, ~0u), PieceIndex;
    std::vector<uint64_t> NewStart(NR);
    for (const RangePiece &P : RS.Pieces) {
      if (P.Owner == 0 || P.Owner >= O.Sections.size())
        return makeError("{0}: bad owner section #{1}", O.describe(RS.Sec),
                         P.Owner);
      uint32_t Index = addPiece(RS.Sec, P.Owner);
      std::vector<uint8_t> &Piece = ownBytes();
      for (uint32_t R : P.Ranges) {
        if (R >= NR || PieceOfRange[R] != ~0u)
          return makeError("{0}: snippet #{1} placed twice",
                           O.describe(RS.Sec), R);
        PieceOfRange[R] = Index;
        NewStart[R] = Piece.size();
        auto Bytes = S.Contents.slice(RS.Ranges[R].first,
                                      RS.Ranges[R].second - RS.Ranges[R].first);
        Piece.insert(Piece.end(), Bytes.begin(), Bytes.end());
      }
      PieceIndex.push_back(Index);
      Secs[Index].Data = Piece;
      Secs[Index].Size = Piece.size();
    }
    // Bytes outside every range stay, compacted.
    std::vector<uint64_t> Before(NR + 1, 0); // bytes moved before range I
    for (uint32_t I = 0; I < NR; ++I)
      Before[I + 1] =
          Before[I] + (PieceOfRange[I] == ~0u
                           ? 0
                           : RS.Ranges[I].second - RS.Ranges[I].first);
    auto Dest = [&](uint64_t Off) -> std::pair<uint32_t, uint64_t> {
      uint32_t R = RS.rangeOf(Off);
      if (R < NR && PieceOfRange[R] != ~0u)
        return {PieceOfRange[R], NewStart[R] + Off - RS.Ranges[R].first};
      // Moved bytes of all earlier ranges.
      auto It = std::upper_bound(
          RS.Ranges.begin(), RS.Ranges.end(), Off,
          [](uint64_t O, const std::pair<uint64_t, uint64_t> &X) {
            return O < X.first;
          });
      return {RS.Sec, Off - Before[It - RS.Ranges.begin()]};
    };
    {
      std::vector<uint8_t> &Rest = ownBytes();
      uint64_t Pos = 0;
      for (uint32_t I = 0; I < NR; ++I) {
        if (PieceOfRange[I] == ~0u)
          continue;
        Rest.insert(Rest.end(), S.Contents.begin() + Pos,
                    S.Contents.begin() + RS.Ranges[I].first);
        Pos = RS.Ranges[I].second;
      }
      Rest.insert(Rest.end(), S.Contents.begin() + Pos, S.Contents.end());
      Secs[RS.Sec].Data = Rest;
      Secs[RS.Sec].Size = Rest.size();
    }

    // The references into the section, before anything else moves.
    std::vector<uint32_t> Hidden(Secs.size(), 0);
    for (auto [Reloc, Bias] : RS.Refs) {
      uint32_t Target = relocTarget(Reloc);
      if (!Target)
        return makeError("{0}: no relocation #{1}", O.Name, Reloc);
      ElfReloc &R = editableRelocs(Target)[Reloc - O.Sections[Target].FirstReloc];
      const ElfSymbol &Sym = O.Symbols[R.Symbol];
      if (!Sym.inSection() || Sym.Shndx != RS.Sec)
        return makeError("{0}: relocation #{1} does not point into {2}",
                         O.Name, Reloc, S.Name);
      uint64_t X = Sym.Value + R.Addend + Bias;
      auto [To, Off] = Dest(X);
      if (To == RS.Sec) {
        R.Addend = int64_t(Off) - int64_t(Sym.Value) - Bias;
        continue;
      }
      if (!Hidden[To]) {
        ElfSymbol H;
        NewNames.push_back(
            formatv("__sysgc_snippet_{0:x}_{1}", xxh3_64bits(O.Name), To)
                .str());
        H.Name = NewNames.back();
        H.NameOffset = appendString(H.Name);
        H.Binding = ELF::STB_GLOBAL;
        H.Type = ELF::STT_NOTYPE;
        H.Other = ELF::STV_HIDDEN;
        H.Shndx = To;
        H.XIndex = To >= ELF::SHN_LORESERVE;
        Hidden[To] = Syms.size();
        Syms.push_back(H);
      }
      R.Symbol = Hidden[To];
      R.Addend = int64_t(Off) - Bias;
    }

    if (Error Err = moveRelocs(RS.Sec, PieceIndex, Dest))
      return Err;
    for (ElfSymbol &Sm : Syms) {
      if (!Sm.inSection() || Sm.Shndx != RS.Sec || Sm.Type == ELF::STT_SECTION)
        continue;
      auto [To, Off] = Dest(std::min<uint64_t>(Sm.Value, S.Size));
      if (Sm.Value >= S.Size)
        Off = Secs[RS.Sec].Size;
      Sm.Shndx = To;
      Sm.Value = Off;
      Sm.XIndex = To >= ELF::SHN_LORESERVE;
    }
    return Error::success();
  }

  // May section I join a run? A plain allocated section lld would take as
  // it is: no link-order, group, merge, TLS or linked section, and none
  // whose contents lld parses (.eh_frame).
  bool coalescable(uint32_t I) const {
    const OutSection &X = Secs[I];
    if (X.Type != ELF::SHT_PROGBITS && X.Type != ELF::SHT_NOBITS)
      return false;
    if (X.Flags & (ELF::SHF_LINK_ORDER | ELF::SHF_GROUP | ELF::SHF_MERGE |
                   ELF::SHF_STRINGS | ELF::SHF_TLS | ELF::SHF_EXCLUDE))
      return false;
    if (X.Link || X.Info || !X.Parts.empty())
      return false;
    StringRef Name = sectionName(X.Name);
    return !Name.starts_with(".eh_frame") && !Name.starts_with(".llvm");
  }

  StringRef sectionName(uint32_t Off) const {
    ArrayRef<uint8_t> Tab =
        ShStr.empty() ? O.Sections[O.ShStrIndex].Contents : ArrayRef(ShStr);
    if (Off >= Tab.size())
      return "";
    return StringRef(reinterpret_cast<const char *>(Tab.data()) + Off,
                     strnlen(reinterpret_cast<const char *>(Tab.data()) + Off,
                             Tab.size() - Off));
  }

  // See ObjectEdits::Coalesce. Runs are cut in section index order, which
  // is the order lld gives a file's sections matching one input section
  // description: only sections of one name (so matching the same
  // description), with no other kept allocated section between them, are
  // joined, so the output order is lld's own. Non-allocated sections
  // (relocations, debug info) and excluded ones do not end a run.
  void coalesce() {
    uint32_t N = O.Sections.size();
    // lld orders the sections of a call graph profile by it: leave them.
    for (uint32_t I = 1; I < N; ++I)
      if (Secs[I].Type == ELF::SHT_LLVM_CALL_GRAPH_PROFILE)
        return;
    // Each run: its sections in order. Runs of several names may be open
    // at once (.text and .data sections alternate in a kernel object); a
    // section closes every open run it may come between (one of its
    // placement classes), its own name's too unless it joins that run.
    std::vector<std::vector<uint32_t>> Runs;
    std::vector<bool> RunOpen;
    StringMap<int> OpenRunOf;                        // name -> open run
    DenseMap<uint32_t, std::vector<uint32_t>> OpenIn; // class -> runs
    for (uint32_t I = 1; I < N; ++I) {
      const OutSection &X = Secs[I];
      if (!(X.Flags & ELF::SHF_ALLOC) || (X.Flags & ELF::SHF_EXCLUDE))
        continue;
      StringRef Name = sectionName(X.Name);
      int &Own = OpenRunOf.try_emplace(Name, -1).first->second;
      bool Joinable = coalescable(I);
      bool Joins = false;
      if (Joinable && Own >= 0 && RunOpen[Own]) {
        // No part aligned more than the head: lld places the head where
        // it would have anyway, and every part then lands at the address
        // lld would give it on its own (byte-identical output).
        const OutSection &H = Secs[Runs[Own].front()];
        Joins = X.Type == H.Type && X.Flags == H.Flags &&
                X.EntSize == H.EntSize &&
                std::max<uint64_t>(X.AddrAlign, 1) <=
                    std::max<uint64_t>(H.AddrAlign, 1);
      }
      const std::vector<uint32_t> &Classes = E.Placement->classesOf(Name);
      for (uint32_t C : Classes) {
        std::vector<uint32_t> &L = OpenIn[C];
        for (uint32_t R : L)
          if (!(Joins && int(R) == Own))
            RunOpen[R] = false;
        L.clear();
        if (Joins)
          L.push_back(Own);
      }
      if (Joins) {
        Runs[Own].push_back(I);
        continue;
      }
      if (!Joinable)
        continue;
      Own = Runs.size();
      Runs.push_back({I});
      RunOpen.push_back(true);
      for (uint32_t C : Classes)
        OpenIn[C].push_back(Own);
    }
    // Where each joined section went: (head, offset there).
    std::vector<std::pair<uint32_t, uint64_t>> Moved(N, {0, 0});
    Joined.resize(Secs.size());
    bool Any = false;
    for (const std::vector<uint32_t> &Run : Runs) {
      if (Run.size() < 2)
        continue;
      Any = true;
      uint32_t Head = Run.front();
      OutSection &H = Secs[Head];
      bool NoBits = H.Type == ELF::SHT_NOBITS;
      uint64_t Off = 0, Align = 1;
      std::vector<std::pair<uint64_t, ArrayRef<uint8_t>>> Parts;
      for (uint32_t I : Run) {
        const OutSection &X = Secs[I];
        uint64_t A = std::max<uint64_t>(1, X.AddrAlign);
        Align = std::max(Align, A);
        Off = alignTo(Off, A);
        Moved[I] = {Head, Off};
        if (!NoBits)
          Parts.push_back({Off, X.Data});
        Off += NoBits ? X.Size : X.Data.size();
      }
      // The relocations at their new offsets, in the first relocation
      // section of the run, now the head's. They go in the order of their
      // relocation sections, which is the order lld copies them in under
      // --emit-relocs.
      std::vector<std::pair<uint32_t, uint32_t>> ByRelSec; // (rel, part)
      for (uint32_t I : Run)
        if (uint32_t RS = O.Sections[I].RelocSection)
          ByRelSec.push_back({RS, I});
      llvm::sort(ByRelSec);
      uint32_t RelSec = ByRelSec.empty() ? 0 : ByRelSec.front().first;
      std::vector<std::pair<ArrayRef<ElfReloc>, uint64_t>> RelocParts;
      RelocParts.reserve(ByRelSec.size());
      for (auto [RS, I] : ByRelSec) {
        RelocParts.push_back({relocsOf(I), Moved[I].second});
        Secs[RS].EncodeRelocs = true;
        Secs[RS].Relocs = {};
        if (RS != ByRelSec.front().first)
          Joined.set(RS);
      }
      if (RelSec) {
        Secs[RelSec].Info = Head;
        Secs[RelSec].RelocParts = std::move(RelocParts);
      }
      for (uint32_t I : drop_begin(Run)) {
        OutSection &X = Secs[I];
        X.Flags |= ELF::SHF_EXCLUDE;
        X.Data = {};
        X.Size = 0;
        Joined.set(I);
      }
      H.AddrAlign = Align;
      H.Size = Off;
      if (!NoBits) {
        H.Parts = std::move(Parts);
        if (H.Flags & ELF::SHF_EXECINSTR)
          H.Fill = E.CodeFill;
      }
    }
    if (!Any)
      return;
    // Symbols follow their section (section symbols too: a section symbol
    // of a joined section points at its part, so no relocation changes).
    for (ElfSymbol &S : Syms) {
      if (!S.inSection() || S.Shndx >= N || !Moved[S.Shndx].first)
        continue;
      auto [Head, Off] = Moved[S.Shndx];
      S.Value += Off;
      S.Shndx = Head;
      S.XIndex = Head >= ELF::SHN_LORESERVE;
    }
    // Link-order sections (table pieces among them) ordered after a joined
    // section follow it.
    for (uint32_t I = 1; I < Secs.size(); ++I)
      if ((Secs[I].Flags & ELF::SHF_LINK_ORDER) && Secs[I].Link < N &&
          Moved[Secs[I].Link].first)
        Secs[I].Link = Moved[Secs[I].Link].first;
  }

  // Remove the sections coalesce() emptied and number the rest anew: lld
  // reads a section header, a name and a relocation section less for each
  // (in a kernel object nine in ten sections go). One still named by a
  // kept section (sh_link, sh_info, a group) or a symbol stays, as the
  // empty SHF_EXCLUDE placeholder it is.
  Error compact() {
    uint32_t N = Secs.size();
    if (Joined.none())
      return Error::success();
    Joined.resize(N);
    auto InfoIsSection = [](const OutSection &X) {
      return X.Type == ELF::SHT_REL || X.Type == ELF::SHT_RELA ||
             (X.Flags & ELF::SHF_INFO_LINK);
    };
    // A group's words: its flags, then its members' indices (read
    // unaligned: the contents are wherever the input put them).
    auto GroupWord = [](ArrayRef<uint8_t> Data, size_t J) {
      return support::endian::read<uint32_t>(Data.data() + 4 * J,
                                             ELFT::Endianness);
    };
    for (const ElfSymbol &S : Syms)
      if (S.inSection() && S.Shndx < N)
        Joined.reset(S.Shndx);
    Joined.reset(0);
    // To a fixed point: a placeholder kept for its name keeps what it
    // names in turn.
    for (bool Changed = true; Changed;) {
      Changed = false;
      auto Keep = [&](uint32_t I) {
        if (I < N && Joined[I]) {
          Joined.reset(I);
          Changed = true;
        }
      };
      for (uint32_t I = 1; I < N; ++I) {
        const OutSection &X = Secs[I];
        if (Joined[I])
          continue;
        Keep(X.Link);
        if (InfoIsSection(X))
          Keep(X.Info);
        if (X.Type == ELF::SHT_GROUP)
          for (size_t J = 1; J < X.Data.size() / 4; ++J)
            Keep(GroupWord(X.Data, J));
      }
    }
    if (Joined.none())
      return Error::success();

    std::vector<uint32_t> NewIndex(N, 0);
    std::vector<OutSection> Kept;
    Kept.reserve(N - Joined.count());
    for (uint32_t I = 0; I < N; ++I)
      if (!Joined[I]) {
        NewIndex[I] = Kept.size();
        Kept.push_back(std::move(Secs[I]));
      }
    auto Map = [&](uint32_t I) -> Expected<uint32_t> {
      if (I >= N || Joined[I])
        return makeError("{0}: section index {1} out of range", O.Name, I);
      return NewIndex[I];
    };
    for (OutSection &X : Kept) {
      if (X.Link) {
        auto L = Map(X.Link);
        if (!L)
          return L.takeError();
        X.Link = *L;
      }
      if (InfoIsSection(X) && X.Info) {
        auto L = Map(X.Info);
        if (!L)
          return L.takeError();
        X.Info = *L;
      }
      if (X.Type == ELF::SHT_GROUP && X.Data.size() >= 4) {
        std::vector<uint8_t> &Bytes = ownBytes();
        Bytes.assign(X.Data.begin(), X.Data.end());
        for (size_t J = 1; J < Bytes.size() / 4; ++J) {
          auto L = Map(GroupWord(Bytes, J));
          if (!L)
            return L.takeError();
          support::endian::write<uint32_t>(Bytes.data() + 4 * J, *L,
                                           ELFT::Endianness);
        }
        X.Data = Bytes;
      }
    }
    for (ElfSymbol &S : Syms)
      if (S.inSection() && S.Shndx < N) {
        S.Shndx = NewIndex[S.Shndx];
        S.XIndex = S.Shndx >= ELF::SHN_LORESERVE;
      }
    SymtabIdx = NewIndex[SymtabIdx];
    StrtabIdx = NewIndex[StrtabIdx];
    ShStrIdx = NewIndex[ShStrIdx];
    ShndxIndex = NewIndex[ShndxIndex];
    Secs = std::move(Kept);
    return Error::success();
  }

  // The relocations of section I as they stand.
  ArrayRef<ElfReloc> relocsOf(uint32_t I) const {
    uint32_t RS = O.Sections[I].RelocSection;
    if (!RS)
      return {};
    if (Secs[RS].EncodeRelocs)
      return Secs[RS].Relocs;
    return O.relocsOf(I);
  }

  // The section a relocation index belongs to (0 if none): a binary search
  // over the sections' relocation ranges, which are disjoint.
  uint32_t relocTarget(uint32_t Reloc) {
    if (RelocRanges.empty()) {
      for (uint32_t I = 1; I < O.Sections.size(); ++I)
        if (O.Sections[I].NumRelocs)
          RelocRanges.push_back({O.Sections[I].FirstReloc, I});
      llvm::sort(RelocRanges);
    }
    auto It = llvm::upper_bound(RelocRanges, std::make_pair(Reloc, ~0u));
    if (It == RelocRanges.begin())
      return 0;
    const ElfSection &S = O.Sections[std::prev(It)->second];
    return Reloc < S.FirstReloc + S.NumRelocs ? std::prev(It)->second : 0;
  }
  std::vector<std::pair<uint32_t, uint32_t>> RelocRanges;

  Error finishSymbols() {
    // Extended indices: every symbol in a section >= SHN_LORESERVE needs
    // an SHT_SYMTAB_SHNDX entry.
    bool NeedShndx = ShndxIndex != 0;
    for (const ElfSymbol &S : Syms)
      if (S.inSection() && S.Shndx >= ELF::SHN_LORESERVE)
        NeedShndx = true;
    if (NeedShndx && !ShndxIndex) {
      OutSection X;
      X.Name = sectionNameOffset(".symtab_shndx");
      X.Type = ELF::SHT_SYMTAB_SHNDX;
      X.Link = SymtabIdx;
      X.AddrAlign = 4;
      X.EntSize = 4;
      ShndxIndex = Secs.size();
      Secs.push_back(std::move(X));
    }
    if (!SymtabIdx)
      return Error::success();

    // Re-encode the symbol table (cheap next to relocations, and it is
    // where shndx and new symbols land).
    OutSection &ST = Secs[SymtabIdx];
    std::vector<uint8_t> &STBytes = ownBytes();
    STBytes.resize(Syms.size() * sizeof(Sym));
    std::vector<uint8_t> &Shndx = ownBytes();
    Shndx.resize(NeedShndx ? Syms.size() * 4 : 0);
    for (size_t I = 0; I < Syms.size(); ++I) {
      const ElfSymbol &S = Syms[I];
      Sym Out;
      memset(&Out, 0, sizeof(Out));
      Out.st_name = S.NameOffset;
      Out.st_value = S.Value;
      Out.st_size = S.Size;
      Out.st_info = (S.Binding << 4) | (S.Type & 0xf);
      Out.st_other = S.Other;
      uint32_t Real = S.Shndx;
      bool X = S.inSection() && Real >= ELF::SHN_LORESERVE;
      Out.st_shndx = X ? uint16_t(ELF::SHN_XINDEX) : uint16_t(Real);
      if (NeedShndx) {
        typename ELFT::Word W;
        W = X ? Real : 0;
        memcpy(&Shndx[I * 4], &W, 4);
      }
      memcpy(&STBytes[I * sizeof(Sym)], &Out, sizeof(Sym));
    }
    ST.Data = STBytes;
    ST.Size = STBytes.size();
    if (NeedShndx) {
      Secs[ShndxIndex].Data = Shndx;
      Secs[ShndxIndex].Size = Shndx.size();
    }
    if (!ExtraStrings.empty()) {
      Secs[StrtabIdx].Data = ExtraStrings;
      Secs[StrtabIdx].Size = ExtraStrings.size();
    }
    return Error::success();
  }

  size_t relocEntrySize(const OutSection &X) const {
    return X.Type == ELF::SHT_RELA ? sizeof(Rela) : sizeof(Rel);
  }

  // The bytes of section X in the output.
  uint64_t fileSize(const OutSection &X) const {
    if (X.Type == ELF::SHT_NOBITS)
      return 0;
    if (!X.Parts.empty())
      return X.Size;
    if (!X.EncodeRelocs)
      return X.Data.size();
    size_t N = X.Relocs.size();
    for (auto &[Rs, Delta] : X.RelocParts)
      N += Rs.size();
    return N * relocEntrySize(X);
  }

  void encodeRelocs(const OutSection &X, ObjectSink &Sink) const {
    encodeRelocs(X, X.Relocs, 0, Sink);
    for (auto &[Rs, Delta] : X.RelocParts)
      encodeRelocs(X, Rs, Delta, Sink);
  }

  // Rs at their offsets plus Delta, a sink-sized batch at a time.
  void encodeRelocs(const OutSection &X, ArrayRef<ElfReloc> Rs,
                    uint64_t Delta, ObjectSink &Sink) const {
    bool IsRela = X.Type == ELF::SHT_RELA;
    size_t Ent = relocEntrySize(X);
    size_t Batch = ObjectSink::MaxSpace / Ent;
    for (size_t B = 0; B < Rs.size(); B += Batch) {
      size_t N = std::min(Batch, Rs.size() - B);
      char *To = Sink.space(N * Ent).data();
      for (size_t I = 0; I < N; ++I) {
        const ElfReloc &R = Rs[B + I];
        if (IsRela) {
          Rela Out;
          Out.r_offset = R.Offset + Delta;
          Out.setSymbolAndType(R.Symbol, R.Type, false);
          Out.r_addend = R.Addend;
          memcpy(To + I * Ent, &Out, Ent);
        } else {
          Rel Out;
          Out.r_offset = R.Offset + Delta;
          Out.setSymbolAndType(R.Symbol, R.Type, false);
          memcpy(To + I * Ent, &Out, Ent);
        }
      }
    }
  }

  // Pattern (repeated from its start) into Sink from From up to To (none
  // if To is not past From).
  static void fill(ObjectSink &Sink, uint64_t From, uint64_t To,
                   const std::array<uint8_t, 4> &Pattern) {
    uint64_t Count = To > From ? To - From : 0;
    for (uint64_t Done = 0; Done < Count;) {
      size_t N = std::min<uint64_t>(Count - Done, ObjectSink::MaxSpace);
      MutableArrayRef<char> To = Sink.space(N);
      for (size_t I = 0; I < N; ++I)
        To[I] = char(Pattern[(Done + I) % 4]);
      Done += N;
    }
  }

  // A coalesced section: its parts, each gap filled as lld fills the gaps
  // between input sections (the pattern repeated from the gap's start).
  void writeParts(const OutSection &X, ObjectSink &Sink) const {
    uint64_t Pos = 0;
    for (auto &[Off, Bytes] : X.Parts) {
      fill(Sink, Pos, Off, X.Fill);
      Sink.append(chars(Bytes));
      Pos = Off + Bytes.size();
    }
    fill(Sink, Pos, X.Size, X.Fill);
  }

  // Every byte of the output, front to back: the header, each section at
  // its offset (zeros between), the section headers.
  Error serialise(ObjectSink &Sink) {
    uint64_t NumSecs = Secs.size();
    std::vector<uint64_t> Offsets(NumSecs, 0);
    uint64_t Off = sizeof(Ehdr);
    for (uint64_t I = 1; I < NumSecs; ++I) {
      const OutSection &X = Secs[I];
      uint64_t Align = std::max<uint64_t>(1, std::min<uint64_t>(X.AddrAlign, 64));
      Off = alignTo(Off, Align);
      Offsets[I] = Off;
      Off += fileSize(X);
    }
    Off = alignTo(Off, sizeof(typename ELFT::uint));
    uint64_t ShOff = Off;
    uint64_t Total = ShOff + NumSecs * sizeof(Shdr);
    if (Error Err = Sink.start(Total))
      return Err;

    Ehdr H;
    memcpy(&H, O.Buffer.getBufferStart(), sizeof(Ehdr));
    H.e_shoff = ShOff;
    H.e_shentsize = sizeof(Shdr);
    H.e_phoff = 0;
    H.e_phnum = 0;
    H.e_shnum = NumSecs >= ELF::SHN_LORESERVE ? 0 : NumSecs;
    H.e_shstrndx = ShStrIdx >= ELF::SHN_LORESERVE ? uint16_t(ELF::SHN_XINDEX)
                                                  : uint16_t(ShStrIdx);
    memcpy(Sink.space(sizeof(Ehdr)).data(), &H, sizeof(Ehdr));
    uint64_t Pos = sizeof(Ehdr);
    static constexpr std::array<uint8_t, 4> Zeros{};
    for (uint64_t I = 1; I < NumSecs; ++I) {
      const OutSection &X = Secs[I];
      if (X.Type == ELF::SHT_NOBITS)
        continue;
      fill(Sink, Pos, Offsets[I], Zeros);
      if (!X.Parts.empty())
        writeParts(X, Sink);
      else if (X.EncodeRelocs)
        encodeRelocs(X, Sink);
      else
        Sink.append(chars(X.Data));
      Pos = Offsets[I] + fileSize(X);
    }
    fill(Sink, Pos, ShOff, Zeros);
    for (uint64_t I = 0; I < NumSecs; ++I) {
      Shdr S;
      memset(&S, 0, sizeof(S));
      if (I == 0) {
        if (NumSecs >= ELF::SHN_LORESERVE)
          S.sh_size = NumSecs;
        if (ShStrIdx >= ELF::SHN_LORESERVE)
          S.sh_link = ShStrIdx;
      } else {
        const OutSection &X = Secs[I];
        S.sh_name = X.Name;
        S.sh_type = X.Type;
        S.sh_flags = X.Flags;
        S.sh_offset = Offsets[I];
        S.sh_size = X.Type == ELF::SHT_NOBITS ? X.Size : fileSize(X);
        S.sh_link = X.Link;
        S.sh_info = X.Info;
        S.sh_addralign = X.AddrAlign;
        S.sh_entsize = X.EntSize;
      }
      memcpy(Sink.space(sizeof(Shdr)).data(), &S, sizeof(Shdr));
    }
    if (Sink.written() != Total) // the layout and the bytes disagree
      return makeError("{0}: internal error: {1} bytes written, {2} laid out",
                       O.Name, Sink.written(), Total);
    return Error::success();
  }

  const ElfObject &O;
  const ObjectEdits &E;
  std::vector<ElfSymbol> Syms;
  std::vector<OutSection> Secs;
  std::vector<uint8_t> ExtraStrings;
  std::vector<uint8_t> ShStr;
  // Where the symbol table, its string table, .shstrtab and the extended
  // index table are among Secs (compact() renumbers them).
  uint32_t SymtabIdx = 0, StrtabIdx = 0, ShStrIdx = 0, ShndxIndex = 0;
  // Sections coalesce() emptied: joined into their run's head, or a
  // relocation section whose relocations moved to the head's.
  BitVector Joined;
  StringMap<uint32_t> NewSymbolIndex;
  StringMap<uint32_t> NameOffsets;
  std::deque<std::string> NewNames;
  BitVector Excluded; // over O.Sections
  std::deque<std::vector<uint8_t>> ByteStore;
  std::deque<std::vector<ElfReloc>> RelocStore;
};
} // namespace

Error sysgc::writeObject(const ElfObject &O, const ObjectEdits &E,
                         ObjectSink &Sink) {
  if (!O.isRelocatable())
    return makeError("{0}: only relocatable objects can be rewritten", O.Name);
  auto Run = [&]() -> Error {
    if (O.Is64)
      return O.IsLittleEndian ? Writer<ELF64LE>(O, E).run(Sink)
                              : Writer<ELF64BE>(O, E).run(Sink);
    return O.IsLittleEndian ? Writer<ELF32LE>(O, E).run(Sink)
                            : Writer<ELF32BE>(O, E).run(Sink);
  };
  if (Error R = Run())
    return withContext(std::move(R), "rewriting " + O.Name);
  return Error::success();
}

namespace {
// Into memory, the size known up front.
class VectorSink final : public ObjectSink {
public:
  std::vector<char> Out;
  Error start(uint64_t Size) override {
    Out.reserve(Size);
    return Error::success();
  }
  void doAppend(ArrayRef<char> Bytes) override {
    Out.insert(Out.end(), Bytes.begin(), Bytes.end());
  }
  MutableArrayRef<char> doSpace(size_t N) override {
    Out.resize(Out.size() + N);
    return MutableArrayRef<char>(Out).take_back(N);
  }
};

// Into a file, through AtomicFileWriter.
class FileSink final : public ObjectSink {
public:
  explicit FileSink(AtomicFileWriter &W) : W(W) {}
  Error start(uint64_t) override { return Error::success(); }
  void doAppend(ArrayRef<char> Bytes) override { W.write(Bytes); }
  MutableArrayRef<char> doSpace(size_t N) override { return W.space(N); }

private:
  AtomicFileWriter &W;
};
static_assert(ObjectSink::MaxSpace <= AtomicFileWriter::BufferSize);
} // namespace

Expected<std::vector<char>> sysgc::writeObject(const ElfObject &O,
                                               const ObjectEdits &E) {
  VectorSink Sink;
  if (Error Err = writeObject(O, E, Sink))
    return std::move(Err);
  return std::move(Sink.Out);
}

Error sysgc::writeObjectFile(const ElfObject &O, const ObjectEdits &E,
                             StringRef Path) {
  auto W = AtomicFileWriter::create(Path);
  if (!W)
    return W.takeError();
  FileSink Sink(*W);
  if (Error Err = writeObject(O, E, Sink))
    return Err; // the temporary goes with W
  return W->commit();
}

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
