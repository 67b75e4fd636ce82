//===- ObjectModel.cpp - The sections and symbols being edited ------------===//
//
// What every edit shares: the output sections made from the input's, the
// string tables (grown only when a name is new), relocations copied once
// when an edit changes them, the two ways an edit adds to a section list (a
// link-order piece, and the relocation sections that follow bytes moved
// into pieces), and a changed addend, which a REL object keeps in the bytes.
//
//===----------------------------------------------------------------------===//
#include "ObjectModel.h"
#include "sysgc/Arch/Arch.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include <cstring>

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

OutSection OutSection::headerOnly() const {
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

bool OutSection::isRelocSection() const {
  return Type == ELF::SHT_REL || Type == ELF::SHT_RELA;
}

ObjectModel::ObjectModel(const ElfObject &O, size_t ExtraSections) : O(O) {
  Syms = O.Symbols;
  SymtabIdx = O.SymtabIndex;
  StrtabIdx = O.SymtabIndex ? O.Sections[O.SymtabIndex].Link : 0;
  ShStrIdx = O.ShStrIndex;
  ShndxIndex = O.SymtabShndxIndex;
  Secs.reserve(O.Sections.size() + ExtraSections);
  Secs.resize(O.Sections.size());
  Excluded.resize(O.Sections.size());
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
    if (X.isRelocSection() && S.Info < O.Sections.size() &&
        O.Sections[S.Info].RelocSection == I)
      X.Source = O.relocsOf(S.Info);
  }
}

uint32_t ObjectModel::symbolNamed(StringRef Name) {
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

uint32_t ObjectModel::sectionNameOffset(StringRef Name) {
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

StringRef ObjectModel::sectionName(uint32_t Off) const {
  ArrayRef<uint8_t> Tab =
      ShStr.empty() ? O.Sections[O.ShStrIndex].Contents : ArrayRef(ShStr);
  if (Off >= Tab.size())
    return "";
  return StringRef(reinterpret_cast<const char *>(Tab.data()) + Off,
                   strnlen(reinterpret_cast<const char *>(Tab.data()) + Off,
                           Tab.size() - Off));
}

uint32_t ObjectModel::appendString(StringRef S) {
  if (ExtraStrings.empty()) {
    ArrayRef<uint8_t> Orig = O.Sections[O.Sections[O.SymtabIndex].Link].Contents;
    ExtraStrings.assign(Orig.begin(), Orig.end());
  }
  uint32_t Off = ExtraStrings.size();
  ExtraStrings.insert(ExtraStrings.end(), S.begin(), S.end());
  ExtraStrings.push_back(0);
  return Off;
}

StringRef ObjectModel::saveName(std::string S) {
  NewNames.push_back(std::move(S));
  return NewNames.back();
}

ArrayRef<ElfReloc> ObjectModel::relocsOf(uint32_t I) const {
  uint32_t RS = O.Sections[I].RelocSection;
  if (!RS)
    return {};
  if (Secs[RS].EncodeRelocs)
    return Secs[RS].Relocs;
  return O.relocsOf(I);
}

MutableArrayRef<ElfReloc> ObjectModel::editableRelocs(uint32_t Target) {
  uint32_t RS = O.Sections[Target].RelocSection;
  OutSection &X = Secs[RS];
  if (!X.EncodeRelocs) {
    auto R = O.relocsOf(Target);
    X.Relocs = RelocStore.emplace_back(R.begin(), R.end());
    X.EncodeRelocs = true;
  }
  return X.Relocs;
}

// A binary search over the sections' relocation ranges, which are disjoint.
uint32_t ObjectModel::relocTarget(uint32_t Reloc) {
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

Error ObjectModel::moveRelocs(
    uint32_t Sec, ArrayRef<uint32_t> NewSecs,
    function_ref<std::pair<uint32_t, uint64_t>(uint64_t)> Dest) {
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
  std::vector<ElfReloc> &Sorted = ownRelocs(All.size());
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

uint32_t ObjectModel::addPiece(uint32_t Sec, uint32_t Owner) {
  OutSection X = Secs[Sec].headerOnly();
  X.Flags |= ELF::SHF_LINK_ORDER;
  if (Excluded[Owner])
    X.Flags |= ELF::SHF_EXCLUDE;
  X.Link = Owner;
  Secs.push_back(std::move(X));
  return Secs.size() - 1;
}

MutableArrayRef<uint8_t> ObjectModel::editableBytes(uint32_t Sec) {
  std::vector<uint8_t> *&Own = OwnedBytes[Sec];
  ArrayRef<uint8_t> Now = Secs[Sec].Data;
  // A later edit may have given the section other bytes since.
  if (!Own || Own->data() != Now.data() || Own->size() != Now.size()) {
    Own = &ownBytes();
    Own->assign(Now.begin(), Now.end());
    Secs[Sec].Data = *Own;
  }
  return *Own;
}

// Writes Value as a Size-byte word in byte order E.
static void writeWord(uint8_t *P, unsigned Size, uint64_t Value,
                      endianness E) {
  if (Size == 4)
    support::endian::write32(P, uint32_t(Value), E);
  else
    support::endian::write64(P, Value, E);
}

// Is a Type addend the whole Size-byte word it patches, so that writing the
// word writes the addend? Asked of the architecture's own reader (the one
// the object was read with): an instruction field, or arm's 31-bit PREL31
// whose top bit means something else, reads these words otherwise.
static bool addendIsTheWord(const ArchInfo &Arch, uint32_t Type,
                            unsigned Size, endianness E) {
  uint64_t Top = Size == 4 ? 0x80000000u : 0x8000000000000000u;
  for (uint64_t V : {uint64_t(1), Top, Top | 4, uint64_t(0x12345678)}) {
    uint8_t Buf[8];
    writeWord(Buf, Size, V, E);
    int64_t Want = Size == 4 ? int64_t(int32_t(uint32_t(V))) : int64_t(V);
    if (Arch.implicitAddend(Type, ArrayRef<uint8_t>(Buf, Size)) != Want)
      return false;
  }
  return true;
}

Error ObjectModel::setAddend(ElfReloc &R, int64_t Addend, uint32_t Sec,
                             uint64_t Off) {
  if (O.IsRela) {
    R.Addend = Addend;
    return Error::success();
  }
  const ArchInfo *Arch = getArch(O.Machine, O.Is64);
  std::string Type = Arch ? Arch->relocName(R.Type) : std::to_string(R.Type);
  auto Where = [&] {
    return formatv("{0}+{1:x}", Sec < O.Sections.size() ? O.describe(Sec)
                                                         : O.Name + ":(piece)",
                   Off)
        .str();
  };
  endianness E = O.IsLittleEndian ? endianness::little : endianness::big;
  std::optional<unsigned> Size =
      Arch ? Arch->tableRelocSize(R.Type) : std::nullopt;
  if (!Size || (*Size != 4 && *Size != 8) ||
      !addendIsTheWord(*Arch, R.Type, *Size, E))
    return makeError("{0}: relocation {1} in a REL object: its addend lives "
                     "in the bytes it patches, and sysgc can write it back "
                     "only where it is the whole word",
                     Where(), Type);
  MutableArrayRef<uint8_t> Bytes = editableBytes(Sec);
  if (Off + *Size > Bytes.size())
    return makeError("{0}: relocation {1} patches past the section's end",
                     Where(), Type);
  uint8_t *P = Bytes.data() + Off;
  int64_t Old = Arch->implicitAddend(R.Type, ArrayRef<uint8_t>(P, *Size));
  if (Old != R.Addend)
    return makeError("{0}: relocation {1}: the section holds the implicit "
                     "addend {2}, the relocation was read with {3} (REL "
                     "addends must be read from the section's bytes)",
                     Where(), Type, Old, R.Addend);
  if (*Size == 4 && !isInt<32>(Addend))
    return makeError("{0}: relocation {1}: addend {2} does not fit its "
                     "32-bit field",
                     Where(), Type, Addend);
  writeWord(P, *Size, uint64_t(Addend), E);
  R.Addend = Addend;
  return Error::success();
}

Error ObjectModel::renumberSymbols(ArrayRef<uint32_t> NewIndex,
                                   uint32_t FirstGlobal) {
  if (NewIndex.size() != Syms.size())
    return makeError("{0}: internal error: renumbering {1} of {2} symbols",
                     O.Name, NewIndex.size(), Syms.size());
  std::vector<ElfSymbol> Out(Syms.size());
  for (uint32_t I = 0; I < Syms.size(); ++I)
    Out[NewIndex[I]] = Syms[I];
  Syms = std::move(Out);
  SymbolMap.assign(NewIndex.begin(), NewIndex.end());
  NewSymbolIndex.clear(); // symbolNamed's answers
  if (SymtabIdx)
    Secs[SymtabIdx].Info = FirstGlobal;
  for (uint32_t I = 1; I < Secs.size(); ++I) {
    OutSection &X = Secs[I];
    if (X.Type == ELF::SHT_GROUP) {
      if (X.Info >= NewIndex.size())
        return makeError("{0}: group signature symbol #{1} out of range",
                         O.Name, X.Info);
      X.Info = NewIndex[X.Info];
    } else if (X.Type == ELF::SHT_LLVM_ADDRSIG) {
      // ULEB128 symbol indices (lld reads them for --icf=safe only).
      std::vector<uint8_t> &Bytes = ownBytes();
      const uint8_t *P = X.Data.data(), *End = P + X.Data.size();
      while (P < End) {
        unsigned N = 0;
        const char *Err = nullptr;
        uint64_t Sym = decodeULEB128(P, &N, End, &Err);
        if (Err || Sym >= NewIndex.size())
          return makeError("{0}: .llvm_addrsig: bad symbol index",
                           O.describe(I < O.Sections.size() ? I : 0));
        P += N;
        uint8_t Buf[16];
        unsigned Len = encodeULEB128(NewIndex[Sym], Buf);
        Bytes.insert(Bytes.end(), Buf, Buf + Len);
      }
      X.Data = Bytes;
      X.Size = Bytes.size();
    }
  }
  return Error::success();
}
