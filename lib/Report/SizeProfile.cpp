//===- SizeProfile.cpp - What a linked file is made of, by size -----------===//
//
// Reads a linked ELF file the way the size tools people compare against
// read it: its symbols as `nm --size-sort` lists them (GNU nm 2.40's type
// letters, decided by the binding and the section's flags; sized, defined
// symbols only), its allocated sections classed as `size` and bloaty class
// them, and its PT_LOAD segments.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Report/SizeDiff.h"
#include "sysgc/Object/ElfObject.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cctype>

using namespace sysgc;
using namespace llvm;

// GNU nm (bfd's decode_section_type) on an ELF section: code, loaded data
// read-only or not, no contents, debugging, other read-only contents.
static char sectionLetter(const ElfSection &S) {
  if (S.Flags & ELF::SHF_EXECINSTR)
    return 't';
  bool HasContents = S.Type != ELF::SHT_NOBITS;
  if ((S.Flags & ELF::SHF_ALLOC) && HasContents)
    return (S.Flags & ELF::SHF_WRITE) ? 'd' : 'r';
  if (!HasContents)
    return 'b';
  StringRef N = S.Name;
  if (N.starts_with(".debug") || N.starts_with(".zdebug") ||
      N.starts_with(".gnu.linkonce.wi.") || N == ".line" || N.starts_with(".stab"))
    return 'N';
  if (!(S.Flags & ELF::SHF_WRITE))
    return 'n';
  return '?';
}

char sysgc::nmType(const ElfObject &O, uint32_t SymIndex) {
  const ElfSymbol &S = O.Symbols[SymIndex];
  if (S.Type == ELF::STT_SECTION || S.Type == ELF::STT_FILE || S.Name.empty())
    return '\0';
  bool Weak = S.Binding == ELF::STB_WEAK;
  bool Object = S.Type == ELF::STT_OBJECT;
  if (S.isUndefined())
    return Weak ? (Object ? 'v' : 'w') : 'U';
  if (S.Shndx == ELF::SHN_COMMON && !S.XIndex)
    return 'C';
  if (S.Type == ELF::STT_GNU_IFUNC)
    return 'i';
  if (Weak)
    return Object ? 'V' : 'W';
  if (S.Binding == ELF::STB_GNU_UNIQUE)
    return 'u';
  char C;
  if (S.Shndx == ELF::SHN_ABS && !S.XIndex)
    C = 'a';
  else if (S.inSection() && S.Shndx < O.Sections.size())
    C = sectionLetter(O.Sections[S.Shndx]);
  else
    return '?';
  return S.Binding == ELF::STB_GLOBAL ? char(std::toupper(C)) : C;
}

static std::string sectionClass(const ElfSection &S) {
  if (S.Flags & ELF::SHF_EXECINSTR)
    return "text";
  if (S.Type == ELF::SHT_NOBITS)
    return "bss";
  return (S.Flags & ELF::SHF_WRITE) ? "data" : "rodata";
}

template <class ELFT>
static Error readSegments(const object::ELFFile<ELFT> &F, SizeProfile &P) {
  auto Phdrs = F.program_headers();
  if (!Phdrs)
    return Phdrs.takeError();
  size_t I = 0;
  for (const auto &Ph : *Phdrs) {
    ++I;
    if (Ph.p_type != ELF::PT_LOAD)
      continue;
    std::string Flags;
    Flags += (Ph.p_flags & ELF::PF_R) ? 'R' : '-';
    Flags += (Ph.p_flags & ELF::PF_W) ? 'W' : '-';
    Flags += (Ph.p_flags & ELF::PF_X) ? 'X' : '-';
    P.Segments.push_back({formatv("LOAD#{0} {1}", I - 1, Flags).str(),
                          uint64_t(Ph.p_memsz), "load"});
  }
  return Error::success();
}

static Error readSegments(MemoryBufferRef Buf, SizeProfile &P) {
  auto Obj = object::ObjectFile::createELFObjectFile(Buf);
  if (!Obj)
    return Obj.takeError();
  if (auto *E = dyn_cast<object::ELF64LEObjectFile>(Obj->get()))
    return readSegments(E->getELFFile(), P);
  if (auto *E = dyn_cast<object::ELF32LEObjectFile>(Obj->get()))
    return readSegments(E->getELFFile(), P);
  if (auto *E = dyn_cast<object::ELF64BEObjectFile>(Obj->get()))
    return readSegments(E->getELFFile(), P);
  if (auto *E = dyn_cast<object::ELF32BEObjectFile>(Obj->get()))
    return readSegments(E->getELFFile(), P);
  return Error::success();
}

Expected<SizeProfile> sysgc::readSizeProfile(StringRef Path) {
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                   /*RequiresNullTerminator=*/false);
  if (!Buf)
    return createStringError(Buf.getError(), "%s: %s", Path.str().c_str(),
                             Buf.getError().message().c_str());
  if (!isElf((*Buf)->getBuffer()))
    return createStringError(std::errc::invalid_argument,
                             "%s: not an ELF file (give two linked files, "
                             "e.g. vmlinux before and after)",
                             Path.str().c_str());
  auto O = ElfObject::create((*Buf)->getMemBufferRef(), Path.str(),
                             /*WithRelocs=*/false);
  if (!O)
    return O.takeError();
  SizeProfile P;
  P.Path = Path.str();
  P.FileSize = (*Buf)->getBufferSize();
  for (uint32_t I = 1; I < (*O)->Symbols.size(); ++I) {
    const ElfSymbol &S = (*O)->Symbols[I];
    char T = nmType(**O, I);
    if (!T || !S.Size)
      continue;
    P.Symbols.push_back({S.Name.str(), S.Size, T});
  }
  std::map<std::string, size_t> Seen;
  for (const ElfSection &S : (*O)->Sections) {
    if (!(S.Flags & ELF::SHF_ALLOC))
      continue;
    auto [It, New] = Seen.try_emplace(S.Name.str(), P.Sections.size());
    if (New)
      P.Sections.push_back({S.Name.str(), S.Size, sectionClass(S)});
    else
      P.Sections[It->second].Size += S.Size;
  }
  if (Error E = readSegments((*Buf)->getMemBufferRef(), P))
    return createStringError(std::errc::invalid_argument,
                             "%s: program headers: %s", Path.str().c_str(),
                             toString(std::move(E)).c_str());
  return P;
}
