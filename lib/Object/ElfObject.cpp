//===- ElfObject.cpp - Read one ELF file into a flat view -----------------===//
//
// Uses object::ELFFile<ELFT> (20x faster than the generic ObjectFile API on
// vmlinux.o) and checks every index that later stages will trust: section
// links, symbol indices in relocations, SHN_XINDEX. Malformed input yields an
// error naming the file and the section; it never crashes (fuzzed).
//
//===----------------------------------------------------------------------===//
#include "sysgc/Object/ElfObject.h"
#include "LinkChecks.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"
#include "sysgc/Support/Error.h"
#include "sysgc/Support/Parallel.h"
#include "llvm/Object/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include <optional>

using namespace sysgc;
using namespace llvm;
using namespace llvm::object;

bool ElfSymbol::isDefined() const {
  return Shndx != ELF::SHN_UNDEF && (XIndex || Shndx != ELF::SHN_COMMON);
}

bool sysgc::isElf(StringRef Buffer) { return Buffer.starts_with("\x7f" "ELF"); }

std::string ElfObject::describe(uint32_t Sec) const {
  if (Sec < Sections.size())
    return Name + ":(" + Sections[Sec].Name.str() + ")";
  return Name + ":(section #" + std::to_string(Sec) + ")";
}

uint64_t ElfObject::contentHash() const {
  if (!ContentHash)
    ContentHash = xxh3_64bits(arrayRefFromStringRef(Buffer.getBuffer()));
  return *ContentHash;
}

template <class ELFT>
static Error readRelocs(ElfObject &O, const ELFFile<ELFT> &F,
                        ArrayRef<typename ELFT::Shdr> Shdrs);

// E, prefixed with the file's name unless it names it already
// ("vmlinux.o:(.text.foo): ...", as lld names a section).
static Error named(Error E, StringRef Name) {
  if (!E)
    return E;
  std::string Msg = toString(std::move(E));
  if (StringRef(Msg).starts_with((Name + ":").str()))
    return createStringError(inconvertibleErrorCode(), Msg);
  return createStringError(inconvertibleErrorCode(), (Name + ": " + Msg).str());
}

// Every section header, its name and its bytes.
template <class ELFT>
static Error readSections(ElfObject &O, const ELFFile<ELFT> &F,
                          ArrayRef<typename ELFT::Shdr> Shdrs,
                          StringRef ShStrTab) {
  using Elf_Shdr = typename ELFT::Shdr;
  O.Sections.resize(Shdrs.size());
  return parallelForEachIndex(Shdrs.size(), 8192, [&](size_t I) -> Error {
    const Elf_Shdr &H = Shdrs[I];
    ElfSection &S = O.Sections[I];
    auto NameOrErr = F.getSectionName(H, ShStrTab);
    if (!NameOrErr)
      return withContext(NameOrErr.takeError(),
                         "section #" + Twine(I));
    S.Name = *NameOrErr;
    S.NameOffset = H.sh_name;
    S.Type = H.sh_type;
    S.Flags = H.sh_flags;
    S.Addr = H.sh_addr;
    S.Offset = H.sh_offset;
    S.Size = H.sh_size;
    S.Link = H.sh_link;
    S.Info = H.sh_info;
    S.AddrAlign = H.sh_addralign;
    S.EntSize = H.sh_entsize;
    if (I != 0 && H.sh_type != ELF::SHT_NOBITS) {
      auto DataOrErr = F.getSectionContents(H);
      if (!DataOrErr)
        return withContext(DataOrErr.takeError(), "section " + S.Name);
      S.Contents = *DataOrErr;
    }
    return Error::success();
  });
}

// Every symbol of Symtab (none if there is no symbol table).
template <class ELFT>
static Error readSymbols(ElfObject &O, const ELFFile<ELFT> &F,
                         ArrayRef<typename ELFT::Shdr> Shdrs,
                         const typename ELFT::Shdr *Symtab) {
  if (Symtab) {
    auto SymsOrErr = F.symbols(Symtab);
    if (!SymsOrErr)
      return withContext(SymsOrErr.takeError(), "symbol table");
    auto StrTabOrErr = F.getStringTableForSymtab(*Symtab, Shdrs);
    if (!StrTabOrErr)
      return withContext(StrTabOrErr.takeError(), "symbol table");
    std::optional<DataRegion<typename ELFT::Word>> ShndxTable;
    if (O.SymtabShndxIndex) {
      auto TableOrErr = F.getSHNDXTable(Shdrs[O.SymtabShndxIndex], Shdrs);
      if (!TableOrErr)
        return withContext(TableOrErr.takeError(), "SHT_SYMTAB_SHNDX");
      ShndxTable.emplace(*TableOrErr);
    }
    O.FirstGlobal = Symtab->sh_info;
    if (O.FirstGlobal > SymsOrErr->size())
      return makeError("symbol table: sh_info {0} exceeds {1} symbols",
                       O.FirstGlobal, SymsOrErr->size());
    O.Symbols.resize(SymsOrErr->size());
    return parallelForEachIndex(SymsOrErr->size(), 8192, [&](size_t I) -> Error {
      const auto &Sym = (*SymsOrErr)[I];
      ElfSymbol &S = O.Symbols[I];
      auto NameOrErr = Sym.getName(*StrTabOrErr);
      if (!NameOrErr)
        return withContext(NameOrErr.takeError(), "symbol #" + Twine(I));
      S.Name = *NameOrErr;
      S.Value = Sym.st_value;
      S.Size = Sym.st_size;
      S.Binding = Sym.getBinding();
      S.Type = Sym.getType();
      S.Other = Sym.st_other;
      S.NameOffset = Sym.st_name;
      S.XIndex = Sym.st_shndx == ELF::SHN_XINDEX;
      uint32_t Shndx = Sym.st_shndx;
      if (Shndx == ELF::SHN_XINDEX) {
        if (!ShndxTable)
          return makeError("symbol '{0}' uses SHN_XINDEX but there is no "
                           "SHT_SYMTAB_SHNDX section",
                           S.Name);
        auto IdxOrErr = getExtendedSymbolTableIndex<ELFT>(Sym, I, *ShndxTable);
        if (!IdxOrErr)
          return withContext(IdxOrErr.takeError(), "symbol " + S.Name);
        Shndx = *IdxOrErr;
      }
      if ((Shndx < ELF::SHN_LORESERVE || Sym.st_shndx == ELF::SHN_XINDEX) &&
          Shndx >= Shdrs.size())
        return makeError("symbol '{0}' (#{1}) has section index {2}, but "
                         "there are {3} sections",
                         S.Name, I, Shndx, Shdrs.size());
      S.Shndx = Shndx;
      return Error::success();
    });
  }
  return Error::success();
}

template <class ELFT>
static Error readElf(ElfObject &O, bool WithRelocs) {
  using Elf_Shdr = typename ELFT::Shdr;
  auto FileOrErr = ELFFile<ELFT>::create(O.Buffer.getBuffer());
  if (!FileOrErr)
    return FileOrErr.takeError();
  const ELFFile<ELFT> &F = *FileOrErr;
  O.Machine = F.getHeader().e_machine;
  O.FileType = F.getHeader().e_type;

  auto SecsOrErr = F.sections();
  if (!SecsOrErr)
    return SecsOrErr.takeError();
  ArrayRef<Elf_Shdr> Shdrs = *SecsOrErr;
  auto StrIdx = F.getHeader().e_shstrndx == ELF::SHN_XINDEX && !Shdrs.empty()
                    ? Shdrs[0].sh_link
                    : F.getHeader().e_shstrndx;
  O.ShStrIndex = StrIdx;
  auto ShStrTabOrErr = F.getSectionStringTable(Shdrs);
  if (!ShStrTabOrErr)
    return ShStrTabOrErr.takeError();

  // Where the symbol table is.
  const Elf_Shdr *Symtab = nullptr;
  for (size_t I = 0; I < Shdrs.size(); ++I) {
    if (Shdrs[I].sh_type == ELF::SHT_SYMTAB) {
      if (Symtab)
        return makeError("more than one SHT_SYMTAB section");
      Symtab = &Shdrs[I];
      O.SymtabIndex = I;
    }
    if (Shdrs[I].sh_type == ELF::SHT_SYMTAB_SHNDX)
      O.SymtabShndxIndex = I;
  }

  if (Error E = readSections<ELFT>(O, F, Shdrs, *ShStrTabOrErr))
    return E;
  if (Error E = readSymbols<ELFT>(O, F, Shdrs, Symtab))
    return E;

  if (Error E = checkSectionsForLink(O))
    return E;

  // How many relocations the file holds (what loadRelocs will read).
  O.RelocCount = 0;
  if (O.FileType == ELF::ET_REL)
    for (const Elf_Shdr &H : Shdrs)
      if ((H.sh_type == ELF::SHT_REL || H.sh_type == ELF::SHT_RELA) &&
          H.sh_entsize)
        O.RelocCount += H.sh_size / H.sh_entsize;
  if (!WithRelocs)
    return Error::success();
  return readRelocs<ELFT>(O, F, Shdrs);
}

// Relocations, grouped by the section they apply to.
template <class ELFT>
static Error readRelocs(ElfObject &O, const ELFFile<ELFT> &F,
                        ArrayRef<typename ELFT::Shdr> Shdrs) {
  using Elf_Shdr = typename ELFT::Shdr;
  bool SawRel = false, SawRela = false;
  {
    // One allocation: the sizes claimed, bounded by the file's.
    uint64_t Claimed = 0;
    for (const Elf_Shdr &H : Shdrs)
      if (H.sh_type == ELF::SHT_REL || H.sh_type == ELF::SHT_RELA)
        Claimed += std::min<uint64_t>(H.sh_size, O.Buffer.getBufferSize()) /
                   (H.sh_type == ELF::SHT_RELA ? sizeof(typename ELFT::Rela)
                                               : sizeof(typename ELFT::Rel));
    O.Relocs.reserve(std::min<uint64_t>(Claimed, O.Buffer.getBufferSize() /
                                                     sizeof(typename ELFT::Rel)));
  }
  for (size_t I = 0; I < Shdrs.size(); ++I) {
    const Elf_Shdr &H = Shdrs[I];
    if (H.sh_type != ELF::SHT_REL && H.sh_type != ELF::SHT_RELA)
      continue;
    StringRef RelName = O.Sections[I].Name;
    if (O.FileType != ELF::ET_REL)
      continue; // a linked file's (.rela.dyn, .rela.plt against .dynsym):
                // dynamic relocations, which nothing in sysgc reads
    if (H.sh_info >= Shdrs.size())
      return makeError("{0}: sh_info {1} is not a section index", RelName,
                       H.sh_info);
    if (H.sh_link != O.SymtabIndex)
      return makeError("{0}: sh_link {1} is not the symbol table", RelName,
                       H.sh_link);
    ElfSection &Target = O.Sections[H.sh_info];
    if (Target.RelocSection)
      return makeError("{0}: a second relocation section for {1}", RelName,
                       Target.Name);
    Target.RelocSection = I;
    Target.FirstReloc = O.Relocs.size();
    auto Push = [&](uint64_t Off, uint32_t Type, uint32_t Sym,
                    int64_t Add) -> Error {
      if (Sym >= O.Symbols.size())
        return makeError("{0}: relocation {1} at {2:x} has symbol index {3}, "
                         "the symbol table has {4} entries",
                         O.describe(H.sh_info),
                         O.Relocs.size() - Target.FirstReloc, Off, Sym,
                         O.Symbols.size());
      O.Relocs.push_back({Off, Type, Sym, Add});
      return Error::success();
    };
    if (H.sh_type == ELF::SHT_RELA) {
      SawRela = true;
      auto RelsOrErr = F.relas(H);
      if (!RelsOrErr)
        return withContext(RelsOrErr.takeError(), RelName);
      for (const auto &R : *RelsOrErr)
        if (Error E = Push(R.r_offset, R.getType(F.isMips64EL()),
                           R.getSymbol(F.isMips64EL()), R.r_addend))
          return E;
    } else {
      SawRel = true;
      auto RelsOrErr = F.rels(H);
      if (!RelsOrErr)
        return withContext(RelsOrErr.takeError(), RelName);
      // The addend lives in the bytes each relocation patches: read it
      // once, here, so that nothing downstream tells REL from RELA.
      ArrayRef<uint8_t> Bytes = Target.Contents;
      for (const auto &R : *RelsOrErr) {
        uint32_t Type = R.getType(F.isMips64EL());
        int64_t Addend = 0;
        if (O.ImplicitAddend && R.r_offset < Bytes.size())
          Addend = O.ImplicitAddend(Type, Bytes.drop_front(R.r_offset));
        if (Error E = Push(R.r_offset, Type, R.getSymbol(F.isMips64EL()),
                           Addend))
          return E;
      }
    }
    Target.NumRelocs = O.Relocs.size() - Target.FirstReloc;
  }
  if (SawRel && SawRela)
    return makeError("mixes SHT_REL and SHT_RELA sections; sysgc does not "
                     "support that");
  O.IsRela = !SawRel;
  O.RelocsLoaded = true;
  O.RelocCount = O.Relocs.size();
  return checkRelocsForLink(O);
}

template <class ELFT> static Error loadRelocsOf(ElfObject &O) {
  auto FileOrErr = ELFFile<ELFT>::create(O.Buffer.getBuffer());
  if (!FileOrErr)
    return FileOrErr.takeError();
  auto SecsOrErr = FileOrErr->sections();
  if (!SecsOrErr)
    return SecsOrErr.takeError();
  return readRelocs<ELFT>(O, *FileOrErr, *SecsOrErr);
}

Error ElfObject::loadRelocs() {
  if (RelocsLoaded)
    return Error::success();
  Error E = Error::success();
  if (Is64)
    E = IsLittleEndian ? loadRelocsOf<ELF64LE>(*this)
                       : loadRelocsOf<ELF64BE>(*this);
  else
    E = IsLittleEndian ? loadRelocsOf<ELF32LE>(*this)
                       : loadRelocsOf<ELF32BE>(*this);
  if (E) {
    // Nothing half-read stays behind.
    Relocs.clear();
    for (ElfSection &S : Sections)
      S.RelocSection = S.FirstReloc = S.NumRelocs = 0;
    return named(std::move(E), Name);
  }
  return Error::success();
}

Expected<std::unique_ptr<ElfObject>>
ElfObject::create(MemoryBufferRef Buffer, std::string Name,
                  bool WithRelocs) {
  auto O = std::make_unique<ElfObject>();
  O->Name = std::move(Name);
  O->Buffer = Buffer;
  StringRef B = Buffer.getBuffer();
  if (B.size() < ELF::EI_NIDENT || !isElf(B))
    return makeError("{0}: not an ELF file", O->Name);
  unsigned char Class = B[ELF::EI_CLASS], Data = B[ELF::EI_DATA];
  if ((Class != ELF::ELFCLASS32 && Class != ELF::ELFCLASS64) ||
      (Data != ELF::ELFDATA2LSB && Data != ELF::ELFDATA2MSB))
    return makeError("{0}: unknown ELF class or byte order", O->Name);
  O->Is64 = Class == ELF::ELFCLASS64;
  O->IsLittleEndian = Data == ELF::ELFDATA2LSB;
  Error E = Error::success();
  if (O->Is64)
    E = O->IsLittleEndian ? readElf<ELF64LE>(*O, WithRelocs)
                          : readElf<ELF64BE>(*O, WithRelocs);
  else
    E = O->IsLittleEndian ? readElf<ELF32LE>(*O, WithRelocs)
                          : readElf<ELF32BE>(*O, WithRelocs);
  if (E)
    return named(std::move(E), O->Name);
  return std::move(O);
}
