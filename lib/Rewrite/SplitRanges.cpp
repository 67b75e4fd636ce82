//===- SplitRanges.cpp - Cut snippets out of a code section ---------------===//
//
// Alternative-code sections (.altinstr_replacement) hold snippets of many
// functions in one section, which keeps them all alive. Each owner's
// snippets move into a SHF_LINK_ORDER piece of their own, the bytes left
// are compacted, and the references into the section are pointed at the
// pieces through new hidden symbols (appended: no symbol index changes),
// their addends rewritten (in a REL object, in the bytes they patch).
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"
#include <algorithm>

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

Error sysgc::rewrite::splitRanges(ObjectModel &M, const RangeSplit &RS) {
  const ElfObject &O = M.O;
  const ElfSection &S = O.Sections[RS.Sec];
  uint32_t NR = RS.Ranges.size();
  // The bytes as the edits before left them.
  ArrayRef<uint8_t> In = M.Secs[RS.Sec].Data;
  if (In.size() != S.Size || S.Type == ELF::SHT_NOBITS)
    return makeError("{0}: cannot cut snippets out of it", O.describe(RS.Sec));
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
    uint32_t Index = M.addPiece(RS.Sec, P.Owner);
    std::vector<uint8_t> &Piece = M.ownBytes();
    for (uint32_t R : P.Ranges) {
      if (R >= NR || PieceOfRange[R] != ~0u)
        return makeError("{0}: snippet #{1} placed twice",
                         O.describe(RS.Sec), R);
      PieceOfRange[R] = Index;
      NewStart[R] = Piece.size();
      auto Bytes = In.slice(RS.Ranges[R].first,
                                    RS.Ranges[R].second - RS.Ranges[R].first);
      Piece.insert(Piece.end(), Bytes.begin(), Bytes.end());
    }
    PieceIndex.push_back(Index);
    M.Secs[Index].Data = Piece;
    M.Secs[Index].Size = Piece.size();
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
    std::vector<uint8_t> &Rest = M.ownBytes();
    uint64_t Pos = 0;
    for (uint32_t I = 0; I < NR; ++I) {
      if (PieceOfRange[I] == ~0u)
        continue;
      Rest.insert(Rest.end(), In.begin() + Pos,
                  In.begin() + RS.Ranges[I].first);
      Pos = RS.Ranges[I].second;
    }
    Rest.insert(Rest.end(), In.begin() + Pos, In.end());
    M.Secs[RS.Sec].Data = Rest;
    M.Secs[RS.Sec].Size = Rest.size();
  }

  // The references into the section, before anything else moves.
  std::vector<uint32_t> Hidden(M.Secs.size(), 0);
  for (auto [Reloc, Bias] : RS.Refs) {
    uint32_t Target = M.relocTarget(Reloc);
    if (!Target)
      return makeError("{0}: no relocation #{1}", O.Name, Reloc);
    ElfReloc &R =
        M.editableRelocs(Target)[Reloc - O.Sections[Target].FirstReloc];
    const ElfSymbol &Sym = O.Symbols[R.Symbol];
    if (!Sym.inSection() || Sym.Shndx != RS.Sec)
      return makeError("{0}: relocation #{1} does not point into {2}",
                       O.Name, Reloc, S.Name);
    uint64_t X = Sym.Value + R.Addend + Bias;
    auto [To, Off] = Dest(X);
    // Where the relocation patches (a REL object's addend is there): its
    // own place, unless it sits in the section being cut up.
    auto [PlaceSec, PlaceOff] = Target == RS.Sec
                                    ? Dest(R.Offset)
                                    : std::pair<uint32_t, uint64_t>(
                                          Target, R.Offset);
    if (To == RS.Sec) {
      if (Error Err = M.setAddend(R, int64_t(Off) - int64_t(Sym.Value) - Bias,
                                  PlaceSec, PlaceOff))
        return Err;
      continue;
    }
    if (!Hidden[To]) {
      ElfSymbol H;
      H.Name = M.saveName(
          formatv("__sysgc_snippet_{0:x}_{1}", xxh3_64bits(O.Name), To).str());
      H.NameOffset = M.appendString(H.Name);
      H.Binding = ELF::STB_GLOBAL;
      H.Type = ELF::STT_NOTYPE;
      H.Other = ELF::STV_HIDDEN;
      H.Shndx = To;
      H.XIndex = To >= ELF::SHN_LORESERVE;
      Hidden[To] = M.Syms.size();
      M.Syms.push_back(H);
    }
    R.Symbol = Hidden[To];
    if (Error Err = M.setAddend(R, int64_t(Off) - Bias, PlaceSec, PlaceOff))
      return Err;
  }

  if (Error Err = M.moveRelocs(RS.Sec, PieceIndex, Dest))
    return Err;
  for (ElfSymbol &Sm : M.Syms) {
    if (!Sm.inSection() || Sm.Shndx != RS.Sec || Sm.Type == ELF::STT_SECTION)
      continue;
    auto [To, Off] = Dest(std::min<uint64_t>(Sm.Value, S.Size));
    if (Sm.Value >= S.Size)
      Off = M.Secs[RS.Sec].Size;
    Sm.Shndx = To;
    Sm.Value = Off;
    Sm.XIndex = To >= ELF::SHN_LORESERVE;
  }
  return Error::success();
}
