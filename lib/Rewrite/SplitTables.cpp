//===- SplitTables.cpp - Cut a table into per-owner link-order pieces -----===//
//
// A back-reference table (__ex_table, ORC, ...) would keep every function
// it has an entry for alive. Cut into SHF_LINK_ORDER pieces, one per owner
// function, each entry lives exactly as long as its owner does in lld. The
// entries that stay (the remainder) keep the original section; relocations
// and symbols inside the table follow their entry (and a REL object's
// implicit addends with the entry's bytes).
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

Error sysgc::rewrite::splitTable(ObjectModel &M, const TableSplit &T) {
  const ElfObject &O = M.O;
  const ElfSection &S = O.Sections[T.Sec];
  uint32_t ES = T.EntrySize;
  if (!ES || S.Size % ES || S.Type == ELF::SHT_NOBITS)
    return makeError("{0}: cannot split into {1}-byte entries",
                     O.describe(T.Sec), ES);
  uint32_t N = S.Size / ES;
  // The bytes as the edits before left them (a REL object's implicit
  // addends may have been rewritten), which move with their entries.
  ArrayRef<uint8_t> In = M.Secs[T.Sec].Data;
  if (In.size() != S.Size)
    return makeError("{0}: changed size before it was split",
                     O.describe(T.Sec));
  // Where each entry goes: (output section, entry position there).
  std::vector<std::pair<uint32_t, uint32_t>> Dest(N, {~0u, 0});
  // Every entry lands once, so all of them fit in one block of the
  // table's size; each output section gets a slice of it.
  std::vector<uint8_t> &Block = M.ownBytes();
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
      auto Bytes = In.slice(uint64_t(En) * ES, ES);
      Block.insert(Block.end(), Bytes.begin(), Bytes.end());
    }
    M.Secs[Sec].Data = ArrayRef<uint8_t>(Block).slice(Start);
    M.Secs[Sec].Size = M.Secs[Sec].Data.size();
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
    uint32_t Index = M.addPiece(T.Sec, P.Owner);
    PieceIndex.push_back(Index);
    if (Error Err = Place(Index, P.Entries))
      return Err;
  }
  for (uint32_t En = 0; En < N; ++En)
    if (Dest[En].first == ~0u)
      return makeError("{0}: entry {1} is in no piece", O.describe(T.Sec),
                       En);

  // Relocations follow their entries.
  if (Error Err = M.moveRelocs(T.Sec, PieceIndex, [&](uint64_t Off) {
        auto [Sec, Pos] = Dest[Off / ES];
        return std::pair<uint32_t, uint64_t>(Sec,
                                             uint64_t(Pos) * ES + Off % ES);
      }))
    return Err;

  // Symbols defined inside the table move with their entry.
  for (ElfSymbol &Sm : M.Syms) {
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
