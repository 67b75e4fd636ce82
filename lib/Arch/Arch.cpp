//===- Arch.cpp - Architecture-independent parts of ArchInfo --------------===//
//
// Lookups over the ABI and table descriptions, and the registry that maps an
// ELF e_machine to its ArchInfo.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Arch/Arch.h"
#include "Targets.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/Endian.h"

using namespace sysgc;
using namespace llvm;

const SyscallDesc *AbiInfo::findByName(StringRef N) const {
  for (const SyscallDesc &D : Syscalls)
    if (D.Name == N)
      return &D;
  return nullptr;
}

const SyscallDesc *AbiInfo::findByNr(uint32_t Nr) const {
  for (const SyscallDesc &D : Syscalls)
    if (D.Nr == Nr)
      return &D;
  return nullptr;
}

std::vector<std::string> AbiInfo::entrySymbols(const SyscallDesc &D) const {
  std::vector<std::string> Out;
  if (!D.Entry.empty())
    Out.push_back((EntryPrefix.str() + D.Entry.str()));
  if (!D.CompatEntry.empty())
    Out.push_back((EntryPrefix.str() + D.CompatEntry.str()));
  return Out;
}

const AbiInfo *ArchInfo::findAbi(StringRef N) const {
  for (const AbiInfo &A : Abis) {
    if (A.Name == N)
      return &A;
    for (StringRef Alias : A.Aliases)
      if (Alias == N)
        return &A;
  }
  return nullptr;
}

const TableLayout *ArchInfo::findTable(StringRef Section) const {
  std::call_once(TableIndexOnce, [&] {
    for (uint32_t I = 0; I < Tables.size(); ++I) {
      if (Tables[I].Section.ends_with("*"))
        PrefixTables.push_back(I);
      else if (!Tables[I].Section.empty()) {
        StringRef N = Tables[I].Section;
        ExactTables.try_emplace(N, I);
        ExactLengths.set(std::min<size_t>(N.size(), 63));
        ExactFirst.set(uint8_t(N.front()));
        ExactLast.set(uint8_t(N.back()));
      }
    }
  });
  // The first layout in Tables' order that matches, as a linear scan would.
  uint32_t Best = ~0u;
  if (!Section.empty() && ExactLengths[std::min<size_t>(Section.size(), 63)] &&
      ExactFirst[uint8_t(Section.front())] &&
      ExactLast[uint8_t(Section.back())]) {
    auto It = ExactTables.find(Section);
    if (It != ExactTables.end())
      Best = It->second;
  }
  for (uint32_t I : PrefixTables) {
    if (I >= Best)
      break;
    if (Tables[I].matches(Section)) {
      Best = I;
      break;
    }
  }
  return Best == ~0u ? nullptr : &Tables[Best];
}

ArrayRef<const ArchInfo *> sysgc::allArchs() {
  static const ArchInfo *All[] = {&getX86_64Arch(), &getRISCV64Arch(),
                                  &getAArch64Arch(), &getARMArch()};
  return All;
}

const ArchInfo *sysgc::getArch(uint16_t Machine, std::optional<bool> Is64) {
  for (const ArchInfo *A : allArchs())
    if (A->Machine == Machine && (!Is64 || A->Is64 == *Is64))
      return A;
  return nullptr;
}

int64_t ArchInfo::implicitAddend(uint32_t Type, ArrayRef<uint8_t> Loc) const {
  // The plain data relocations: the addend is the word they patch.
  if (std::optional<unsigned> Size = tableRelocSize(Type)) {
    if (*Size == 4 && Loc.size() >= 4)
      return int32_t(support::endian::read32le(Loc.data()));
    if (*Size == 8 && Loc.size() >= 8)
      return int64_t(support::endian::read64le(Loc.data()));
  }
  return 0;
}

std::string ArchInfo::relocName(uint32_t Type) const {
  StringRef N = object::getELFRelocationTypeName(Machine, Type);
  if (N == "Unknown")
    return ("relocation type " + Twine(Type)).str();
  return N.str();
}
