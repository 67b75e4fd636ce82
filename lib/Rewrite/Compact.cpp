//===- Compact.cpp - Remove the sections coalescing emptied ---------------===//
//
// After coalesce() nine in ten sections of a kernel object are empty
// placeholders; lld would still read a header, a name and a relocation
// section for each. They go, and every section index (sh_link, sh_info,
// group members, symbols) is renumbered. One that a kept section or a
// symbol still names stays, as the empty SHF_EXCLUDE placeholder it is.
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

Error sysgc::rewrite::compact(ObjectModel &M) {
  std::vector<OutSection> &Secs = M.Secs;
  BitVector &Joined = M.Joined;
  uint32_t N = Secs.size();
  if (Joined.none())
    return Error::success();
  Joined.resize(N);
  auto InfoIsSection = [](const OutSection &X) {
    return X.isRelocSection() || (X.Flags & ELF::SHF_INFO_LINK);
  };
  // A group's words: its flags, then its members' indices (read
  // unaligned: the contents are wherever the input put them).
  endianness Endian =
      M.O.IsLittleEndian ? endianness::little : endianness::big;
  auto GroupWord = [&](ArrayRef<uint8_t> Data, size_t J) {
    return support::endian::read<uint32_t>(Data.data() + 4 * J, Endian);
  };
  for (const ElfSymbol &S : M.Syms)
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
      return makeError("{0}: section index {1} out of range", M.O.Name, I);
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
      std::vector<uint8_t> &Bytes = M.ownBytes();
      Bytes.assign(X.Data.begin(), X.Data.end());
      for (size_t J = 1; J < Bytes.size() / 4; ++J) {
        auto L = Map(GroupWord(Bytes, J));
        if (!L)
          return L.takeError();
        support::endian::write<uint32_t>(Bytes.data() + 4 * J, *L, Endian);
      }
      X.Data = Bytes;
    }
  }
  for (ElfSymbol &S : M.Syms)
    if (S.inSection() && S.Shndx < N) {
      S.Shndx = NewIndex[S.Shndx];
      S.XIndex = S.Shndx >= ELF::SHN_LORESERVE;
    }
  M.SymtabIdx = NewIndex[M.SymtabIdx];
  M.StrtabIdx = NewIndex[M.StrtabIdx];
  M.ShStrIdx = NewIndex[M.ShStrIdx];
  M.ShndxIndex = NewIndex[M.ShndxIndex];
  Secs = std::move(Kept);
  return Error::success();
}
